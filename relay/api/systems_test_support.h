#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "relay/api/api_test_support.h"
#include "relay/api/pairing_handlers.h"
#include "relay/api/session_handlers.h"
#include "relay/api/system_handlers.h"
#include "relay/broker/broker_control.h"
#include "relay/ca/device_ca.h"
#include "relay/pairing/pairing_service.h"
#include "relay/store/store.h"

// Fixture pieces for the systems and pairing handler tests: ApiTestEnv (real Directory,
// Router, fake clock) plus a real SQLite ingest store beside it, a real PairingService with
// its device CA in the test folder, and a broker control that only records calls (the real
// one is tested in relay/broker). For tests only.
namespace ccc::relay::api::testing {

class RecordingBroker : public broker::BrokerControl {
 public:
  Status AdmitDevice(const std::string& device_id) override {
    admitted.push_back(device_id);
    return Status::Ok();
  }
  Status EvictDevice(const std::string& device_id, const std::string& crl_pem) override {
    evicted.push_back(device_id);
    last_crl = crl_pem;
    return Status::Ok();
  }
  Status InstallCrl(const std::string& crl_pem) override {
    last_crl = crl_pem;
    return Status::Ok();
  }

  std::vector<std::string> admitted;
  std::vector<std::string> evicted;
  std::string last_crl;
};

// Session, systems and pairing routes over real services.
class SystemsApiEnv {
 public:
  SystemsApiEnv() {
    auto store = store::OpenSqliteStore({(env.dir() / "relay.db").string(), false});
    if (!store.ok()) throw std::runtime_error(store.status().ToString());
    store_ = std::move(*store);

    auto broker_ca =
        ca::DeviceCa::OpenOrCreate(Path("broker-ca.key"), Path("broker-ca.crt"), "test broker CA");
    if (!broker_ca.ok()) throw std::runtime_error(broker_ca.status().ToString());
    pairing::PairingConfig config;
    config.broker_host = "broker.example.net";
    config.broker_port = 8883;
    config.broker_ca_file = Path("broker-ca.crt");
    config.ca_key_file = Path("device-ca.key");
    config.ca_cert_file = Path("device-ca.crt");
    auto service = pairing::PairingService::Open(config, &env.directory(), store_.get(), &broker);
    if (!service.ok()) throw std::runtime_error(service.status().ToString());
    pairing_ = std::move(*service);

    // Routes copy ApiServices: fill it first.
    env.services().store = store_.get();
    env.services().pairing = pairing_.get();
    AddSessionRoutes(env.router(), env.services());
    AddSystemRoutes(env.router(), env.services());
    AddPairingRoutes(env.router(), env.services());
  }

  std::string Path(const std::string& name) const { return (env.dir() / name).string(); }
  store::Store& store() { return *store_; }
  pairing::PairingService& pairing() { return *pairing_; }

  ApiTestEnv env;
  RecordingBroker broker;

 private:
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<pairing::PairingService> pairing_;
};

}  // namespace ccc::relay::api::testing
