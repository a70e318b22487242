#include "agent/sources/simulator/sim_status.h"

#include <optional>

#include "agent/sources/simulator/sim_random.h"

namespace ccc::agent::sources::sim {
namespace {

constexpr uint64_t kTagBoot = StableHash("boot", 0);
constexpr uint64_t kTagPhoneIncident = StableHash("phone-incident", 0);
constexpr uint64_t kTagAccountIncident = StableHash("account-incident", 0);
constexpr uint64_t kTagEpisode = StableHash("episode", 0);
constexpr uint64_t kTagReconnect = StableHash("reconnect", 0);

constexpr double kBootsPerDay = 1.0 / 14;
constexpr int64_t kMaxDaysBetweenBoots = 60;

// Incidents per entry and hour, and how long they last at most (slots).
constexpr double kDeskIncidentRate = 0.012;
constexpr double kDectIncidentRate = 0.02;
constexpr double kBaseIncidentRate = 0.005;
constexpr double kAnalogueIncidentRate = 0.003;
constexpr double kAccountIncidentRate = 0.01;
constexpr int64_t kMaxIncidentSlots = 12;

// Scripted episodes each get a third of the 12-hour period, so they never overlap.
constexpr int64_t kEpisodeWindow = kSlotsPerPeriod / 3;

struct Incident {
  int64_t start = 0;  // slot
  double kind = 0;    // uniform in [0, 1): the caller maps it to what happened
};

// The latest-starting incident of an entity that covers `slot`, if any. At most one
// incident starts per hour; `length_of(kind, draws)` says how many slots it lasts
// (1..kMaxIncidentSlots).
template <typename LengthOf>
std::optional<Incident> IncidentAt(uint64_t seed, uint64_t tag, uint64_t entity, int64_t slot,
                                   double rate_per_hour, LengthOf length_of) {
  const int64_t hour = FloorDiv(slot, kSlotsPerHour);
  const int64_t lookback = (kMaxIncidentSlots + kSlotsPerHour - 1) / kSlotsPerHour;
  for (int64_t h = hour; h >= hour - lookback; --h) {
    Draws d(Hash(seed, tag, entity, h));
    if (!d.Chance(rate_per_hour)) continue;
    Incident incident;
    incident.start = h * kSlotsPerHour + d.Between(0, kSlotsPerHour - 1);
    incident.kind = d.Unit();
    const int64_t length = length_of(incident.kind, d);
    if (incident.start <= slot && slot < incident.start + length) return incident;
  }
  return std::nullopt;
}

}  // namespace

int64_t LastBootAtOrBefore(uint64_t seed, int64_t now_ms) {
  const int64_t today = FloorDiv(now_ms, kDayMs);
  const auto forced_phase = static_cast<int64_t>(seed % kMaxDaysBetweenBoots);
  for (int64_t day = today; day > today - 2 * kMaxDaysBetweenBoots; --day) {
    Draws d(Hash(seed, kTagBoot, day));
    const bool boots =
        d.Chance(kBootsPerDay) ||
        ((day % kMaxDaysBetweenBoots) + kMaxDaysBetweenBoots) % kMaxDaysBetweenBoots ==
            forced_phase;
    if (!boots) continue;
    const int64_t at = day * kDayMs + 2 * kHourMs + d.Between(0, 2 * kHourMs - 1);
    if (at <= now_ms) return at;
  }
  return today * kDayMs;  // unreachable: a forced start lies within any 60 days
}

int StatusAt::Episode::Phase(size_t index, int64_t slot) const {
  if (index != phone || slot < start) return -1;
  int64_t end = start;
  for (size_t i = 0; i < phase_slots.size(); ++i) {
    end += phase_slots[i];
    if (slot < end) return static_cast<int>(i);
  }
  return -1;
}

StatusAt::StatusAt(const Fleet& fleet, int64_t now_ms)
    : fleet_(fleet),
      slot_(FloorDiv(now_ms, kStatusSlotMs)),
      period_(FloorDiv(slot_, kSlotsPerPeriod)),
      restarting_(FloorDiv(LastBootAtOrBefore(fleet.seed, now_ms), kStatusSlotMs) == slot_) {
  const int64_t period_start = period_ * kSlotsPerPeriod;
  const auto desk_count = static_cast<uint64_t>(fleet_.sip_desks.size());
  // Each episode: which desk phone, when within its window, and its phase lengths.
  auto make = [&](uint64_t which, int64_t window, std::array<int64_t, 3> max_phase_slots) {
    Draws d(Hash(fleet_.seed, kTagEpisode, period_, which));
    Episode e;
    e.phone = fleet_.sip_desks[d.Next() % desk_count];
    int64_t total = 0;
    for (size_t i = 0; i < e.phase_slots.size(); ++i) {
      e.phase_slots[i] = max_phase_slots[i] == 0 ? 0 : d.Between(1, max_phase_slots[i]);
      total += e.phase_slots[i];
    }
    e.start = period_start + window * kEpisodeWindow + d.Between(0, kEpisodeWindow - total);
    return e;
  };
  replaced_ = make(1, 0, {2, 3, 2});   // no file -> pending -> done
  unplugged_ = make(2, 1, {6, 0, 0});  // registration lost
  glitch_ = make(3, 2, {2, 0, 0});     // status unknown
  Draws d(Hash(fleet_.seed, kTagReconnect, period_));
  reconnect_start_ = period_start + d.Between(0, kSlotsPerPeriod - 8);
}

TelephoneStatus StatusAt::Telephone(size_t index) const {
  const SimPhone& phone = fleet_.phones[index];
  const uint64_t seed = fleet_.seed;
  const auto entity = static_cast<uint64_t>(index);
  switch (phone.telephone.kind) {
    case TelephoneKind::kSipDesk:
      return DeskPhone(index);
    case TelephoneKind::kDect:
      return DectHandset(index);
    case TelephoneKind::kDectBase: {
      if (restarting_) return TelephoneStatus::kUnknown;
      // Power cut or network port down.
      const auto outage = IncidentAt(seed, kTagPhoneIncident, entity, slot_, kBaseIncidentRate,
                                     [](double, Draws& d) { return d.Between(1, 6); });
      return outage ? TelephoneStatus::kUnknown : phone.baseline;
    }
    case TelephoneKind::kAnalogue: {
      if (restarting_) return TelephoneStatus::kUnknown;
      // Line fault or device unplugged.
      const auto fault = IncidentAt(seed, kTagPhoneIncident, entity, slot_, kAnalogueIncidentRate,
                                    [](double, Draws& d) { return d.Between(1, 6); });
      return fault ? TelephoneStatus::kUnknown : phone.baseline;
    }
  }
  return TelephoneStatus::kUnknown;
}

TelephoneStatus StatusAt::DeskPhone(size_t index) const {
  switch (replaced_.Phase(index, slot_)) {
    case 0:
      return TelephoneStatus::kNoProvisioningFile;
    case 1:
      return TelephoneStatus::kProvisioningPending;
    case 2:
      return TelephoneStatus::kProvisioningDone;
    default:
      break;
  }
  if (unplugged_.Phase(index, slot_) == 0) return TelephoneStatus::kRegistrationIncomplete;
  if (glitch_.Phase(index, slot_) == 0) return TelephoneStatus::kUnknown;
  if (restarting_) return TelephoneStatus::kRegistrationIncomplete;

  // Kinds: unplugged (up to 2 h), unknown (up to 30 min), re-provisioned after a settings
  // change (pending, then done; up to 40 min).
  constexpr double kUnplugged = 0.5;
  constexpr double kUnknown = 0.8;
  const auto incident = IncidentAt(fleet_.seed, kTagPhoneIncident, static_cast<uint64_t>(index),
                                   slot_, kDeskIncidentRate, [](double kind, Draws& d) {
                                     return kind < kUnplugged ? d.Between(1, kMaxIncidentSlots)
                                            : kind < kUnknown ? d.Between(1, 3)
                                                              : d.Between(2, 4);
                                   });
  if (!incident) return fleet_.phones[index].baseline;
  if (incident->kind < kUnplugged) return TelephoneStatus::kRegistrationIncomplete;
  if (incident->kind < kUnknown) return TelephoneStatus::kUnknown;
  return slot_ == incident->start ? TelephoneStatus::kProvisioningPending
                                  : TelephoneStatus::kProvisioningDone;
}

TelephoneStatus StatusAt::DectHandset(size_t index) const {
  const SimPhone& phone = fleet_.phones[index];
  if (restarting_) return TelephoneStatus::kRegistrationIncomplete;
  // A handset cannot register while its base is down.
  if (Telephone(static_cast<size_t>(phone.dect_base)) != TelephoneStatus::kProvisioningDone) {
    return TelephoneStatus::kRegistrationIncomplete;
  }
  // Kinds: out of range or battery flat (up to 2 h), status unknown (up to 20 min).
  constexpr double kOutOfRange = 0.7;
  const auto incident =
      IncidentAt(fleet_.seed, kTagPhoneIncident, static_cast<uint64_t>(index), slot_,
                 kDectIncidentRate, [](double kind, Draws& d) {
                   return kind < kOutOfRange ? d.Between(1, kMaxIncidentSlots) : d.Between(1, 2);
                 });
  if (!incident) return phone.baseline;
  return incident->kind < kOutOfRange ? TelephoneStatus::kRegistrationIncomplete
                                      : TelephoneStatus::kUnknown;
}

AccountStatus StatusAt::Account(size_t index) const {
  const SimAccount& account = fleet_.accounts[index];
  const int64_t since_reconnect = slot_ - reconnect_start_;
  switch (account.role) {
    case AccountRole::kTrunk: {
      // After the internet reconnect the first REGISTER is refused while the outbound
      // proxy is not reachable yet.
      if (since_reconnect == 0) return AccountStatus::kNotRegistered;
      if (since_reconnect == 1) return AccountStatus::kConfigurationFaulty;
      if (restarting_) return AccountStatus::kNotRegistered;
      constexpr double kLost = 0.85;  // else: credentials rejected for a while
      const auto incident =
          IncidentAt(fleet_.seed, kTagAccountIncident, index, slot_, kAccountIncidentRate,
                     [](double kind, Draws& d) {
                       return kind < kLost ? d.Between(1, 6) : d.Between(2, kMaxIncidentSlots);
                     });
      if (!incident) return account.baseline;
      return incident->kind < kLost ? AccountStatus::kNotRegistered
                                    : AccountStatus::kConfigurationFaulty;
    }
    case AccountRole::kStunRegistered: {
      // STUN first (the server is slow to answer after the reconnect), then REGISTER.
      if (since_reconnect == 0) return AccountStatus::kStunNotConnected;
      if (since_reconnect == 1) return AccountStatus::kStunFailed;
      if (since_reconnect == 2) return AccountStatus::kStunConnected;
      if (restarting_) return AccountStatus::kStunNotConnected;
      constexpr double kLost = 0.6;  // else: STUN server unreachable
      const auto incident = IncidentAt(
          fleet_.seed, kTagAccountIncident, index, slot_, kAccountIncidentRate,
          [](double kind, Draws& d) { return kind < kLost ? d.Between(1, 6) : d.Between(1, 3); });
      if (!incident) return account.baseline;
      return incident->kind < kLost ? AccountStatus::kNotRegistered : AccountStatus::kStunFailed;
    }
    case AccountRole::kNoRegistration: {
      // Without registration the PBX only learns the account works from the next
      // outgoing call; until then the STUN query counts as not done.
      Draws d(Hash(fleet_.seed, kTagReconnect, period_, index));
      const int64_t until_first_call = d.Between(1, 4);
      if (since_reconnect >= 0 && since_reconnect < until_first_call) {
        return AccountStatus::kStunQueryFailed;
      }
      if (restarting_) return AccountStatus::kStunQueryFailed;
      const auto incident =
          IncidentAt(fleet_.seed, kTagAccountIncident, index, slot_, kAccountIncidentRate,
                     [](double, Draws& dd) { return dd.Between(1, 6); });
      return incident ? AccountStatus::kStunQueryFailed : account.baseline;
    }
  }
  return AccountStatus::kNotRegistered;
}

}  // namespace ccc::agent::sources::sim
