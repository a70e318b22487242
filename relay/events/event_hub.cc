#include "relay/events/event_hub.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <set>
#include <unordered_set>
#include <utility>

#include "relay/policy/access_policy.h"

namespace ccc::relay::events {
namespace {

// Audit rows read per query, and queries per poll: a burst larger than this is read over
// the next polls instead of stalling this one.
constexpr int64_t kAuditBatch = 1000;
constexpr int kAuditBatchesPerPoll = 10;

constexpr std::string_view kHeartbeat = ": ping\n\n";

// Up to this many systems with a "registrations" event for one user in one poll: one access
// check each; more: one list of every system the user reaches.
constexpr size_t kSingleAccessChecks = 8;

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<int64_t> ParseId(std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

// An integer field of an audit row's details ({"system_id": 5}).
std::optional<int64_t> DetailId(const std::string& details_json, std::string_view key) {
  boost::system::error_code ec;
  boost::json::value details = boost::json::parse(details_json, ec);
  if (ec || !details.is_object()) return std::nullopt;
  const boost::json::value* field = details.as_object().if_contains(key);
  if (field == nullptr || !field->is_int64() || field->as_int64() <= 0) return std::nullopt;
  return field->as_int64();
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// Fingerprint of what a portal shows of a device; the last-seen time is left out on purpose
// (it moves with every message).
std::string Fingerprint(const directory::SystemDevice& device) {
  std::string fingerprint = device.online ? "1:" : "0:";
  fingerprint += std::to_string(device.registered_ms);
  fingerprint += ':';
  fingerprint += device.serial;
  fingerprint += ':';
  fingerprint += device.sysinfo_json;
  return fingerprint;
}

}  // namespace

std::vector<Change> ChangesOf(const directory::AuditEntry& entry) {
  const std::string_view action = entry.action;
  // Logins and logouts, failed pairing attempts: no object changed.
  if (action.starts_with("session.") || EndsWith(action, "failed")) return {};
  const std::optional<int64_t> company = entry.company_id;
  const std::optional<int64_t> target = ParseId(entry.target_id);
  const std::string_view type = entry.target_type;
  if (type == "news") return {{kNewsEvent, std::nullopt, target}};
  // The minimum firmware decides the state of every system of every company.
  if (type == "operator_setting") return {{kSystemsEvent, std::nullopt, std::nullopt}};
  if (!company) return {};
  if (type == "system") return {{kSystemsEvent, company, target}};
  if (type == "user") return {{kUsersEvent, company, target}};
  if (type == "authorisation") {
    // A grant changes what its user sees of the system, and the system's roles.
    return {{kAuthorisationsEvent, company, target},
            {kSystemsEvent, company, DetailId(entry.details_json, "system_id")}};
  }
  if (type == "group") {
    if (action == "group.create") return {{kGroupsEvent, company, target}};
    if (action == "group.system_add" || action == "group.system_remove") {
      return {{kGroupsEvent, company, target},
              {kSystemsEvent, company, DetailId(entry.details_json, "system_id")}};
    }
    // Members, the default role or the group itself changed: the systems its members reach
    // (and their roles) may have changed, which ones is not recorded.
    return {{kGroupsEvent, company, target}, {kSystemsEvent, company, std::nullopt}};
  }
  return {};
}

std::optional<int64_t> CredentialEndOf(const directory::AuditEntry& entry) {
  if (entry.action == "session.logout" || entry.action == "user.disable") {
    return ParseId(entry.target_id);
  }
  if (entry.action == "api_token.delete") {
    std::optional<int64_t> owner = DetailId(entry.details_json, "user_id");
    return owner ? owner : entry.actor_user_id;
  }
  return std::nullopt;
}

std::string FormatEvent(std::string_view type, const std::optional<std::vector<int64_t>>& ids) {
  std::string text = "event: ";
  text += type;
  text += "\ndata: ";
  if (ids) {
    boost::json::array list;
    list.reserve(ids->size());
    for (int64_t id : *ids) list.emplace_back(id);
    text += boost::json::serialize(boost::json::object{{"ids", std::move(list)}});
  } else {
    text += "{}";
  }
  text += "\n\n";
  return text;
}

// What one poll saw, coalesced per company and type.
class EventHub::ChangeSet {
 public:
  explicit ChangeSet(size_t max_ids) : max_ids_(max_ids) {}

  void Add(const Change& change) {
    Ids& ids = by_company_[change.company_id][std::string(change.type)];
    if (ids.unknown) return;
    if (!change.id) {
      ids.Forget();
      return;
    }
    ids.ids.insert(*change.id);
    if (ids.ids.size() > max_ids_) ids.Forget();
  }

  bool empty() const { return by_company_.empty(); }

  // The events a stream of `company_id` gets (its company's and everyone's), in type order;
  // "" when there are none.
  std::string TextFor(int64_t company_id) const {
    std::map<std::string, Ids, std::less<>> merged;
    for (const std::optional<int64_t>& key :
         {std::optional<int64_t>(company_id), std::optional<int64_t>()}) {
      auto found = by_company_.find(key);
      if (found == by_company_.end()) continue;
      for (const auto& [type, ids] : found->second) {
        Ids& into = merged[type];
        if (into.unknown) continue;
        if (ids.unknown) {
          into.Forget();
          continue;
        }
        into.ids.insert(ids.ids.begin(), ids.ids.end());
        if (into.ids.size() > max_ids_) into.Forget();
      }
    }
    std::string text;
    for (const auto& [type, ids] : merged) {
      std::optional<std::vector<int64_t>> list;
      if (!ids.unknown) list.emplace(ids.ids.begin(), ids.ids.end());
      text += FormatEvent(type, list);
    }
    return text;
  }

 private:
  struct Ids {
    std::set<int64_t> ids;
    bool unknown = false;  // some changed object is not named, or too many are
    void Forget() {
      unknown = true;
      ids.clear();
    }
  };

  const size_t max_ids_;
  std::map<std::optional<int64_t>, std::map<std::string, Ids, std::less<>>> by_company_;
};

EventHub::Ticket::~Ticket() {
  if (!attached_) hub_->Release(id_);
}

void EventHub::Ticket::Attach(std::shared_ptr<http::StreamSink> sink) {
  if (attached_) return;
  attached_ = true;
  hub_->Attach(id_, std::move(sink));
}

EventHub::EventHub(EventHubOptions options, directory::Directory& directory)
    : options_(options), directory_(directory) {}

EventHub::~EventHub() { Stop(); }

Status EventHub::Start() {
  {
    std::lock_guard lock(mu_);
    if (running_) return Internal("event hub already started");
  }
  Result<int64_t> last = directory_.LastAuditId();
  if (!last.ok())
    return Unavailable("events: cannot read the audit log: " + last.status().ToString());
  DeviceStates devices;
  if (Status status = SnapshotDevices(&devices); !status.ok()) {
    return Unavailable("events: cannot read the devices: " + status.ToString());
  }
  audit_cursor_ = *last;
  devices_ = std::move(devices);
  throttles_.clear();
  registrations_.reset();
  if (!options_.ingest_path.empty()) {
    registrations_ = std::make_unique<RegistrationWatch>(options_.ingest_path);
    // Not fatal: the first poll that can read them takes them as the starting point.
    if (Status status = registrations_->Baseline(); !status.ok()) {
      registrations_failing_ = true;
      spdlog::warn("events: cannot read the registration states yet: {}", status.ToString());
    }
  }
  {
    std::lock_guard lock(mu_);
    running_ = true;
    stopping_ = false;
  }
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void EventHub::Stop() {
  {
    std::lock_guard lock(mu_);
    if (!running_) return;
    running_ = false;
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  std::map<uint64_t, std::shared_ptr<Stream>> streams;
  {
    std::lock_guard lock(mu_);
    streams.swap(streams_);
  }
  for (auto& [id, stream] : streams) {
    if (stream->sink) stream->sink->Close();
  }
}

std::variant<std::shared_ptr<EventHub::Ticket>, Refusal> EventHub::Reserve(Subscriber subscriber) {
  std::lock_guard lock(mu_);
  if (!running_) return Refusal::kNotRunning;
  size_t of_user = 0;
  for (auto it = streams_.begin(); it != streams_.end();) {
    const Stream& stream = *it->second;
    // A stream whose peer left no longer counts, even before the poller notices.
    if (stream.sink && stream.sink->closed()) {
      it = streams_.erase(it);
      continue;
    }
    if (stream.subscriber.user_id == subscriber.user_id) ++of_user;
    ++it;
  }
  if (streams_.size() >= options_.max_streams) return Refusal::kTooManyStreams;
  if (of_user >= options_.max_streams_per_user) return Refusal::kTooManyForUser;
  const uint64_t id = next_id_++;
  streams_.emplace(id, std::make_shared<Stream>(Stream{std::move(subscriber), nullptr}));
  return std::make_shared<Ticket>(this, id);
}

size_t EventHub::stream_count() const {
  std::lock_guard lock(mu_);
  return streams_.size();
}

void EventHub::Attach(uint64_t id, std::shared_ptr<http::StreamSink> sink) {
  std::lock_guard lock(mu_);
  auto it = streams_.find(id);
  if (it == streams_.end() || !running_) {
    sink->Close();
    return;
  }
  it->second->sink = sink;
  sink->Send("retry: " + std::to_string(options_.client_retry.count()) +
             "\nevent: ready\ndata: {}\n\n");
}

void EventHub::Release(uint64_t id) {
  std::lock_guard lock(mu_);
  auto it = streams_.find(id);
  if (it != streams_.end() && !it->second->sink) streams_.erase(it);
}

void EventHub::Drop(uint64_t id) {
  std::lock_guard lock(mu_);
  streams_.erase(id);
}

EventHub::StreamList EventHub::AttachedStreams() {
  std::lock_guard lock(mu_);
  StreamList attached;
  attached.reserve(streams_.size());
  for (auto it = streams_.begin(); it != streams_.end();) {
    const std::shared_ptr<Stream>& stream = it->second;
    if (stream->sink && stream->sink->closed()) {
      it = streams_.erase(it);
      continue;
    }
    if (stream->sink) attached.emplace_back(it->first, stream);
    ++it;
  }
  return attached;
}

void EventHub::Run() {
  using Clock = std::chrono::steady_clock;
  Clock::time_point next_heartbeat = Clock::now() + options_.heartbeat_interval;
  Clock::time_point next_check = Clock::now() + options_.session_check_interval;
  std::unique_lock lock(mu_);
  for (;;) {
    if (wake_.wait_for(lock, options_.poll_interval, [this] { return stopping_; })) return;
    lock.unlock();
    Poll();
    const Clock::time_point now = Clock::now();
    if (now >= next_heartbeat) {
      Broadcast(AttachedStreams(), std::string(kHeartbeat));
      next_heartbeat = now + options_.heartbeat_interval;
    }
    if (now >= next_check) {
      CheckSessions(AttachedStreams(), [](const Stream&) { return true; });
      next_check = now + options_.session_check_interval;
    }
    lock.lock();
  }
}

void EventHub::Poll() {
  if (AttachedStreams().empty()) {
    // Nobody listens: only the audit cursor moves on (the devices are diffed against the
    // last snapshot once someone listens again). A stream that arrived meanwhile keeps the
    // old cursor, so it misses nothing after its start.
    Result<int64_t> last = directory_.LastAuditId();
    std::lock_guard lock(mu_);
    if (last.ok() && streams_.empty()) audit_cursor_ = *last;
    return;
  }
  ChangeSet changes(options_.max_ids);
  std::vector<int64_t> ended_users;
  TailAudit(changes, ended_users);
  DiffDevices(changes);
  const DueSystems due = DueRegistrations(std::chrono::steady_clock::now());
  // Taken after reading: a stream attached while this poll read gets its changes too (a
  // stream gets "ready" when attached, and portals reload then, covering what came before).
  StreamList streams = AttachedStreams();
  if (!ended_users.empty()) {
    CheckSessions(streams, [&](const Stream& stream) {
      return std::find(ended_users.begin(), ended_users.end(), stream.subscriber.user_id) !=
             ended_users.end();
    });
  }
  if (changes.empty() && due.empty()) return;
  std::map<int64_t, std::string> texts;               // per company
  std::map<int64_t, std::string> registration_texts;  // per user: depends on their roles
  for (const auto& [id, stream] : streams) {
    const int64_t company = stream->subscriber.company_id;
    auto text = texts.find(company);
    if (text == texts.end()) text = texts.emplace(company, changes.TextFor(company)).first;
    std::string sent = text->second;
    if (due.contains(company)) {
      const int64_t user = stream->subscriber.user_id;
      auto registrations = registration_texts.find(user);
      if (registrations == registration_texts.end()) {
        registrations =
            registration_texts.emplace(user, RegistrationsText(company, user, due)).first;
      }
      sent += registrations->second;
    }
    if (sent.empty()) continue;
    if (!stream->sink->Send(std::move(sent))) Drop(id);
  }
}

void EventHub::TailAudit(ChangeSet& changes, std::vector<int64_t>& ended_users) {
  for (int batch = 0; batch < kAuditBatchesPerPoll; ++batch) {
    Result<std::vector<directory::AuditEntry>> rows =
        directory_.AuditEntriesAfter(audit_cursor_, kAuditBatch);
    if (!rows.ok()) {
      if (!std::exchange(audit_failing_, true)) {
        spdlog::warn("events: cannot read the audit log: {}", rows.status().ToString());
      }
      return;
    }
    if (std::exchange(audit_failing_, false)) spdlog::info("events: the audit log answers again");
    for (const directory::AuditEntry& row : *rows) {
      audit_cursor_ = row.id;
      for (const Change& change : ChangesOf(row)) changes.Add(change);
      if (std::optional<int64_t> user = CredentialEndOf(row)) ended_users.push_back(*user);
    }
    if (static_cast<int64_t>(rows->size()) < kAuditBatch) return;
  }
}

Status EventHub::SnapshotDevices(DeviceStates* devices) {
  Result<std::vector<directory::SystemDevice>> listed = directory_.SystemDevices();
  if (!listed.ok()) return listed.status();
  devices->reserve(listed->size());
  for (const directory::SystemDevice& device : *listed) {
    devices->emplace(device.system_id,
                     DeviceState{device.company_id, device.serial, Fingerprint(device)});
  }
  return Status::Ok();
}

void EventHub::DiffDevices(ChangeSet& changes) {
  DeviceStates current;
  if (Status listed = SnapshotDevices(&current); !listed.ok()) {
    // devices_ stays as it was: the next poll reports these changes.
    if (!std::exchange(devices_failing_, true)) {
      spdlog::warn("events: cannot read the devices: {}", listed.ToString());
    }
    return;
  }
  if (std::exchange(devices_failing_, false)) spdlog::info("events: the devices answer again");
  for (const auto& [system, state] : current) {
    auto before = devices_.find(system);
    if (before == devices_.end() || before->second.fingerprint != state.fingerprint) {
      changes.Add({kSystemsEvent, state.company_id, system});
    }
  }
  // Unpaired (device removed) or deleted: the company it had.
  for (const auto& [system, state] : devices_) {
    if (!current.contains(system)) changes.Add({kSystemsEvent, state.company_id, system});
  }
  devices_ = std::move(current);
}

EventHub::DueSystems EventHub::DueRegistrations(std::chrono::steady_clock::time_point now) {
  DueSystems due;
  if (!registrations_) return due;
  Result<std::vector<std::string>> changed = registrations_->Changed();
  if (!changed.ok()) {
    // The watch keeps what it saw: these changes are reported once it reads again.
    if (!std::exchange(registrations_failing_, true)) {
      spdlog::warn("events: cannot read the registration states: {}", changed.status().ToString());
    }
  } else {
    if (std::exchange(registrations_failing_, false)) {
      spdlog::info("events: the registration states answer again");
    }
    if (!changed->empty()) {
      std::unordered_map<std::string_view, int64_t> system_of;  // by serial
      system_of.reserve(devices_.size());
      for (const auto& [system, state] : devices_) system_of.emplace(state.serial, system);
      for (const std::string& device : *changed) {
        auto found = system_of.find(device);
        // Not (or no longer) the device of a system: nobody to tell.
        if (found == system_of.end()) continue;
        auto [throttle, inserted] = throttles_.try_emplace(found->second);
        if (inserted) throttle->second.last_sent = now - options_.registrations_interval;
        throttle->second.company_id = devices_.at(found->second).company_id;
        throttle->second.pending = true;
      }
    }
  }
  for (auto it = throttles_.begin(); it != throttles_.end();) {
    Throttle& throttle = it->second;
    const bool interval_over = now - throttle.last_sent >= options_.registrations_interval;
    if (!interval_over) {
      ++it;
    } else if (throttle.pending) {
      due[throttle.company_id].push_back(it->first);
      throttle.pending = false;
      throttle.last_sent = now;
      ++it;
    } else {
      it = throttles_.erase(it);  // quiet for a whole interval: the next change goes at once
    }
  }
  for (auto& [company, systems] : due) std::sort(systems.begin(), systems.end());
  return due;
}

Result<std::vector<int64_t>> EventHub::ReadableRegistrations(int64_t company_id, int64_t user_id,
                                                             const std::vector<int64_t>& systems) {
  const policy::UserFacts user{user_id, company_id, false};
  std::vector<int64_t> readable;
  if (systems.size() <= kSingleAccessChecks) {
    for (int64_t system : systems) {
      Result<std::optional<policy::AccessFacts>> facts = directory_.LoadAccessFacts(user, system);
      if (!facts.ok()) return facts.status();
      if (facts->has_value() &&
          policy::Decide(**facts, policy::Action::kReadRegistrationStatus).allowed()) {
        readable.push_back(system);
      }
    }
    return readable;
  }
  Result<std::vector<directory::FleetSystem>> fleet =
      directory_.ListFleetSystems(user, std::nullopt, SystemNowMs());
  if (!fleet.ok()) return fleet.status();
  const std::unordered_set<int64_t> wanted(systems.begin(), systems.end());
  for (const directory::FleetSystem& system : *fleet) {
    if (wanted.contains(system.id) &&
        policy::Decide(system.facts, policy::Action::kReadRegistrationStatus).allowed()) {
      readable.push_back(system.id);
    }
  }
  std::sort(readable.begin(), readable.end());
  return readable;
}

std::string EventHub::RegistrationsText(int64_t company_id, int64_t user_id,
                                        const DueSystems& due) {
  auto systems = due.find(company_id);
  if (systems == due.end()) return {};
  Result<std::vector<int64_t>> readable =
      ReadableRegistrations(company_id, user_id, systems->second);
  if (!readable.ok()) {
    // Never sent without the check; the portal still shows the change on its next reload.
    if (!std::exchange(access_failing_, true)) {
      spdlog::warn("events: cannot check who may read registrations, events left out: {}",
                   readable.status().ToString());
    }
    return {};
  }
  if (std::exchange(access_failing_, false)) spdlog::info("events: access checks answer again");
  if (readable->empty()) return {};
  std::optional<std::vector<int64_t>> ids;
  if (readable->size() <= options_.max_ids) ids = std::move(*readable);
  return FormatEvent(kRegistrationsEvent, ids);
}

void EventHub::CheckSessions(const StreamList& streams,
                             const std::function<bool(const Stream&)>& select) {
  for (const auto& [id, stream] : streams) {
    if (!select(*stream) || !stream->subscriber.still_valid) continue;
    if (stream->subscriber.still_valid()) continue;
    spdlog::debug("events: closing a stream of user {}: its credentials ended",
                  stream->subscriber.user_id);
    stream->sink->Close();
    Drop(id);
  }
}

void EventHub::Broadcast(const StreamList& streams, const std::string& text) {
  for (const auto& [id, stream] : streams) {
    if (!stream->sink->Send(text)) Drop(id);
  }
}

}  // namespace ccc::relay::events
