#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

#include "common/status/status.h"
#include "relay/directory/directory.h"
#include "relay/events/registration_watch.h"
#include "relay/http/stream_sink.h"

// Live updates for the portal (GET /api/v1/events, server-sent events).
//
// The relay keeps no state outside its databases and several relays (and the admin CLI) may
// write them, so the hub learns about changes by polling what every writer leaves behind:
//   - directory.db's audit_log, tailed by id: every directory change writes a row there;
//   - relay.db's devices table (joined to the systems by serial), diffed per system: online
//     flips, (re-)registration and new sysinfo (model, firmware, opt-ins, ...). last_seen
//     alone is no change.
//   - relay.db's registration_state (registration_watch.h): a system's telephones or
//     provider accounts changed. Such a "registrations" event goes only to streams whose
//     user may read the system's registration status (policy::Action::
//     kReadRegistrationStatus, decided when it is sent), and at most once per system per
//     registrations_interval: a change within the interval after the last event is sent
//     when the interval has passed (coalesced with any others), never dropped.
// Each poll coalesces what it saw into at most one event per type and company, carrying the
// ids of the changed objects (type "systems" and "registrations": system ids, "groups": group
// ids, "authorisations": authorisation ids, "users": user ids, "news": news ids) when known and
// no more than max_ids of them; otherwise the event has no ids and means "reload them all".
//
// Wire format of one event (text/event-stream):
//   event: systems
//   data: {"ids":[12,15]}            or   data: {}   when the ids are not known
// A new stream first gets "retry: <client_retry ms>" and "event: ready" (data {}); every
// heartbeat_interval a comment line ": ping". Every session_check_interval (and at once
// when the audit log shows a logout, a disabled user or a deleted API token of the
// stream's user) the subscriber's still_valid check runs; false closes the stream.
namespace ccc::relay::events {

inline constexpr std::string_view kSystemsEvent = "systems";
inline constexpr std::string_view kGroupsEvent = "groups";
inline constexpr std::string_view kAuthorisationsEvent = "authorisations";
inline constexpr std::string_view kUsersEvent = "users";
inline constexpr std::string_view kNewsEvent = "news";
inline constexpr std::string_view kRegistrationsEvent = "registrations";

// One change seen in a source.
struct Change {
  std::string_view type;              // one of the k*Event names
  std::optional<int64_t> company_id;  // nullopt: concerns every company
  std::optional<int64_t> id;          // nullopt: which object is not known
};

// The changes an audit row stands for; none for rows that change nothing a portal shows
// (logins, logouts, failed attempts, API tokens, companies).
std::vector<Change> ChangesOf(const directory::AuditEntry& entry);

// The user whose credentials the row ends (logout, disabled user, deleted API token), if
// any: that user's streams are checked at once.
std::optional<int64_t> CredentialEndOf(const directory::AuditEntry& entry);

// The text/event-stream form of one event; ids nullopt: "data: {}".
std::string FormatEvent(std::string_view type, const std::optional<std::vector<int64_t>>& ids);

struct EventHubOptions {
  std::chrono::milliseconds poll_interval{500};
  std::chrono::milliseconds heartbeat_interval{15'000};
  std::chrono::milliseconds session_check_interval{60'000};
  std::chrono::milliseconds client_retry{3'000};  // the reconnect delay browsers are told
  size_t max_streams_per_user = 8;
  size_t max_streams = 2000;
  size_t max_ids = 100;  // more changed objects of one type: the event carries no ids
  // relay.db, for "registrations" events; empty: the hub sends none.
  std::string ingest_path;
  // At most one "registrations" event per system per this; zero: every poll that saw a
  // change sends one.
  std::chrono::milliseconds registrations_interval{5'000};
};

// Who a stream is for.
struct Subscriber {
  int64_t company_id = 0;
  int64_t user_id = 0;
  // True while the credential the stream was opened with holds (session not logged out or
  // expired, API token not deleted, user not disabled). Runs on the hub's thread and may
  // query the directory; it should answer true when it cannot tell (database busy).
  std::function<bool()> still_valid;
};

enum class Refusal {
  kTooManyForUser,  // max_streams_per_user open for this user
  kTooManyStreams,  // max_streams open in this relay
  kNotRunning,      // before Start() or after Stop()
};

// Thread-safe. Owns one poller thread between Start() and Stop(). directory must outlive
// the hub; the hub must outlive every Ticket it handed out (tickets live only while
// a request is answered). Sinks may outlive the hub (they are closed by Stop()).
class EventHub {
 public:
  // A reserved stream slot: Attach() starts the stream; destroying an unattached ticket
  // frees the slot (e.g. a HEAD request or a refused response).
  class Ticket {
   public:
    Ticket(EventHub* hub, uint64_t id) : hub_(hub), id_(id) {}
    ~Ticket();
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;

    // Sends retry + "ready" and from then on events, heartbeats and closes to sink. Once.
    void Attach(std::shared_ptr<http::StreamSink> sink);

   private:
    EventHub* hub_;
    uint64_t id_;
    bool attached_ = false;
  };

  EventHub(EventHubOptions options, directory::Directory& directory);
  ~EventHub();  // Stop()
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

  // Takes the current end of the audit log, the current devices and registration states as
  // the starting point (nothing earlier is reported) and starts polling. Unavailable when
  // the directory does not answer (relay.db's registration states are read again until
  // they answer).
  Status Start();
  // Stops polling and closes every stream. Idempotent.
  void Stop();

  // Counts the slot against the limits at once (so the caller can still answer 429/503).
  std::variant<std::shared_ptr<Ticket>, Refusal> Reserve(Subscriber subscriber);

  // Reserved plus attached streams (not yet noticed closed ones included).
  size_t stream_count() const;

 private:
  struct Stream {
    Subscriber subscriber;
    std::shared_ptr<http::StreamSink> sink;  // null until attached
  };
  using StreamList = std::vector<std::pair<uint64_t, std::shared_ptr<Stream>>>;

  void Attach(uint64_t id, std::shared_ptr<http::StreamSink> sink);
  void Release(uint64_t id);
  void Run();
  void Poll();
  // Attached streams; forgets the ones whose sink closed.
  StreamList AttachedStreams();
  void Drop(uint64_t id);
  // Runs still_valid of the streams `select` picks; closes and drops the failing ones.
  void CheckSessions(const StreamList& streams, const std::function<bool(const Stream&)>& select);
  // Sends `text` to every stream, dropping those that refuse it.
  void Broadcast(const StreamList& streams, const std::string& text);

  class ChangeSet;
  void TailAudit(ChangeSet& changes, std::vector<int64_t>& ended_users);
  void DiffDevices(ChangeSet& changes);
  struct DeviceState {
    int64_t company_id = 0;
    std::string serial;
    std::string fingerprint;
  };
  using DeviceStates = std::unordered_map<int64_t, DeviceState>;  // by system id
  Status SnapshotDevices(DeviceStates* devices);

  // "registrations" events due now, per company: the systems whose change is reported.
  using DueSystems = std::map<int64_t, std::vector<int64_t>>;
  DueSystems DueRegistrations(std::chrono::steady_clock::time_point now);
  // Of `systems` (all of company_id), those user_id may read the registration status of,
  // ascending.
  Result<std::vector<int64_t>> ReadableRegistrations(int64_t company_id, int64_t user_id,
                                                     const std::vector<int64_t>& systems);
  // The "registrations" event text for one stream; "" when it may read none of them.
  std::string RegistrationsText(int64_t company_id, int64_t user_id, const DueSystems& due);

  const EventHubOptions options_;
  directory::Directory& directory_;

  mutable std::mutex mu_;
  std::map<uint64_t, std::shared_ptr<Stream>> streams_;  // guarded
  uint64_t next_id_ = 1;                                 // guarded
  bool running_ = false;                                 // guarded
  bool stopping_ = false;                                // guarded
  std::condition_variable wake_;
  std::thread thread_;

  // Poller thread only (and Start before it runs).
  int64_t audit_cursor_ = 0;
  DeviceStates devices_;
  bool audit_failing_ = false;                        // logged once per outage
  bool devices_failing_ = false;                      // logged once per outage
  std::unique_ptr<RegistrationWatch> registrations_;  // null without ingest_path
  bool registrations_failing_ = false;                // logged once per outage
  bool access_failing_ = false;                       // logged once per outage
  struct Throttle {
    int64_t company_id = 0;
    std::chrono::steady_clock::time_point last_sent;
    bool pending = false;  // changed since last_sent; sent when the interval has passed
  };
  std::unordered_map<int64_t, Throttle> throttles_;  // by system id
};

}  // namespace ccc::relay::events
