#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status/status.h"

namespace ccc::protocol {

inline constexpr uint8_t kProtocolVersion = 1;

// One record of a stream. body is a JSON object serialized as text; its schema depends on
// the stream (see README, wire protocol).
struct Record {
  uint64_t seq = 0;   // per (device, stream, epoch), assigned once by the agent's outbox
  int64_t ts_ms = 0;  // when the agent observed it, Unix milliseconds
  std::string body;   // JSON object text

  friend bool operator==(const Record&, const Record&) = default;
};

// A batch of consecutive records of one stream.
// Contract that makes exactly-once possible in bounded space: the agent promises that no
// record with a seq in [range_lo, range_hi] other than the ones in `records` will ever be
// sent (missing ones were thinned away). So the relay can keep, per (device, stream,
// epoch), a set of covered seq intervals that collapses to one interval in the normal case.
struct Batch {
  std::string device;
  std::string stream;
  uint64_t epoch = 0;     // identifies one outbox database; a reinstalled agent gets a new one
  uint64_t range_lo = 0;  // <= records.front().seq
  uint64_t range_hi = 0;  // >= records.back().seq
  int64_t sent_ms = 0;    // when the agent published it; the relay measures ingest lag from it
  std::vector<Record> records;

  friend bool operator==(const Batch&, const Batch&) = default;
};

struct CodecLimits {
  size_t max_message_bytes = 256 * 1024;       // compressed frame as it travels
  size_t max_decoded_bytes = 4 * 1024 * 1024;  // after decompression
  size_t max_records = 10'000;
  // One record's JSON body: a registration snapshot of a 2,000-phone PBX is ~350 KB.
  size_t max_body_bytes = 1024 * 1024;
};

// Frame: "CCB" magic, one version byte, then one zstd frame holding the JSON envelope
// {"device","stream","epoch","lo","hi","sent_ms","records":[{"seq","ts","body":{...}}]}.
// The version byte is checked before anything is decompressed.
//
// EncodeBatch validates as strictly as DecodeBatch (device id, stream name, record count,
// seqs strictly increasing inside [lo, hi], each body a JSON object within max_body_bytes
// and the nesting limit), so a frame it returns is accepted by DecodeBatch with the same
// limits. Failures: kInvalidArgument "malformed: ..." naming the record, kTooLarge
// "decompressed_too_large: ..." / "too_large: ..." for the JSON text / the frame. Bodies are
// embedded verbatim. Thread-safe (one zstd context per thread).
Result<std::string> EncodeBatch(const Batch& batch, const CodecLimits& limits = {},
                                int zstd_level = 3);

// The check EncodeBatch makes of each body: valid JSON, an object, within the nesting limit
// and (measured re-serialized, as the relay measures it) within max_body_bytes.
// kInvalidArgument "malformed: ..." otherwise.
Status ValidateBody(std::string_view body, const CodecLimits& limits = {});

// EncodeBatch for bodies the caller has already passed through ValidateBody with the same
// limits (the agent's outbox does so on append): the same frame, the same header, seq and
// size checks, but bodies are spliced without being parsed again. A body that would not
// pass ValidateBody yields a frame DecodeBatch rejects. Thread-safe like EncodeBatch.
Result<std::string> EncodeBatchTrusted(const Batch& batch, const CodecLimits& limits = {},
                                       int zstd_level = 3);

// Strict decoding: wrong magic or version, bad zstd, a frame that would decompress beyond
// max_decoded_bytes (checked while streaming, never trusting the frame header), trailing
// bytes, JSON of the wrong shape or types, unknown keys, seqs that are not strictly
// increasing inside [lo, hi], bodies that are not JSON objects: each returns its own
// message. StatusCode: kTooLarge for size limits, kUnsupported for versions,
// kInvalidArgument for the rest. Never throws, never allocates beyond the limits.
// Every failure message starts with its reason word and ": " (see DecodeErrorReason).
// Record::body is the compact re-serialization of the body object: equal as JSON to what
// was encoded, byte-equal when that was compact and held no floating-point numbers (Boost.JSON
// spells 12.5 as 1.25E1). JSON nesting is limited to 32 levels, the envelope's three included.
// Duplicate object keys are not detected (the last one wins).
Result<Batch> DecodeBatch(std::string_view frame, const CodecLimits& limits = {});

// Stable short reason for metrics labels, derived from a DecodeBatch failure:
// "too_large", "bad_magic", "unsupported_version", "bad_compression",
// "decompressed_too_large", "malformed".
std::string_view DecodeErrorReason(const Status& status);

}  // namespace ccc::protocol
