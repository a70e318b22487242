#include "agent/collect/registration_diff.h"

#include <string_view>
#include <unordered_map>

namespace ccc::agent::collect {
namespace {

// Appends to `changed` the entries of `after` that are new or differ from their namesake in
// `before`, and to `removed` the ids of `before` that `after` lacks.
template <typename Entry>
void Compare(const std::vector<Entry>& before, const std::vector<Entry>& after,
             std::vector<Entry>& changed, std::vector<std::string>& removed) {
  // Keys point into `before`, which outlives the map.
  std::unordered_map<std::string_view, const Entry*> old_by_id;
  old_by_id.reserve(before.size());
  for (const Entry& entry : before) old_by_id.emplace(entry.id, &entry);
  for (const Entry& entry : after) {
    const auto it = old_by_id.find(entry.id);
    if (it == old_by_id.end()) {
      changed.push_back(entry);
      continue;
    }
    if (!(*it->second == entry)) changed.push_back(entry);
    // What is left in the map afterwards was removed.
    old_by_id.erase(it);
  }
  if (old_by_id.empty()) return;
  for (const Entry& entry : before) {
    if (old_by_id.contains(entry.id)) removed.push_back(entry.id);
  }
}

}  // namespace

RegistrationUpdate SnapshotOf(const sources::RegistrationState& state) {
  RegistrationUpdate update;
  update.kind = RegistrationUpdateKind::kSnapshot;
  update.telephones = state.telephones;
  update.accounts = state.accounts;
  return update;
}

RegistrationUpdate ChangesBetween(const sources::RegistrationState& before,
                                  const sources::RegistrationState& after) {
  RegistrationUpdate update;
  update.kind = RegistrationUpdateKind::kChanges;
  Compare(before.telephones, after.telephones, update.telephones, update.removed_telephones);
  Compare(before.accounts, after.accounts, update.accounts, update.removed_accounts);
  return update;
}

std::optional<RegistrationUpdate> RegistrationTracker::Next(
    const sources::RegistrationState& current, bool snapshot) const {
  if (snapshot || !sent_) return SnapshotOf(current);
  RegistrationUpdate changes = ChangesBetween(*sent_, current);
  if (changes.empty()) return std::nullopt;
  return changes;
}

}  // namespace ccc::agent::collect
