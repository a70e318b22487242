#include "agent/sources/simulator/sim_calls.h"

#include <algorithm>
#include <queue>
#include <utility>

#include "agent/sources/simulator/sim_random.h"

namespace ccc::agent::sources::sim {
namespace {

constexpr uint64_t kTagSlot = StableHash("call-slot", 0);
constexpr uint64_t kTagDay = StableHash("call-day", 0);
constexpr uint64_t kTagCall = StableHash("call", 0);
constexpr uint64_t kTagForwarding = StableHash("forwarding", 0);

constexpr double kIncomingShare = 0.45;
constexpr double kOutgoingShare = 0.42;  // the rest is internal
constexpr double kWithheldShare = 0.05;  // incoming callers who hide their number
constexpr double kMainNumberShare = 0.45;

// A call ends within: 59.999 s start offset + 20 s ringing + kMaxTalkSeconds.
constexpr int64_t kMaxTalkSeconds = 7000;
static_assert((59'999 + 20'000 + kMaxTalkSeconds * 1000) / kMinuteMs < kMaxCallMinutes);

// Poisson(mean) by inversion of one uniform draw.
int64_t PoissonCount(double mean, double u) {
  if (mean <= 0) return 0;
  double p = PortableExp(-mean);
  double cumulative = p;
  int64_t k = 0;
  while (u > cumulative && k < kMaxCallsPerSlot) {
    ++k;
    p *= mean / static_cast<double>(k);
    cumulative += p;
    // Far in the tail the sum stops growing in double precision; u is then in rounding
    // noise (a chance below 1e-15).
    if (static_cast<double>(k) > mean && p < 1e-16 * cumulative) break;
  }
  return k;
}

// Talk time in seconds: most calls take 30 s to 5 min, a few are long.
int64_t TalkSeconds(Draws& d, CallDirection direction) {
  const double u = d.Unit();
  double seconds;
  if (direction == CallDirection::kInternal) {
    seconds = u < 0.7 ? d.LogUniform(10, 120) : d.LogUniform(120, 900);
  } else if (u < 0.12) {
    seconds = d.LogUniform(5, 30);
  } else if (u < 0.80) {
    seconds = d.LogUniform(30, 300);
  } else if (u < 0.97) {
    seconds = d.LogUniform(300, 1200);
  } else {
    seconds = d.LogUniform(1200, kMaxTalkSeconds);
  }
  return std::clamp<int64_t>(static_cast<int64_t>(seconds), 1, kMaxTalkSeconds);
}

struct Pending {
  int64_t end_ms;
  int64_t start_ms;
  int64_t minute;
  uint64_t j;

  // The order records get their ids in.
  bool operator>(const Pending& o) const {
    if (end_ms != o.end_ms) return end_ms > o.end_ms;
    if (start_ms != o.start_ms) return start_ms > o.start_ms;
    return j > o.j;
  }
};

}  // namespace

CallGenerator::CallGenerator(const Fleet& fleet, CallOptions options)
    : fleet_(fleet), options_(options) {}

double CallGenerator::MeanCallsIn(int64_t minute) const {
  const int64_t at = minute * kMinuteMs + kMinuteMs / 2;
  const double day_factor = 0.85 + 0.3 * UnitOf(Hash(fleet_.seed, kTagDay, FloorDiv(at, kDayMs)));
  return options_.calls_per_hour / 60 * OfficeActivity(at) * day_factor;
}

int64_t CallGenerator::CallsStartingIn(int64_t minute) const {
  return PoissonCount(MeanCallsIn(minute), UnitOf(Hash(fleet_.seed, kTagSlot, minute)));
}

CallGenerator::Timing CallGenerator::DrawTiming(int64_t minute, uint64_t j) const {
  Draws d(Hash(fleet_.seed, kTagCall, minute, j));
  Timing t;
  t.start_ms = minute * kMinuteMs + d.Between(0, kMinuteMs - 1);
  const double direction = d.Unit();
  t.direction = direction < kIncomingShare                    ? CallDirection::kIncoming
                : direction < kIncomingShare + kOutgoingShare ? CallDirection::kOutgoing
                                                              : CallDirection::kInternal;
  if (d.Chance(kUnsuccessfulShare)) {
    t.result = CallResult::kUnsuccessful;
    t.end_ms = t.start_ms + d.Between(5, 45) * 1000;  // rang, nobody answered
  } else {
    const int64_t ring_s = d.Between(2, 20);
    t.duration_s = TalkSeconds(d, t.direction);
    t.end_ms = t.start_ms + (ring_s + t.duration_s) * 1000;
  }
  return t;
}

size_t CallGenerator::PickUser(double u) const {
  const double target = u * fleet_.user_weight_cdf.back();
  const auto it =
      std::upper_bound(fleet_.user_weight_cdf.begin(), fleet_.user_weight_cdf.end(), target);
  const auto k = std::min<size_t>(static_cast<size_t>(it - fleet_.user_weight_cdf.begin()),
                                  fleet_.users.size() - 1);
  return fleet_.users[k];
}

size_t CallGenerator::PickAccount(double u) const {
  const double target = u * fleet_.account_weight_cdf.back();
  const auto it =
      std::upper_bound(fleet_.account_weight_cdf.begin(), fleet_.account_weight_cdf.end(), target);
  return std::min<size_t>(static_cast<size_t>(it - fleet_.account_weight_cdf.begin()),
                          fleet_.accounts.size() - 1);
}

CallRecord CallGenerator::Materialize(int64_t minute, uint64_t j, uint64_t id) const {
  const Timing t = DrawTiming(minute, j);
  // Further draws continue on a stream of their own, so the timing stays as drawn above.
  Draws d(Hash(fleet_.seed, kTagCall, minute, j, 1));
  CallRecord r;
  r.id = id;
  r.start_ms = t.start_ms;
  r.duration_s = t.duration_s;
  r.direction = t.direction;
  r.result = t.result;
  r.call_type = "business";

  const size_t user_index = PickUser(d.Unit());
  const SimPhone& user = fleet_.phones[user_index];
  const std::string& user_name = user.telephone.name;
  auto contact_or_random = [&](double known_share) -> SimParty {
    if (d.Chance(known_share)) {
      // Regular customers call more often: the front of the contact list is preferred.
      const double u = d.Unit();
      const auto k = static_cast<size_t>(u * u * static_cast<double>(fleet_.contacts.size()));
      return fleet_.contacts[std::min(k, fleet_.contacts.size() - 1)];
    }
    return {RandomExternalNumber(d.Next(), fleet_.area_code, 0.5), ""};
  };

  if (t.direction == CallDirection::kInternal) {
    size_t other = PickUser(d.Unit());
    if (other == user_index) {
      // users is ascending: take the next one round.
      const auto at = std::lower_bound(fleet_.users.begin(), fleet_.users.end(), other);
      const auto position = static_cast<size_t>(at - fleet_.users.begin());
      other = fleet_.users[(position + 1) % fleet_.users.size()];
    }
    r.external_number = fleet_.phones[other].telephone.extension;
    r.external_name = fleet_.phones[other].telephone.name;
    r.billing_number = user.telephone.extension;
    r.billing_name = user_name;
    r.real_name = user_name;
    return r;
  }

  const size_t account_index = PickAccount(d.Unit());
  const SimAccount& account = fleet_.accounts[account_index];
  const std::string main_number = account.direct_dial ? account.e164 + "0" : account.e164;
  const std::string user_number = account.direct_dial ? account.e164 + user.ddi : account.e164;

  if (t.direction == CallDirection::kIncoming) {
    SimParty caller;
    if (!d.Chance(kWithheldShare)) caller = contact_or_random(0.7);
    r.external_number = caller.number;
    r.external_name = caller.name;
    if (account.direct_dial && !d.Chance(kMainNumberShare)) {
      r.own_number = user_number;
      r.billing_number = user.telephone.extension;
      r.billing_name = user_name;
    } else {
      // The main number (or a single-number account) rings a group.
      const SimParty& group = fleet_.groups[account_index % fleet_.groups.size()];
      r.own_number = main_number;
      r.billing_number = group.number;
      r.billing_name = group.name;
    }
    r.real_name = r.result == CallResult::kSuccessful ? user_name : r.billing_name;
    return r;
  }

  const double type = d.Unit();
  SimParty callee = contact_or_random(0.6);
  r.own_number = user_number;
  r.billing_number = user.telephone.extension;
  r.billing_name = user_name;
  r.real_name = user_name;
  if (type < 0.89) {
    r.call_type = "business";
  } else if (type < 0.95) {
    r.call_type = "private";
  } else if (type < 0.98) {
    // The user's calls are diverted to their mobile.
    r.call_type = "forwarding";
    callee = {RandomMobileNumber(Hash(fleet_.seed, kTagForwarding, user_index)), ""};
  } else if (type < 0.99) {
    // Someone at the door was put through to the managing director's mobile.
    r.call_type = "door";
    callee = fleet_.call_through_user;
    r.own_number = main_number;
    r.billing_number = fleet_.door.number;
    r.billing_name = fleet_.door.name;
    r.real_name = fleet_.door.name;
  } else {
    // The managing director called the PBX from the mobile and dialled out through it.
    r.call_type = "call_through";
    r.own_number = main_number;
    r.billing_number = fleet_.call_through_user.number;
    r.billing_name = fleet_.call_through_user.name;
    r.real_name = fleet_.call_through_user.name;
  }
  r.external_number = callee.number;
  r.external_name = callee.name;
  return r;
}

std::vector<CallRecord> CallGenerator::CallsAfter(uint64_t cursor, size_t max_records,
                                                  int64_t now_ms) const {
  std::vector<CallRecord> out;
  if (max_records == 0 || options_.calls_per_hour <= 0) return out;

  const int64_t now_minute = FloorDiv(now_ms, kMinuteMs);
  int64_t first_minute;
  uint64_t delivered_ranks;  // in first_minute: ranks below this were returned before
  if (cursor == 0) {
    first_minute = FloorDiv(now_ms - options_.history_days * kDayMs, kMinuteMs);
    delivered_ranks = 0;
  } else {
    first_minute = static_cast<int64_t>(cursor / kRecordsPerMinute);
    delivered_ranks = cursor % kRecordsPerMinute + 1;
  }
  // Ids are never 0: nothing ends in or before the first minute of 1970.
  first_minute = std::max<int64_t>(first_minute, 1);

  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending;
  int64_t next_start = first_minute - kMaxCallMinutes;
  for (int64_t minute = first_minute; minute <= now_minute; ++minute) {
    for (; next_start <= minute; ++next_start) {
      const auto count = static_cast<uint64_t>(CallsStartingIn(next_start));
      for (uint64_t j = 0; j < count; ++j) {
        const Timing t = DrawTiming(next_start, j);
        if (FloorDiv(t.end_ms, kMinuteMs) < first_minute) continue;
        pending.push({t.end_ms, t.start_ms, next_start, j});
      }
    }
    uint64_t rank = 0;
    while (!pending.empty() && FloorDiv(pending.top().end_ms, kMinuteMs) == minute) {
      const Pending call = pending.top();
      // Still going on: it and every call after it (in id order) have not ended.
      if (call.end_ms > now_ms) return out;
      pending.pop();
      const uint64_t this_rank = rank++;
      if (minute == first_minute && this_rank < delivered_ranks) continue;
      if (this_rank >= kRecordsPerMinute) continue;  // unreachable below kMaxCallsPerHour
      if (out.size() == out.capacity()) {
        out.reserve(std::min(max_records, std::max<size_t>(16, 2 * out.capacity())));
      }
      out.push_back(Materialize(call.minute, call.j,
                                static_cast<uint64_t>(minute) * kRecordsPerMinute + this_rank));
      if (out.size() == max_records) return out;
    }
  }
  return out;
}

}  // namespace ccc::agent::sources::sim
