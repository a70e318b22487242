#include "common/protocol/batch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zstd.h>

#include <boost/json.hpp>
#include <chrono>
#include <limits>
#include <string>

namespace ccc::protocol {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr std::string_view kBody = R"({"cpu_pct":12,"mem_used_bytes":123456789})";

Batch SmallBatch() {
  Batch batch;
  batch.device = "PBX-1";
  batch.stream = "telemetry";
  batch.epoch = 42;
  batch.range_lo = 10;
  batch.range_hi = 13;
  batch.sent_ms = 1'700'000'000'000;
  batch.records = {{10, 1'700'000'000'001, std::string(kBody)},
                   {12, 1'700'000'000'002, R"({"a":[1,2,{"b":null}],"c":true})"}};
  return batch;
}

std::string Compress(std::string_view data, int level = 3) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  const size_t size = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), level);
  EXPECT_FALSE(ZSTD_isError(size));
  out.resize(size);
  return out;
}

std::string FrameOf(std::string_view json) { return std::string("CCB\x01", 4) + Compress(json); }

// A valid envelope as a JSON object that tests can break in one place.
boost::json::object ValidEnvelope() {
  return boost::json::parse(R"({"device":"PBX-1","stream":"telemetry","epoch":"7","lo":1,"hi":5,
      "sent_ms":1700000000000,"records":[{"seq":1,"ts":1,"body":{"x":1}},
      {"seq":3,"ts":2,"body":{"y":"z"}}]})")
      .as_object();
}

boost::json::object& FirstRecord(boost::json::object& envelope) {
  return envelope["records"].as_array()[0].as_object();
}

Status DecodeError(std::string_view frame, const CodecLimits& limits = {}) {
  Result<Batch> batch = DecodeBatch(frame, limits);
  EXPECT_FALSE(batch.ok());
  return batch.status();
}

Status DecodeJsonError(const boost::json::value& envelope, const CodecLimits& limits = {}) {
  return DecodeError(FrameOf(boost::json::serialize(envelope)), limits);
}

void ExpectMalformed(const Status& status, std::string_view detail) {
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeErrorReason(status), "malformed");
  EXPECT_THAT(status.message(), StartsWith("malformed: "));
  EXPECT_THAT(status.message(), HasSubstr(detail));
}

Batch RoundTrip(const Batch& batch, const CodecLimits& limits = {}) {
  Result<std::string> frame = EncodeBatch(batch, limits);
  EXPECT_TRUE(frame.ok()) << frame.status().ToString();
  if (!frame.ok()) return {};
  Result<Batch> decoded = DecodeBatch(*frame, limits);
  EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
  if (!decoded.ok()) return {};
  return *std::move(decoded);
}

std::string NestedObject(int depth) {
  std::string text;
  for (int i = 0; i < depth; ++i) text += R"({"a":)";
  text += "1";
  for (int i = 0; i < depth; ++i) text += "}";
  return text;
}

TEST(BatchCodec, RoundTripsSmallBatch) { EXPECT_EQ(RoundTrip(SmallBatch()), SmallBatch()); }

TEST(BatchCodec, FrameStartsWithMagicAndVersion) {
  Result<std::string> frame = EncodeBatch(SmallBatch());
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ(frame->substr(0, 4), std::string("CCB\x01", 4));
}

TEST(BatchCodec, RoundTripsExtremeIntegers) {
  constexpr uint64_t kMaxU64 = std::numeric_limits<uint64_t>::max();
  Batch batch = SmallBatch();
  batch.epoch = kMaxU64;
  batch.range_lo = kMaxU64 - 1;
  batch.range_hi = kMaxU64;
  batch.sent_ms = std::numeric_limits<int64_t>::min();
  batch.records = {{kMaxU64 - 1, std::numeric_limits<int64_t>::max(), "{}"},
                   {kMaxU64, std::numeric_limits<int64_t>::min(), R"({"n":-9223372036854775808})"}};
  EXPECT_EQ(RoundTrip(batch), batch);
}

TEST(BatchCodec, RoundTripsZeroSeqAndEpoch) {
  Batch batch = SmallBatch();
  batch.epoch = 0;
  batch.range_lo = 0;
  batch.records = {{0, 0, "{}"}};
  EXPECT_EQ(RoundTrip(batch), batch);
}

TEST(BatchCodec, RoundTripsUnicodeAndEscapesInBodies) {
  Batch batch = SmallBatch();
  batch.records = {{10, 1, R"({"name":"Müller ☎ 😀","q":"say \"hi\"\n\t\\"})"}};
  EXPECT_EQ(RoundTrip(batch), batch);
}

TEST(BatchCodec, RoundTripsMaximumNumberOfRecords) {
  Batch batch = SmallBatch();
  const CodecLimits limits;
  batch.records.clear();
  for (uint64_t seq = 0; seq < limits.max_records; ++seq) {
    batch.records.push_back(
        {seq, static_cast<int64_t>(seq), R"({"v":)" + std::to_string(seq) + "}"});
  }
  batch.range_lo = 0;
  batch.range_hi = limits.max_records - 1;
  EXPECT_EQ(RoundTrip(batch, limits), batch);
}

TEST(BatchCodec, ReturnsBodiesAsCompactJson) {
  Batch batch = SmallBatch();
  batch.records = {{10, 1, R"( { "a" : [ 1 , 2 ] } )"}};
  EXPECT_EQ(RoundTrip(batch).records.at(0).body, R"({"a":[1,2]})");
}

TEST(BatchCodec, KeepsFloatingPointValuesEqualAsJson) {
  Batch batch = SmallBatch();
  batch.records = {{10, 1, R"({"cpu_pct":12.5,"x":0.1})"}};
  const Batch decoded = RoundTrip(batch);
  ASSERT_EQ(decoded.records.size(), 1u);
  EXPECT_EQ(boost::json::parse(decoded.records[0].body), boost::json::parse(batch.records[0].body));
}

TEST(BatchCodec, EncodeRejectsInvalidDeviceId) {
  Batch batch = SmallBatch();
  batch.device = "PBX/1";
  Result<std::string> frame = EncodeBatch(batch);
  ASSERT_FALSE(frame.ok());
  EXPECT_EQ(frame.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(frame.status().message(), HasSubstr("invalid device id 'PBX/1'"));
}

TEST(BatchCodec, EncodeRejectsEmptyBatch) {
  Batch batch = SmallBatch();
  batch.records.clear();
  EXPECT_THAT(EncodeBatch(batch).status().message(), HasSubstr("no records"));
}

TEST(BatchCodec, EncodeRejectsBodyThatIsNotAnObject) {
  Batch batch = SmallBatch();
  batch.records[1].body = "[1,2]";
  EXPECT_THAT(EncodeBatch(batch).status().message(),
              HasSubstr("records[1].body (seq 12) is not a JSON object"));
}

TEST(BatchCodec, EncodeRejectsBodyThatIsNotJson) {
  Batch batch = SmallBatch();
  batch.records[0].body = R"({"a":1} trailing)";
  EXPECT_THAT(EncodeBatch(batch).status().message(), HasSubstr("is not valid JSON"));
}

TEST(BatchCodec, EncodeRejectsNonIncreasingSeqs) {
  Batch batch = SmallBatch();
  batch.records[1].seq = 10;
  EXPECT_THAT(EncodeBatch(batch).status().message(), HasSubstr("not greater than"));
}

TEST(BatchCodec, EncodeRejectsFrameOverMessageLimit) {
  CodecLimits limits;
  limits.max_message_bytes = 20;
  Result<std::string> frame = EncodeBatch(SmallBatch(), limits);
  ASSERT_FALSE(frame.ok());
  EXPECT_EQ(frame.status().code(), StatusCode::kTooLarge);
  EXPECT_EQ(DecodeErrorReason(frame.status()), "too_large");
}

TEST(BatchCodec, EncodeRejectsJsonOverDecodedLimit) {
  CodecLimits limits;
  limits.max_decoded_bytes = 50;
  Result<std::string> frame = EncodeBatch(SmallBatch(), limits);
  ASSERT_FALSE(frame.ok());
  EXPECT_EQ(frame.status().code(), StatusCode::kTooLarge);
  EXPECT_EQ(DecodeErrorReason(frame.status()), "decompressed_too_large");
}

TEST(BatchCodec, RejectsOversizedFrameBeforeLookingAtIt) {
  const std::string frame(10 * 1024 * 1024, 'x');
  const Status status = DecodeError(frame);
  EXPECT_EQ(status.code(), StatusCode::kTooLarge);
  EXPECT_EQ(DecodeErrorReason(status), "too_large");
  EXPECT_THAT(status.message(), StartsWith("too_large: "));
}

TEST(BatchCodec, RejectsFrameShorterThanHeader) {
  const Status status = DecodeError("CCB");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeErrorReason(status), "bad_magic");
}

TEST(BatchCodec, RejectsBadMagic) {
  const Status status = DecodeError("CCX\x01" + Compress("{}"));
  EXPECT_EQ(status.message(), "bad_magic: frame does not start with CCB");
  EXPECT_EQ(DecodeErrorReason(status), "bad_magic");
}

TEST(BatchCodec, RejectsUnsupportedVersion) {
  const Status status = DecodeError("CCB\x02" + Compress("{}"));
  EXPECT_EQ(status.code(), StatusCode::kUnsupported);
  EXPECT_EQ(DecodeErrorReason(status), "unsupported_version");
  EXPECT_THAT(status.message(), HasSubstr("version 2"));
}

TEST(BatchCodec, RejectsVersionZero) {
  EXPECT_EQ(DecodeError(std::string("CCB\0", 4) + Compress("{}")).code(), StatusCode::kUnsupported);
}

TEST(BatchCodec, RejectsGarbageInsteadOfZstd) {
  const Status status = DecodeError(std::string("CCB\x01", 4) + "this is not zstd at all");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeErrorReason(status), "bad_compression");
}

TEST(BatchCodec, RejectsEmptyPayload) {
  EXPECT_EQ(DecodeErrorReason(DecodeError(std::string("CCB\x01", 4))), "bad_compression");
}

TEST(BatchCodec, RejectsTruncatedZstdFrame) {
  Result<std::string> frame = EncodeBatch(SmallBatch());
  ASSERT_TRUE(frame.ok());
  const Status status = DecodeError(std::string_view(*frame).substr(0, frame->size() - 3));
  EXPECT_EQ(DecodeErrorReason(status), "bad_compression");
}

TEST(BatchCodec, RejectsTrailingBytesAfterZstdFrame) {
  Result<std::string> frame = EncodeBatch(SmallBatch());
  ASSERT_TRUE(frame.ok());
  const Status status = DecodeError(*frame + "xyz");
  EXPECT_EQ(DecodeErrorReason(status), "bad_compression");
  EXPECT_THAT(status.message(), HasSubstr("3 trailing byte(s)"));
}

TEST(BatchCodec, RejectsSecondConcatenatedZstdFrame) {
  Result<std::string> frame = EncodeBatch(SmallBatch());
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ(DecodeErrorReason(DecodeError(*frame + Compress("{}"))), "bad_compression");
}

// 100 MB of zeros in a stream whose header neither declares a content size nor asks for a
// big window: only counting the output while decompressing can catch it.
TEST(BatchCodec, RejectsDecompressionBombQuickly) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog, 20);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0);
  const std::string zeros(1024 * 1024, '\0');
  std::string compressed(ZSTD_CStreamOutSize(), '\0');
  std::string bomb("CCB\x01", 4);
  for (int i = 0; i < 100; ++i) {
    ZSTD_inBuffer in{zeros.data(), zeros.size(), 0};
    const ZSTD_EndDirective mode = i == 99 ? ZSTD_e_end : ZSTD_e_continue;
    size_t remaining = 0;
    do {
      ZSTD_outBuffer out{compressed.data(), compressed.size(), 0};
      remaining = ZSTD_compressStream2(cctx, &out, &in, mode);
      ASSERT_FALSE(ZSTD_isError(remaining));
      bomb.append(compressed.data(), out.pos);
    } while (mode == ZSTD_e_end ? remaining != 0 : in.pos != in.size);
  }
  ZSTD_freeCCtx(cctx);
  ASSERT_LT(bomb.size(), 64u * 1024);

  const auto start = std::chrono::steady_clock::now();
  const Status status = DecodeError(bomb);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(status.code(), StatusCode::kTooLarge);
  EXPECT_EQ(DecodeErrorReason(status), "decompressed_too_large");
  EXPECT_LT(elapsed, std::chrono::milliseconds(500));
}

TEST(BatchCodec, RejectsFrameThatDemandsAHugeWindow) {
  const std::string zeros(16 * 1024 * 1024, '\0');
  const Status status = DecodeError("CCB\x01" + Compress(zeros, 1));
  EXPECT_EQ(status.code(), StatusCode::kTooLarge);
  EXPECT_EQ(DecodeErrorReason(status), "decompressed_too_large");
}

TEST(BatchCodec, AcceptsJsonExactlyAtDecodedLimit) {
  const std::string json = boost::json::serialize(ValidEnvelope());
  CodecLimits limits;
  limits.max_decoded_bytes = json.size();
  EXPECT_TRUE(DecodeBatch(FrameOf(json), limits).ok());
}

TEST(BatchCodec, RejectsJsonOneByteOverDecodedLimit) {
  const std::string json = boost::json::serialize(ValidEnvelope());
  CodecLimits limits;
  limits.max_decoded_bytes = json.size() - 1;
  EXPECT_EQ(DecodeErrorReason(DecodeError(FrameOf(json), limits)), "decompressed_too_large");
}

TEST(BatchCodec, DecodesHandBuiltEnvelope) {
  Result<Batch> batch = DecodeBatch(FrameOf(boost::json::serialize(ValidEnvelope())));
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_EQ(batch->epoch, 7u);
  EXPECT_EQ(batch->records.at(1).body, R"({"y":"z"})");
}

TEST(BatchCodec, RejectsInvalidJson) {
  ExpectMalformed(DecodeError(FrameOf(R"({"device":)")), "not valid JSON");
}

TEST(BatchCodec, RejectsJsonThatIsNotAnObject) {
  ExpectMalformed(DecodeError(FrameOf("[1,2,3]")), "not a JSON object");
}

TEST(BatchCodec, RejectsMissingKey) {
  boost::json::object envelope = ValidEnvelope();
  envelope.erase("sent_ms");
  ExpectMalformed(DecodeJsonError(envelope), "missing key 'sent_ms'");
}

TEST(BatchCodec, RejectsUnknownKey) {
  boost::json::object envelope = ValidEnvelope();
  envelope["extra"] = 1;
  ExpectMalformed(DecodeJsonError(envelope), "unknown key 'extra'");
}

TEST(BatchCodec, RejectsUnknownKeyInRecord) {
  boost::json::object envelope = ValidEnvelope();
  FirstRecord(envelope)["tz"] = 1;
  ExpectMalformed(DecodeJsonError(envelope), "records[0] has unknown key 'tz'");
}

TEST(BatchCodec, RejectsMissingKeyInRecord) {
  boost::json::object envelope = ValidEnvelope();
  FirstRecord(envelope).erase("ts");
  ExpectMalformed(DecodeJsonError(envelope), "records[0] is missing key 'ts'");
}

TEST(BatchCodec, RejectsDeviceThatIsNotAString) {
  boost::json::object envelope = ValidEnvelope();
  envelope["device"] = 5;
  ExpectMalformed(DecodeJsonError(envelope), "'device' is not a string");
}

TEST(BatchCodec, RejectsStreamThatIsNotAString) {
  boost::json::object envelope = ValidEnvelope();
  envelope["stream"] = boost::json::array{};
  ExpectMalformed(DecodeJsonError(envelope), "'stream' is not a string");
}

TEST(BatchCodec, RejectsEpochAsNumber) {
  boost::json::object envelope = ValidEnvelope();
  envelope["epoch"] = 7;
  ExpectMalformed(DecodeJsonError(envelope), "'epoch'");
}

TEST(BatchCodec, RejectsEpochThatOverflowsU64) {
  boost::json::object envelope = ValidEnvelope();
  envelope["epoch"] = "18446744073709551616";
  ExpectMalformed(DecodeJsonError(envelope), "'epoch'");
}

TEST(BatchCodec, RejectsEpochThatIsNotDecimal) {
  boost::json::object envelope = ValidEnvelope();
  envelope["epoch"] = "-7";
  ExpectMalformed(DecodeJsonError(envelope), "'epoch'");
}

TEST(BatchCodec, RejectsNegativeLo) {
  boost::json::object envelope = ValidEnvelope();
  envelope["lo"] = -1;
  ExpectMalformed(DecodeJsonError(envelope), "'lo' is not an unsigned 64-bit integer");
}

TEST(BatchCodec, RejectsHiAsString) {
  boost::json::object envelope = ValidEnvelope();
  envelope["hi"] = "5";
  ExpectMalformed(DecodeJsonError(envelope), "'hi' is not an unsigned 64-bit integer");
}

TEST(BatchCodec, RejectsSentMsAsFloat) {
  boost::json::object envelope = ValidEnvelope();
  envelope["sent_ms"] = 1.5;
  ExpectMalformed(DecodeJsonError(envelope), "'sent_ms' is not a signed 64-bit integer");
}

TEST(BatchCodec, RejectsRecordsThatAreNotAnArray) {
  boost::json::object envelope = ValidEnvelope();
  envelope["records"] = boost::json::object{};
  ExpectMalformed(DecodeJsonError(envelope), "'records' is not an array");
}

TEST(BatchCodec, RejectsRecordThatIsNotAnObject) {
  boost::json::object envelope = ValidEnvelope();
  envelope["records"].as_array()[1] = 3;
  ExpectMalformed(DecodeJsonError(envelope), "records[1] is not an object");
}

TEST(BatchCodec, RejectsSeqAsString) {
  boost::json::object envelope = ValidEnvelope();
  FirstRecord(envelope)["seq"] = "1";
  ExpectMalformed(DecodeJsonError(envelope), "records[0].seq is not an unsigned");
}

TEST(BatchCodec, RejectsTimestampAsFloat) {
  boost::json::object envelope = ValidEnvelope();
  FirstRecord(envelope)["ts"] = 1.0;
  ExpectMalformed(DecodeJsonError(envelope), "records[0].ts is not a signed");
}

TEST(BatchCodec, RejectsEmptyRecords) {
  boost::json::object envelope = ValidEnvelope();
  envelope["records"] = boost::json::array{};
  ExpectMalformed(DecodeJsonError(envelope), "no records");
}

TEST(BatchCodec, RejectsTooManyRecords) {
  CodecLimits limits;
  limits.max_records = 1;
  ExpectMalformed(DecodeJsonError(ValidEnvelope(), limits), "2 records, limit 1");
}

TEST(BatchCodec, RejectsEqualSeqs) {
  boost::json::object envelope = ValidEnvelope();
  envelope["records"].as_array()[1].as_object()["seq"] = 1;
  ExpectMalformed(DecodeJsonError(envelope), "records[1].seq 1 is not greater than");
}

TEST(BatchCodec, RejectsDecreasingSeqs) {
  boost::json::object envelope = ValidEnvelope();
  FirstRecord(envelope)["seq"] = 4;
  ExpectMalformed(DecodeJsonError(envelope), "records[1].seq 3 is not greater than");
}

TEST(BatchCodec, RejectsSeqBelowLo) {
  boost::json::object envelope = ValidEnvelope();
  envelope["lo"] = 2;
  ExpectMalformed(DecodeJsonError(envelope), "records[0].seq 1 is outside [lo, hi] = [2, 5]");
}

TEST(BatchCodec, RejectsSeqAboveHi) {
  boost::json::object envelope = ValidEnvelope();
  envelope["hi"] = 2;
  ExpectMalformed(DecodeJsonError(envelope), "records[1].seq 3 is outside");
}

TEST(BatchCodec, RejectsLoGreaterThanHi) {
  boost::json::object envelope = ValidEnvelope();
  envelope["lo"] = 6;
  ExpectMalformed(DecodeJsonError(envelope), "lo 6 is greater than hi 5");
}

TEST(BatchCodec, RejectsBodyThatIsAnArray) {
  boost::json::object envelope = ValidEnvelope();
  FirstRecord(envelope)["body"] = boost::json::array{1};
  ExpectMalformed(DecodeJsonError(envelope), "records[0].body is not a JSON object");
}

TEST(BatchCodec, RejectsBodyThatIsAString) {
  boost::json::object envelope = ValidEnvelope();
  FirstRecord(envelope)["body"] = R"({"x":1})";
  ExpectMalformed(DecodeJsonError(envelope), "records[0].body is not a JSON object");
}

TEST(BatchCodec, RejectsBodyOverBodyLimit) {
  CodecLimits limits;
  limits.max_body_bytes = 6;
  ExpectMalformed(DecodeJsonError(ValidEnvelope(), limits), "records[0].body is 7 bytes, limit 6");
}

TEST(BatchCodec, RejectsInvalidDeviceId) {
  boost::json::object envelope = ValidEnvelope();
  envelope["device"] = "+";
  ExpectMalformed(DecodeJsonError(envelope), "invalid device id '+'");
}

TEST(BatchCodec, RejectsInvalidStreamName) {
  boost::json::object envelope = ValidEnvelope();
  envelope["stream"] = "Tele/metry";
  ExpectMalformed(DecodeJsonError(envelope), "invalid stream name 'Tele/metry'");
}

TEST(BatchCodec, RejectsInvalidUtf8) {
  const std::string json = boost::json::serialize(ValidEnvelope());
  std::string broken = json;
  broken.replace(broken.find("\"z\""), 3, "\"\xff\"");
  ExpectMalformed(DecodeError(FrameOf(broken)), "not valid JSON");
}

TEST(BatchCodec, RejectsDeeplyNestedJson) {
  boost::json::object envelope = ValidEnvelope();
  const std::string json = boost::json::serialize(envelope);
  std::string nested = json;
  nested.replace(nested.find(R"({"x":1})"), 7, NestedObject(10'000));
  ExpectMalformed(DecodeError(FrameOf(nested)), "not valid JSON");
}

TEST(BatchCodec, EncodeAndDecodeAgreeOnNestingLimit) {
  int accepted = 0;
  for (int depth = 20; depth <= 40; ++depth) {
    Batch batch = SmallBatch();
    batch.records = {{10, 1, NestedObject(depth)}};
    Result<std::string> frame = EncodeBatch(batch);
    const std::string json_frame =
        FrameOf(R"({"device":"PBX-1","stream":"telemetry","epoch":"1","lo":10,"hi":10,)"
                R"("sent_ms":0,"records":[{"seq":10,"ts":1,"body":)" +
                NestedObject(depth) + "}]}");
    EXPECT_EQ(frame.ok(), DecodeBatch(json_frame).ok()) << depth;
    if (frame.ok()) {
      EXPECT_TRUE(DecodeBatch(*frame).ok()) << depth;
      ++accepted;
    }
  }
  EXPECT_GT(accepted, 0);
  EXPECT_LT(accepted, 21);
}

TEST(BatchCodec, TrustedEncodingProducesTheSameFrameAsCheckedEncoding) {
  Result<std::string> checked = EncodeBatch(SmallBatch());
  Result<std::string> trusted = EncodeBatchTrusted(SmallBatch());
  ASSERT_TRUE(checked.ok() && trusted.ok());
  EXPECT_EQ(*trusted, *checked);
  Result<Batch> decoded = DecodeBatch(*trusted);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, SmallBatch());
}

TEST(BatchCodec, TrustedEncodingStillChecksSeqs) {
  Batch batch = SmallBatch();
  batch.records[1].seq = 10;
  EXPECT_THAT(EncodeBatchTrusted(batch).status().message(), HasSubstr("not greater than"));
}

TEST(BatchCodec, TrustedEncodingStillChecksTheHeader) {
  Batch batch = SmallBatch();
  batch.device = "bad/device";
  EXPECT_THAT(EncodeBatchTrusted(batch).status().message(), HasSubstr("invalid device id"));
}

TEST(BatchCodec, TrustedEncodingOfAnUnvalidatedBadBodyIsRejectedByTheDecoder) {
  Batch batch = SmallBatch();
  batch.records[1].body = "[1,2]";
  Result<std::string> frame = EncodeBatchTrusted(batch);
  ASSERT_TRUE(frame.ok());
  ExpectMalformed(DecodeError(*frame), "records[1].body is not a JSON object");
}

TEST(BatchCodec, ValidateBodyAcceptsAJsonObject) { EXPECT_TRUE(ValidateBody(kBody).ok()); }

TEST(BatchCodec, ValidateBodyRejectsAnArray) {
  ExpectMalformed(ValidateBody("[1,2]"), "is not a JSON object");
}

TEST(BatchCodec, ValidateBodyRejectsTrailingText) {
  ExpectMalformed(ValidateBody(R"({"a":1} x)"), "is not valid JSON");
}

TEST(BatchCodec, ValidateBodyRejectsABodyOverTheBodyLimit) {
  CodecLimits limits;
  limits.max_body_bytes = 10;
  ExpectMalformed(ValidateBody(R"({"a":"0123456789"})", limits), "bytes, limit 10");
}

TEST(BatchCodec, ValidateBodyRejectsNestingTheEnvelopeCannotCarry) {
  EXPECT_TRUE(ValidateBody(NestedObject(29)).ok());
  ExpectMalformed(ValidateBody(NestedObject(30)), "is not valid JSON");
}

TEST(BatchCodec, DecodeErrorReasonFallsBackToMalformed) {
  EXPECT_EQ(DecodeErrorReason(Status(StatusCode::kInternal, "something else")), "malformed");
  EXPECT_EQ(DecodeErrorReason(Status(StatusCode::kInvalidArgument, "bad_magic")), "malformed");
}

}  // namespace
}  // namespace ccc::protocol
