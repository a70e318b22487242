#include "common/protocol/batch.h"

#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <limits>
#include <memory>
#include <system_error>
#include <utility>

#include "common/protocol/topic.h"

namespace ccc::protocol {
namespace {

constexpr std::string_view kMagic = "CCB";
constexpr size_t kHeaderBytes = kMagic.size() + 1;

// The envelope's own nesting (root object, records array, record object) uses three of
// these levels, so a body may nest kMaxJsonDepth - 3 deep.
constexpr size_t kMaxJsonDepth = 32;
constexpr size_t kEnvelopeDepth = 3;

constexpr std::string_view kReasonTooLarge = "too_large";
constexpr std::string_view kReasonBadMagic = "bad_magic";
constexpr std::string_view kReasonUnsupportedVersion = "unsupported_version";
constexpr std::string_view kReasonBadCompression = "bad_compression";
constexpr std::string_view kReasonDecompressedTooLarge = "decompressed_too_large";
constexpr std::string_view kReasonMalformed = "malformed";

constexpr std::array<std::string_view, 7> kEnvelopeKeys = {"device", "lo",      "hi",     "epoch",
                                                           "stream", "sent_ms", "records"};
constexpr std::array<std::string_view, 3> kRecordKeys = {"seq", "ts", "body"};

// Every failure message starts with its reason word so DecodeErrorReason can recover it.
std::string WithReason(std::string_view reason, std::string_view detail) {
  std::string message(reason);
  message.append(": ").append(detail);
  return message;
}

Status Malformed(std::string_view detail) {
  return InvalidArgument(WithReason(kReasonMalformed, detail));
}

Status BadCompression(std::string_view detail) {
  return InvalidArgument(WithReason(kReasonBadCompression, detail));
}

std::string Str(uint64_t value) { return std::to_string(value); }

struct CCtxDeleter {
  void operator()(ZSTD_CCtx* ctx) const { ZSTD_freeCCtx(ctx); }
};
struct DCtxDeleter {
  void operator()(ZSTD_DCtx* ctx) const { ZSTD_freeDCtx(ctx); }
};

// One context per thread: creating a zstd context per message costs more than coding a
// small batch.
ZSTD_CCtx* ThreadCCtx() {
  thread_local std::unique_ptr<ZSTD_CCtx, CCtxDeleter> ctx(ZSTD_createCCtx());
  return ctx.get();
}

ZSTD_DCtx* ThreadDCtx() {
  thread_local std::unique_ptr<ZSTD_DCtx, DCtxDeleter> ctx(ZSTD_createDCtx());
  return ctx.get();
}

// Smallest window log that covers max_decoded_bytes, within what zstd accepts. A frame
// that asks for a bigger window could only be useful for output beyond the cap, and
// honouring it would make the decoder allocate that window.
int WindowLogFor(size_t max_decoded_bytes) {
  const ZSTD_bounds bounds = ZSTD_dParam_getBounds(ZSTD_d_windowLogMax);
  int log = 0;
  while (log < 63 && (uint64_t{1} << log) < max_decoded_bytes) ++log;
  return std::clamp(log, bounds.lowerBound, bounds.upperBound);
}

Status ZstdError(size_t code) {
  if (ZSTD_getErrorCode(code) == ZSTD_error_frameParameter_windowTooLarge) {
    return TooLarge(WithReason(kReasonDecompressedTooLarge,
                               "zstd frame needs a window larger than the decoded size limit"));
  }
  return BadCompression(std::string("zstd: ") + ZSTD_getErrorName(code));
}

// Decompresses exactly one zstd frame that must span all of `input`. The output never
// grows beyond max_decoded_bytes: when it is full, a one-byte probe tells whether the frame
// has more to give. The frame header's content size is only a sizing hint.
Result<std::string> Decompress(std::string_view input, size_t max_decoded_bytes) {
  ZSTD_DCtx* dctx = ThreadDCtx();
  if (dctx == nullptr) return Internal("cannot create zstd decompression context");
  ZSTD_DCtx_reset(dctx, ZSTD_reset_session_and_parameters);
  const size_t set =
      ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, WindowLogFor(max_decoded_bytes));
  if (ZSTD_isError(set)) return Internal(std::string("zstd: ") + ZSTD_getErrorName(set));

  constexpr size_t kMinBuffer = 16 * 1024;
  size_t initial = std::max(kMinBuffer, input.size() * 8);
  const unsigned long long declared = ZSTD_getFrameContentSize(input.data(), input.size());
  if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != ZSTD_CONTENTSIZE_ERROR) {
    initial = declared < max_decoded_bytes ? static_cast<size_t>(declared) : max_decoded_bytes;
  }
  std::string out(std::min(initial, max_decoded_bytes), '\0');
  size_t produced = 0;
  ZSTD_inBuffer in{input.data(), input.size(), 0};

  for (;;) {
    const size_t in_before = in.pos;
    const size_t produced_before = produced;
    size_t ret = 0;
    if (produced < out.size()) {
      ZSTD_outBuffer ob{out.data(), out.size(), produced};
      ret = ZSTD_decompressStream(dctx, &ob, &in);
      produced = ob.pos;
    } else {
      char probe = 0;
      ZSTD_outBuffer ob{&probe, 1, 0};
      ret = ZSTD_decompressStream(dctx, &ob, &in);
      if (!ZSTD_isError(ret) && ob.pos == 1) {
        if (out.size() >= max_decoded_bytes) {
          return TooLarge(
              WithReason(kReasonDecompressedTooLarge,
                         "batch decompresses to more than " + Str(max_decoded_bytes) + " bytes"));
        }
        out.resize(std::min(max_decoded_bytes, std::max(kMinBuffer, out.size() * 2)));
        out[produced++] = probe;
      }
    }
    if (ZSTD_isError(ret)) return ZstdError(ret);
    if (ret == 0) break;
    if (in.pos == in_before && produced == produced_before) {
      return BadCompression(in.pos == in.size ? "zstd frame is truncated"
                                              : "zstd decoder made no progress");
    }
  }
  if (in.pos != in.size) {
    return BadCompression(Str(in.size - in.pos) + " trailing byte(s) after the zstd frame");
  }
  out.resize(produced);
  return out;
}

boost::json::parse_options ParseOptions(size_t max_depth) {
  boost::json::parse_options options;
  options.max_depth = max_depth;
  options.allow_comments = false;
  options.allow_trailing_commas = false;
  options.allow_invalid_utf8 = false;
  return options;
}

// Boost.JSON stores non-negative integers that fit int64 as int64, larger ones as uint64.
bool GetUint64(const boost::json::value& value, uint64_t& out) {
  if (const auto* u = value.if_uint64()) {
    out = *u;
    return true;
  }
  if (const auto* i = value.if_int64(); i != nullptr && *i >= 0) {
    out = static_cast<uint64_t>(*i);
    return true;
  }
  return false;
}

bool GetInt64(const boost::json::value& value, int64_t& out) {
  if (const auto* i = value.if_int64()) {
    out = *i;
    return true;
  }
  return false;
}

// Canonical decimal: digits only, no sign, no leading zeros, fits uint64.
bool ParseDecimalU64(std::string_view text, uint64_t& out) {
  if (text.empty() || (text.size() > 1 && text.front() == '0')) return false;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

template <size_t N>
Status CheckKeys(const boost::json::object& object, const std::array<std::string_view, N>& keys,
                 std::string_view where) {
  for (const auto& entry : object) {
    if (std::find(keys.begin(), keys.end(), std::string_view(entry.key())) == keys.end()) {
      std::string key(entry.key().substr(0, 64));
      return Malformed(std::string(where) + " has unknown key '" + key + "'");
    }
  }
  for (const std::string_view key : keys) {
    if (!object.contains(key)) {
      return Malformed(std::string(where) + " is missing key '" + std::string(key) + "'");
    }
  }
  return Status::Ok();
}

Status CheckSeq(uint64_t seq, size_t index, const std::optional<uint64_t>& previous, uint64_t lo,
                uint64_t hi) {
  if (previous.has_value() && seq <= *previous) {
    return Malformed("records[" + Str(index) + "].seq " + Str(seq) +
                     " is not greater than the previous seq " + Str(*previous));
  }
  if (seq < lo || seq > hi) {
    return Malformed("records[" + Str(index) + "].seq " + Str(seq) + " is outside [lo, hi] = [" +
                     Str(lo) + ", " + Str(hi) + "]");
  }
  return Status::Ok();
}

Status CheckHeader(std::string_view device, std::string_view stream, uint64_t lo, uint64_t hi,
                   size_t record_count, const CodecLimits& limits) {
  if (!IsValidDeviceId(device)) {
    return Malformed("invalid device id '" + std::string(device.substr(0, 80)) + "'");
  }
  if (!IsValidName(stream)) {
    return Malformed("invalid stream name '" + std::string(stream.substr(0, 80)) + "'");
  }
  if (lo > hi) return Malformed("lo " + Str(lo) + " is greater than hi " + Str(hi));
  if (record_count == 0) return Malformed("batch has no records");
  if (record_count > limits.max_records) {
    return Malformed("batch has " + Str(record_count) + " records, limit " +
                     Str(limits.max_records));
  }
  return Status::Ok();
}

void AppendNumber(std::string& out, auto value) {
  std::array<char, 24> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), result.ptr);
}

}  // namespace

Status ValidateBody(std::string_view body, const CodecLimits& limits) {
  std::array<unsigned char, 4096> scratch{};
  boost::json::monotonic_resource resource(scratch.data(), scratch.size());
  boost::system::error_code ec;
  const boost::json::value value =
      boost::json::parse(body, ec, &resource, ParseOptions(kMaxJsonDepth - kEnvelopeDepth));
  if (ec) return Malformed("is not valid JSON: " + ec.message());
  if (!value.is_object()) return Malformed("is not a JSON object");
  // The relay measures the body as it re-serializes it, so measure the same way here.
  const size_t body_bytes = boost::json::serialize(value).size();
  if (body_bytes > limits.max_body_bytes) {
    return Malformed("is " + Str(body_bytes) + " bytes, limit " + Str(limits.max_body_bytes));
  }
  return Status::Ok();
}

namespace {

Result<std::string> Encode(const Batch& batch, const CodecLimits& limits, int zstd_level,
                           bool trusted) {
  // Encoding validates as strictly as decoding, so that a bad record is caught on the agent
  // with a clear error instead of turning the whole batch into a poison message the relay
  // rejects on every retry.
  CCC_RETURN_IF_ERROR(CheckHeader(batch.device, batch.stream, batch.range_lo, batch.range_hi,
                                  batch.records.size(), limits));

  size_t estimate = 160 + batch.device.size() + batch.stream.size();
  for (const Record& record : batch.records) estimate += record.body.size() + 64;
  std::string json;
  json.reserve(estimate);
  // device and stream are validated above and contain nothing that needs escaping.
  json.append(R"({"device":")").append(batch.device);
  json.append(R"(","stream":")").append(batch.stream);
  json.append(R"(","epoch":")");
  AppendNumber(json, batch.epoch);
  json.append(R"(","lo":)");
  AppendNumber(json, batch.range_lo);
  json.append(R"(,"hi":)");
  AppendNumber(json, batch.range_hi);
  json.append(R"(,"sent_ms":)");
  AppendNumber(json, batch.sent_ms);
  json.append(R"(,"records":[)");

  std::optional<uint64_t> previous;
  for (size_t i = 0; i < batch.records.size(); ++i) {
    const Record& record = batch.records[i];
    CCC_RETURN_IF_ERROR(CheckSeq(record.seq, i, previous, batch.range_lo, batch.range_hi));
    previous = record.seq;
    if (!trusted) {
      const Status body = ValidateBody(record.body, limits);
      if (!body.ok()) {
        return Malformed("records[" + Str(i) + "].body (seq " + Str(record.seq) + ") " +
                         std::string(body.message().substr(kReasonMalformed.size() + 2)));
      }
    }

    if (i > 0) json.push_back(',');
    json.append(R"({"seq":)");
    AppendNumber(json, record.seq);
    json.append(R"(,"ts":)");
    AppendNumber(json, record.ts_ms);
    json.append(R"(,"body":)").append(record.body).push_back('}');
  }
  json.append("]}");

  if (json.size() > limits.max_decoded_bytes) {
    return TooLarge(WithReason(
        kReasonDecompressedTooLarge,
        "batch JSON is " + Str(json.size()) + " bytes, limit " + Str(limits.max_decoded_bytes)));
  }

  ZSTD_CCtx* cctx = ThreadCCtx();
  if (cctx == nullptr) return Internal("cannot create zstd compression context");
  std::string frame(kHeaderBytes + ZSTD_compressBound(json.size()), '\0');
  std::copy(kMagic.begin(), kMagic.end(), frame.begin());
  frame[kMagic.size()] = static_cast<char>(kProtocolVersion);
  const size_t compressed =
      ZSTD_compressCCtx(cctx, frame.data() + kHeaderBytes, frame.size() - kHeaderBytes, json.data(),
                        json.size(), zstd_level);
  if (ZSTD_isError(compressed)) {
    return Internal(std::string("zstd compression failed: ") + ZSTD_getErrorName(compressed));
  }
  frame.resize(kHeaderBytes + compressed);
  if (frame.size() > limits.max_message_bytes) {
    return TooLarge(WithReason(kReasonTooLarge, "encoded batch is " + Str(frame.size()) +
                                                    " bytes, limit " +
                                                    Str(limits.max_message_bytes)));
  }
  return frame;
}

}  // namespace

Result<std::string> EncodeBatch(const Batch& batch, const CodecLimits& limits, int zstd_level) {
  return Encode(batch, limits, zstd_level, /*trusted=*/false);
}

Result<std::string> EncodeBatchTrusted(const Batch& batch, const CodecLimits& limits,
                                       int zstd_level) {
  return Encode(batch, limits, zstd_level, /*trusted=*/true);
}

Result<Batch> DecodeBatch(std::string_view frame, const CodecLimits& limits) {
  if (frame.size() > limits.max_message_bytes) {
    return TooLarge(WithReason(kReasonTooLarge, "frame is " + Str(frame.size()) + " bytes, limit " +
                                                    Str(limits.max_message_bytes)));
  }
  if (frame.size() < kHeaderBytes || frame.substr(0, kMagic.size()) != kMagic) {
    return InvalidArgument(WithReason(kReasonBadMagic, "frame does not start with CCB"));
  }
  const auto version = static_cast<uint8_t>(frame[kMagic.size()]);
  if (version != kProtocolVersion) {
    return Unsupported(
        WithReason(kReasonUnsupportedVersion, "frame has protocol version " + Str(version) +
                                                  ", this build speaks " + Str(kProtocolVersion)));
  }

  Result<std::string> text = Decompress(frame.substr(kHeaderBytes), limits.max_decoded_bytes);
  if (!text.ok()) return text.status();

  boost::json::monotonic_resource resource;
  boost::system::error_code ec;
  const boost::json::value root =
      boost::json::parse(*text, ec, &resource, ParseOptions(kMaxJsonDepth));
  if (ec) return Malformed("batch is not valid JSON: " + ec.message());
  const boost::json::object* envelope = root.if_object();
  if (envelope == nullptr) return Malformed("batch is not a JSON object");
  CCC_RETURN_IF_ERROR(CheckKeys(*envelope, kEnvelopeKeys, "batch"));

  Batch batch;
  const boost::json::string* device = envelope->at("device").if_string();
  if (device == nullptr) return Malformed("'device' is not a string");
  const boost::json::string* stream = envelope->at("stream").if_string();
  if (stream == nullptr) return Malformed("'stream' is not a string");
  const boost::json::string* epoch = envelope->at("epoch").if_string();
  if (epoch == nullptr || !ParseDecimalU64(*epoch, batch.epoch)) {
    return Malformed("'epoch' is not a decimal string of an unsigned 64-bit integer");
  }
  if (!GetUint64(envelope->at("lo"), batch.range_lo)) {
    return Malformed("'lo' is not an unsigned 64-bit integer");
  }
  if (!GetUint64(envelope->at("hi"), batch.range_hi)) {
    return Malformed("'hi' is not an unsigned 64-bit integer");
  }
  if (!GetInt64(envelope->at("sent_ms"), batch.sent_ms)) {
    return Malformed("'sent_ms' is not a signed 64-bit integer");
  }
  const boost::json::array* records = envelope->at("records").if_array();
  if (records == nullptr) return Malformed("'records' is not an array");
  CCC_RETURN_IF_ERROR(
      CheckHeader(*device, *stream, batch.range_lo, batch.range_hi, records->size(), limits));
  batch.device = std::string(*device);
  batch.stream = std::string(*stream);

  batch.records.reserve(records->size());
  std::optional<uint64_t> previous;
  for (size_t i = 0; i < records->size(); ++i) {
    const std::string where = "records[" + Str(i) + "]";
    const boost::json::object* object = (*records)[i].if_object();
    if (object == nullptr) return Malformed(where + " is not an object");
    CCC_RETURN_IF_ERROR(CheckKeys(*object, kRecordKeys, where));
    Record record;
    if (!GetUint64(object->at("seq"), record.seq)) {
      return Malformed(where + ".seq is not an unsigned 64-bit integer");
    }
    CCC_RETURN_IF_ERROR(CheckSeq(record.seq, i, previous, batch.range_lo, batch.range_hi));
    previous = record.seq;
    if (!GetInt64(object->at("ts"), record.ts_ms)) {
      return Malformed(where + ".ts is not a signed 64-bit integer");
    }
    const boost::json::object* body = object->at("body").if_object();
    if (body == nullptr) return Malformed(where + ".body is not a JSON object");
    record.body = boost::json::serialize(*body);
    if (record.body.size() > limits.max_body_bytes) {
      return Malformed(where + ".body is " + Str(record.body.size()) + " bytes, limit " +
                       Str(limits.max_body_bytes));
    }
    batch.records.push_back(std::move(record));
  }
  return batch;
}

std::string_view DecodeErrorReason(const Status& status) {
  const std::string_view message = status.message();
  for (const std::string_view reason :
       {kReasonTooLarge, kReasonBadMagic, kReasonUnsupportedVersion, kReasonBadCompression,
        kReasonDecompressedTooLarge, kReasonMalformed}) {
    if (message.size() > reason.size() + 1 && message.starts_with(reason) &&
        message.substr(reason.size(), 2) == ": ") {
      return reason;
    }
  }
  return kReasonMalformed;
}

}  // namespace ccc::protocol
