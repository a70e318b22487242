// ccc-broker-control: runs one BrokerControl operation from a [broker] config section, for
// operators (re-running a failed eviction, installing a CRL by hand) and for the
// integration test of the broker mechanism (tests/integration/test_revocation.py).
//
//   ccc-broker-control --config FILE install-crl CRL.pem
//   ccc-broker-control --config FILE evict DEVICE_ID CRL.pem
//   ccc-broker-control --config FILE admit DEVICE_ID
// Exit status 0 on success, 1 when the operation failed, 2 for bad usage or config.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "common/config/config_reader.h"
#include "relay/broker/broker_control.h"

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Applies pairing decisions to the MQTT broker ([broker] config section)."};
  std::string config_path, device, crl_path;
  app.add_option("--config", config_path, "TOML file with a [broker] section")->required();
  app.require_subcommand(1);
  auto* install = app.add_subcommand("install-crl", "write the CRL and reload the broker");
  install->add_option("crl", crl_path, "PEM CRL file")->required();
  auto* evict = app.add_subcommand("evict", "install the CRL and close the device's connection");
  evict->add_option("device", device, "device id")->required();
  evict->add_option("crl", crl_path, "PEM CRL file listing the device's certificate")->required();
  auto* admit = app.add_subcommand("admit", "let a (re-)paired device in");
  admit->add_option("device", device, "device id")->required();
  CLI11_PARSE(app, argc, argv);

  std::unique_ptr<ccc::relay::broker::BrokerControl> control;
  std::string crl;
  try {
    auto reader = ccc::config::ConfigReader::FromFile(config_path);
    auto config = ccc::relay::broker::LoadBrokerConfig(reader);
    reader.RejectUnknownKeys();
    control = ccc::relay::broker::MakeBrokerControl(config);
    if (!crl_path.empty()) crl = ReadFile(crl_path);
  } catch (const std::exception& e) {
    std::cerr << "ccc-broker-control: " << e.what() << "\n";
    return 2;
  }
  ccc::Status status;
  if (*install) {
    status = control->InstallCrl(crl);
  } else if (*evict) {
    status = control->EvictDevice(device, crl);
  } else {
    status = control->AdmitDevice(device);
  }
  if (!status.ok()) {
    std::cerr << "ccc-broker-control: " << status.ToString() << "\n";
    return 1;
  }
  return 0;
}
