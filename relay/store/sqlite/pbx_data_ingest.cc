#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/protocol/streams.h"
#include "relay/store/pbx_records.h"
#include "relay/store/sqlite/pbx_ingest.h"
#include "relay/store/sqlite/scoped_reset.h"

namespace ccc::relay::store::sqlite_detail {
namespace {

// A row is only written by a record at least as new as the one that last changed it;
// since_ms survives an upsert that keeps the status. Snapshots add k*Changed: a row they
// repeat as it is is not written (most of a snapshot, every 15 minutes), which is safe
// because records older than the snapshot are ignored. "changes" records always write, so
// updated_ms orders them against a late removal of the same row.
constexpr std::string_view kUpsertTelephone =
    "INSERT INTO telephones(device, id, name, extension, kind, dect_base_id, mac, model, "
    "status, since_ms, updated_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10) "
    "ON CONFLICT(device, id) DO UPDATE SET name = excluded.name, "
    "extension = excluded.extension, kind = excluded.kind, "
    "dect_base_id = excluded.dect_base_id, mac = excluded.mac, model = excluded.model, "
    "since_ms = CASE WHEN status = excluded.status THEN since_ms ELSE excluded.since_ms END, "
    "status = excluded.status, updated_ms = excluded.updated_ms "
    "WHERE excluded.updated_ms >= updated_ms";
constexpr std::string_view kTelephoneChanged =
    " AND (name IS NOT excluded.name OR extension IS NOT excluded.extension OR "
    "kind IS NOT excluded.kind OR dect_base_id IS NOT excluded.dect_base_id OR "
    "mac IS NOT excluded.mac OR model IS NOT excluded.model OR status IS NOT excluded.status)";
constexpr std::string_view kUpsertAccount =
    "INSERT INTO accounts(device, id, name, provider, number, stun_server, status, since_ms, "
    "updated_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) "
    "ON CONFLICT(device, id) DO UPDATE SET name = excluded.name, "
    "provider = excluded.provider, number = excluded.number, "
    "stun_server = excluded.stun_server, "
    "since_ms = CASE WHEN status = excluded.status THEN since_ms ELSE excluded.since_ms END, "
    "status = excluded.status, updated_ms = excluded.updated_ms "
    "WHERE excluded.updated_ms >= updated_ms";
constexpr std::string_view kAccountChanged =
    " AND (name IS NOT excluded.name OR provider IS NOT excluded.provider OR "
    "number IS NOT excluded.number OR stun_server IS NOT excluded.stun_server OR "
    "status IS NOT excluded.status)";
constexpr std::string_view kDeleteTelephone =
    "DELETE FROM telephones WHERE device = ?1 AND id = ?2 AND updated_ms <= ?3";
constexpr std::string_view kDeleteAccount =
    "DELETE FROM accounts WHERE device = ?1 AND id = ?2 AND updated_ms <= ?3";
// After a snapshot's upserts: every row it did not name (?3, a JSON array of ids) and no
// newer record changed.
constexpr std::string_view kDeleteTelephonesBefore =
    "DELETE FROM telephones WHERE device = ?1 AND updated_ms < ?2 "
    "AND id NOT IN (SELECT value FROM json_each(?3))";
constexpr std::string_view kDeleteAccountsBefore =
    "DELETE FROM accounts WHERE device = ?1 AND updated_ms < ?2 "
    "AND id NOT IN (SELECT value FROM json_each(?3))";
constexpr std::string_view kSnapshotTs =
    "SELECT snapshot_ts_ms FROM registration_state WHERE device = ?1";
constexpr std::string_view kUpdateRegistrationState =
    "INSERT INTO registration_state(device, snapshot_ts_ms, updated_ms, changed_ms) "
    "VALUES(?1, ?2, ?3, ?4) ON CONFLICT(device) DO UPDATE SET "
    "snapshot_ts_ms = coalesce(excluded.snapshot_ts_ms, snapshot_ts_ms), "
    "updated_ms = max(updated_ms, excluded.updated_ms), "
    "changed_ms = max(coalesce(changed_ms, excluded.changed_ms), "
    "coalesce(excluded.changed_ms, changed_ms))";
// search_id: the row's key in the trigram index calls_fts (sqlite_schema.h, version 3),
// one past the largest (an index lookup). The caller indexes the row (PbxIngest::Finish).
constexpr std::string_view kInsertCall =
    "INSERT OR IGNORE INTO calls(device, call_id, start_ms, duration_s, direction, result, "
    "external_number, external_name, billing_number, billing_name, real_name, own_number, "
    "call_type, search, received_ms, search_id) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
    "(SELECT ifnull(max(search_id), 0) + 1 FROM calls)) RETURNING search_id";
// ?1: JSON [[search_id, search], ...].
constexpr std::string_view kIndexCalls =
    "INSERT INTO calls_fts(rowid, search) SELECT value ->> 0, value ->> 1 FROM json_each(?1)";

}  // namespace

struct PbxIngest::Statements {
  sqlite::Statement upsert_telephone, upsert_account, delete_telephone, delete_account;
  sqlite::Statement upsert_changed_telephone, upsert_changed_account;
  sqlite::Statement delete_telephones_before, delete_accounts_before;
  sqlite::Statement snapshot_ts, update_registration_state, insert_call, index_calls;
};

PbxIngest::PbxIngest(sqlite::Database& db) : db_(db), s_(std::make_unique<Statements>()) {}
PbxIngest::~PbxIngest() = default;

Result<std::unique_ptr<PbxIngest>> PbxIngest::Prepare(sqlite::Database& db) {
  std::unique_ptr<PbxIngest> ingest(new PbxIngest(db));
  Statements& s = *ingest->s_;
  const std::string upsert_changed_telephone =
      std::string(kUpsertTelephone) + std::string(kTelephoneChanged);
  const std::string upsert_changed_account =
      std::string(kUpsertAccount) + std::string(kAccountChanged);
  const std::pair<std::string_view, sqlite::Statement*> all[] = {
      {kUpsertTelephone, &s.upsert_telephone},
      {kUpsertAccount, &s.upsert_account},
      {upsert_changed_telephone, &s.upsert_changed_telephone},
      {upsert_changed_account, &s.upsert_changed_account},
      {kDeleteTelephone, &s.delete_telephone},
      {kDeleteAccount, &s.delete_account},
      {kDeleteTelephonesBefore, &s.delete_telephones_before},
      {kDeleteAccountsBefore, &s.delete_accounts_before},
      {kSnapshotTs, &s.snapshot_ts},
      {kUpdateRegistrationState, &s.update_registration_state},
      {kInsertCall, &s.insert_call},
      {kIndexCalls, &s.index_calls},
  };
  for (const auto& [sql, stmt] : all) {
    Result<sqlite::Statement> prepared = db.Prepare(sql);
    if (!prepared.ok()) return prepared.status();
    *stmt = std::move(*prepared);
  }
  return ingest;
}

Status PbxIngest::ApplyRegistrations(const std::string& device, const protocol::Record& record,
                                     IngestOutcome& outcome) {
  Result<RegistrationRecord> parsed = ParseRegistrationRecord(record.body);
  if (!parsed.ok()) {
    ++outcome.invalid_records;
    LogInvalid(device, protocol::kStreamRegistrations, parsed.status());
    return Status::Ok();
  }
  const int64_t ts = record.ts_ms;
  {
    sqlite::Statement& q = s_->snapshot_ts;
    ScopedReset reset(q);
    q.Bind(1, device);
    Result<bool> row = q.Step();
    if (!row.ok()) return row.status();
    if (*row && !q.ColumnIsNull(0) && ts < q.ColumnInt(0)) {
      ++outcome.duplicates_dropped;
      return Status::Ok();
    }
  }
  int64_t changed = 0;  // rows written or deleted
  for (const TelephoneRow& t : parsed->telephones) {
    sqlite::Statement& u = parsed->snapshot ? s_->upsert_changed_telephone : s_->upsert_telephone;
    ScopedReset reset(u);
    u.Bind(1, device).Bind(2, t.id).Bind(3, t.name).Bind(4, t.extension).Bind(5, t.kind);
    u.Bind(6, t.dect_base_id).Bind(7, t.mac).Bind(8, t.model).Bind(9, t.status).Bind(10, ts);
    CCC_RETURN_IF_ERROR(u.Run());
    changed += db_.Changes();
  }
  for (const AccountRow& a : parsed->accounts) {
    sqlite::Statement& u = parsed->snapshot ? s_->upsert_changed_account : s_->upsert_account;
    ScopedReset reset(u);
    u.Bind(1, device).Bind(2, a.id).Bind(3, a.name).Bind(4, a.provider).Bind(5, a.number);
    u.Bind(6, a.stun_server).Bind(7, a.status).Bind(8, ts);
    CCC_RETURN_IF_ERROR(u.Run());
    changed += db_.Changes();
  }
  if (parsed->snapshot) {
    boost::json::array telephone_ids, account_ids;
    telephone_ids.reserve(parsed->telephones.size());
    for (const TelephoneRow& t : parsed->telephones) telephone_ids.emplace_back(t.id);
    account_ids.reserve(parsed->accounts.size());
    for (const AccountRow& a : parsed->accounts) account_ids.emplace_back(a.id);
    const std::pair<sqlite::Statement*, const boost::json::array*> deletes[] = {
        {&s_->delete_telephones_before, &telephone_ids},
        {&s_->delete_accounts_before, &account_ids}};
    for (const auto& [d, ids] : deletes) {
      ScopedReset reset(*d);
      d->Bind(1, device).Bind(2, ts).Bind(3, boost::json::serialize(*ids));
      CCC_RETURN_IF_ERROR(d->Run());
      changed += db_.Changes();
    }
  }
  for (const std::string& id : parsed->removed_telephones) {
    ScopedReset reset(s_->delete_telephone);
    s_->delete_telephone.Bind(1, device).Bind(2, id).Bind(3, ts);
    CCC_RETURN_IF_ERROR(s_->delete_telephone.Run());
    changed += db_.Changes();
  }
  for (const std::string& id : parsed->removed_accounts) {
    ScopedReset reset(s_->delete_account);
    s_->delete_account.Bind(1, device).Bind(2, id).Bind(3, ts);
    CCC_RETURN_IF_ERROR(s_->delete_account.Run());
    changed += db_.Changes();
  }
  sqlite::Statement& state = s_->update_registration_state;
  ScopedReset reset(state);
  state.Bind(1, device);
  if (parsed->snapshot) {
    state.Bind(2, ts);
  } else {
    state.BindNull(2);
  }
  state.Bind(3, ts);
  if (changed > 0) {
    state.Bind(4, ts);
  } else {
    state.BindNull(4);
  }
  CCC_RETURN_IF_ERROR(state.Run());
  ++outcome.records_stored;
  return Status::Ok();
}

Status PbxIngest::ApplyCall(const std::string& device, const protocol::Record& record,
                            int64_t now_ms, IngestOutcome& outcome) {
  Result<CallRow> call = ParseCallRecord(record.body);
  if (!call.ok()) {
    ++outcome.invalid_records;
    LogInvalid(device, protocol::kStreamCalls, call.status());
    return Status::Ok();
  }
  sqlite::Statement& s = s_->insert_call;
  ScopedReset reset(s);
  s.Bind(1, device).Bind(2, static_cast<int64_t>(call->call_id)).Bind(3, call->start_ms);
  s.Bind(4, call->duration_s).Bind(5, call->direction).Bind(6, call->result);
  s.Bind(7, call->external_number).Bind(8, call->external_name).Bind(9, call->billing_number);
  s.Bind(10, call->billing_name).Bind(11, call->real_name).Bind(12, call->own_number);
  std::string search = CallSearchText(*call);
  s.Bind(13, call->call_type).Bind(14, search).Bind(15, now_ms);
  Result<bool> inserted = s.Step();  // a row (its search_id) only when stored
  if (!inserted.ok()) return inserted.status();
  if (!*inserted) {
    ++outcome.duplicates_dropped;
    return Status::Ok();
  }
  ++outcome.records_stored;
  unindexed_calls_.push_back(boost::json::array{s.ColumnInt(0), std::move(search)});
  return Status::Ok();
}

Status PbxIngest::Finish() {
  if (unindexed_calls_.empty()) return Status::Ok();
  sqlite::Statement& s = s_->index_calls;
  ScopedReset reset(s);
  s.Bind(1, boost::json::serialize(unindexed_calls_));
  unindexed_calls_.clear();
  return s.Run();
}

void PbxIngest::Discard() { unindexed_calls_.clear(); }

void PbxIngest::LogInvalid(const std::string& device, std::string_view stream, const Status& why) {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_log_ < std::chrono::seconds(1)) {
    ++suppressed_logs_;
    return;
  }
  last_log_ = now;
  spdlog::warn(
      "invalid '{}' record from device '{}' not stored: {}{}", stream, device.substr(0, 64),
      why.message(),
      suppressed_logs_ == 0
          ? std::string()
          : fmt::format(" ({} more invalid PBX records in the last interval)", suppressed_logs_));
  suppressed_logs_ = 0;
}

}  // namespace ccc::relay::store::sqlite_detail
