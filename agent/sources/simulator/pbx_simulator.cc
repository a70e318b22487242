#include "agent/sources/simulator/pbx_simulator.h"

#include <stdexcept>
#include <utility>

#include "agent/sources/simulator/sim_random.h"
#include "agent/sources/simulator/sim_status.h"

namespace ccc::agent::sources {
namespace {

PbxSimulatorOptions Checked(PbxSimulatorOptions options) {
  if (options.phones < sim::kMinPhones || options.phones > sim::kMaxPhones) {
    throw std::invalid_argument("simulator: phones must be from 5 to 2000, not " +
                                std::to_string(options.phones));
  }
  if (options.history_days < 0 || options.history_days > 90) {
    throw std::invalid_argument("simulator: history_days must be from 0 to 90, not " +
                                std::to_string(options.history_days));
  }
  // Written so that NaN fails too.
  if (!(options.calls_per_hour >= 0 && options.calls_per_hour <= sim::kMaxCallsPerHour)) {
    throw std::invalid_argument("simulator: calls_per_hour must be from 0 to 6000, not " +
                                std::to_string(options.calls_per_hour));
  }
  return options;
}

}  // namespace

PbxSimulator::PbxSimulator(PbxSimulatorOptions options)
    : options_(Checked(std::move(options))),
      effective_seed_(sim::StableHash(options_.serial, options_.seed)),
      fleet_(sim::BuildFleet(effective_seed_, options_.phones)),
      calls_(fleet_, {options_.calls_per_hour, options_.history_days}) {}

Result<PbxIdentity> PbxSimulator::Identity() {
  return PbxIdentity{options_.serial, options_.model, options_.firmware};
}

Result<RegistrationState> PbxSimulator::Registrations(int64_t now_ms) {
  const sim::StatusAt status(fleet_, now_ms);
  RegistrationState state;
  state.telephones.reserve(fleet_.phones.size());
  for (size_t i = 0; i < fleet_.phones.size(); ++i) {
    state.telephones.push_back(fleet_.phones[i].telephone);
    state.telephones.back().status = status.Telephone(i);
  }
  state.accounts.reserve(fleet_.accounts.size());
  for (size_t i = 0; i < fleet_.accounts.size(); ++i) {
    state.accounts.push_back(fleet_.accounts[i].account);
    state.accounts.back().status = status.Account(i);
  }
  return state;
}

Result<std::vector<CallRecord>> PbxSimulator::CallsAfter(uint64_t cursor, size_t max_records,
                                                         int64_t now_ms) {
  return calls_.CallsAfter(cursor, max_records, now_ms);
}

Result<PbxInformation> PbxSimulator::Information(int64_t now_ms) {
  PbxInformation info;
  info.model = options_.model;
  info.serial = options_.serial;
  info.firmware = options_.firmware;
  info.hardware_revision = fleet_.hardware_revision;
  info.mac = fleet_.mac;
  info.booted_at_ms = sim::LastBootAtOrBefore(effective_seed_, now_ms);
  info.uptime_s = (now_ms - info.booted_at_ms) / 1000;
  info.licences = fleet_.licences;
  info.modules = fleet_.modules;
  return info;
}

}  // namespace ccc::agent::sources
