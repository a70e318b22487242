#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agent/sources/pbx_source.h"

namespace ccc::agent::collect {

enum class RegistrationUpdateKind {
  kSnapshot,  // "snapshot": every telephone and account; replaces what the relay holds
  kChanges,   // "changes": changed or added entries in full, plus the ids of removed ones
};

// What one record of the "registrations" stream says (issue 5 contract, section 1).
struct RegistrationUpdate {
  RegistrationUpdateKind kind = RegistrationUpdateKind::kSnapshot;
  std::vector<sources::Telephone> telephones;  // snapshot: all; changes: changed and added
  std::vector<sources::ProviderAccount> accounts;
  std::vector<std::string> removed_telephones;  // changes only: ids in the old state's order
  std::vector<std::string> removed_accounts;

  bool empty() const {
    return telephones.empty() && accounts.empty() && removed_telephones.empty() &&
           removed_accounts.empty();
  }
};

// The snapshot record of `state`.
RegistrationUpdate SnapshotOf(const sources::RegistrationState& state);

// The changes record that turns `before` into `after`: entries of `after` that are new or
// differ in any field (in `after`'s order), and the ids of entries of `before` that `after`
// no longer has. Entries are matched by id; ids are unique within each list. Linear time.
RegistrationUpdate ChangesBetween(const sources::RegistrationState& before,
                                  const sources::RegistrationState& after);

// Remembers the registration state the relay was last sent and decides what the next record
// is. Memory only: after a restart nothing was sent, so the first record is a snapshot.
// Not thread-safe (the agent loop owns it).
class RegistrationTracker {
 public:
  // The record that brings the relay from the last sent state to `current`: a snapshot when
  // nothing was sent yet or `snapshot` is set, else the changes; nullopt when nothing changed
  // (never for a snapshot). Does not change what counts as sent: call Sent once stored.
  std::optional<RegistrationUpdate> Next(const sources::RegistrationState& current,
                                         bool snapshot) const;
  // `state` was stored in the outbox: later changes are relative to it.
  void Sent(sources::RegistrationState state) { sent_ = std::move(state); }
  // Forget the last sent state, so that the next record is a snapshot.
  void Forget() { sent_.reset(); }
  bool has_sent() const { return sent_.has_value(); }

 private:
  std::optional<sources::RegistrationState> sent_;
};

}  // namespace ccc::agent::collect
