#include "relay/api/pairing_handlers.h"

#include <boost/json.hpp>
#include <chrono>
#include <string>

#include "relay/api/handler_support.h"
#include "relay/api/json_input.h"
#include "relay/api/system_handlers.h"
#include "relay/ca/device_ca.h"
#include "relay/pairing/pairing_service.h"

namespace ccc::relay::api {
namespace {

namespace json = boost::json;
using http::Request;
using http::Response;
using pairing::PairError;
using pairing::UnpairError;

// PEM of a CSR or certificate: the CA's own limit, in characters (PEM is ASCII).
constexpr size_t kMaxPemChars = ca::DeviceCa::kMaxCsrBytes;
constexpr size_t kMaxCodeChars = 32;
constexpr size_t kMaxSignatureChars = 1024;

Response TooManyAttempts(std::string_view message, std::chrono::seconds retry_after) {
  Response response = http::JsonError(429, "too_many_attempts", message);
  response.headers.emplace_back("Retry-After",
                                std::to_string(std::max<int64_t>(1, retry_after.count())));
  return response;
}

int PairStatus(PairError error) {
  switch (error) {
    case PairError::kNone:
      return 200;
    case PairError::kInvalidRequest:
    case PairError::kInvalidCsr:
      return 400;
    case PairError::kTooManyAttempts:
      return 429;
    case PairError::kCodeUnknown:
    case PairError::kCodeExpired:
    case PairError::kCodeUsed:
    case PairError::kCodeReplaced:
    case PairError::kSerialMismatch:
      return 422;
    case PairError::kAlreadyPaired:
      return 409;
    case PairError::kUnavailable:
      return 503;
  }
  return 503;
}

int UnpairStatus(UnpairError error) {
  switch (error) {
    case UnpairError::kNone:
      return 200;
    case UnpairError::kTooManyAttempts:
      return 429;
    case UnpairError::kNotFound:
      return 404;
    case UnpairError::kNotPaired:
      return 409;
    case UnpairError::kInvalidSignature:
      return 401;
    case UnpairError::kStaleTimestamp:
      return 422;
    case UnpairError::kUnavailable:
      return 503;
  }
  return 503;
}

Response InvalidSerial() {
  return http::JsonError(400, "invalid_field",
                         "field 'serial' must be 6 to 32 characters of A-Z, a-z, 0-9, '_' and "
                         "'-'");
}

Response Pair(const ApiServices& services, const Request& request) {
  auto input = JsonInput::Parse(request);
  if (!input.ok()) return input.error();
  auto serial = input->String("serial", {.max_chars = 32});
  auto code = input->String("code", {.max_chars = kMaxCodeChars});
  auto csr = input->String("csr", {.max_chars = kMaxPemChars, .allow_newlines = true});
  if (auto error = input->Finish()) return *error;
  if (!IsValidSerial(*serial)) return InvalidSerial();

  pairing::PairOutcome outcome = services.pairing->Pair(
      pairing::PairRequest{
          .serial = *serial, .code = *code, .csr_pem = *csr, .address = request.remote_address},
      NowMs(services));
  if (outcome.error == PairError::kTooManyAttempts) {
    return TooManyAttempts(outcome.message, outcome.retry_after);
  }
  if (!outcome.ok()) {
    return http::JsonError(PairStatus(outcome.error), pairing::PairErrorCode(outcome.error),
                           outcome.message);
  }
  const pairing::PairingGrant& grant = outcome.grant;
  json::object body{{"device_id", grant.device_id},
                    {"certificate", grant.certificate_pem},
                    {"ca", grant.ca_pem},
                    {"broker", json::object{{"host", grant.broker_host},
                                            {"port", grant.broker_port},
                                            {"ca", grant.broker_ca_pem}}}};
  return http::JsonResponse(200, json::serialize(body));
}

Response Unpair(const ApiServices& services, const Request& request) {
  auto input = JsonInput::Parse(request);
  if (!input.ok()) return input.error();
  auto serial = input->String("serial", {.max_chars = 32});
  auto certificate =
      input->String("certificate", {.max_chars = kMaxPemChars, .allow_newlines = true});
  auto timestamp = input->Int("timestamp", {.min = 0});
  auto signature = input->String("signature", {.max_chars = kMaxSignatureChars});
  if (auto error = input->Finish()) return *error;
  if (!IsValidSerial(*serial)) return InvalidSerial();

  pairing::UnpairOutcome outcome =
      services.pairing->Unpair(pairing::UnpairRequest{.serial = *serial,
                                                      .certificate_pem = *certificate,
                                                      .timestamp = *timestamp,
                                                      .signature_b64 = *signature,
                                                      .address = request.remote_address},
                               NowMs(services));
  if (outcome.error == UnpairError::kTooManyAttempts) {
    return TooManyAttempts(outcome.message, outcome.retry_after);
  }
  if (!outcome.ok()) {
    return http::JsonError(UnpairStatus(outcome.error), pairing::UnpairErrorCode(outcome.error),
                           outcome.message);
  }
  return http::JsonResponse(200, R"({"status":"unpaired"})");
}

}  // namespace

void AddPairingRoutes(http::Router& router, const ApiServices& services) {
  router.Add(http::Method::kPost, "/api/v1/pairing", [services](const Request& request) {
    Response response = Pair(services, request);
    AddNoStore(response);  // carries a certificate
    return response;
  });
  router.Add(http::Method::kPost, "/api/v1/pairing/unpair", [services](const Request& request) {
    Response response = Unpair(services, request);
    AddNoStore(response);
    return response;
  });
}

}  // namespace ccc::relay::api
