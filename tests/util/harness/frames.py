"""Builds uplink frames in python (common/protocol/batch.h): b"CCB", one version byte, one
zstd frame holding the JSON envelope. Used to send valid and deliberately broken messages
as if from a device; python3-zstandard does the compression."""
import json
import time

import zstandard

MAGIC = b"CCB"
VERSION = 1


def envelope(device: str, stream: str, epoch: int, records: list[dict], lo: int | None = None,
             hi: int | None = None, sent_ms: int | None = None) -> dict:
    """records: [{"seq": 1, "ts": ms, "body": {...}}, ...]. The epoch travels as a decimal
    string (it is a full unsigned 64-bit value)."""
    seqs = [r["seq"] for r in records]
    return {"device": device, "stream": stream, "epoch": str(epoch),
            "lo": lo if lo is not None else min(seqs), "hi": hi if hi is not None else max(seqs),
            "sent_ms": sent_ms if sent_ms is not None else int(time.time() * 1000),
            "records": records}


def telemetry_records(first_seq: int, count: int, ts_ms: int | None = None) -> list[dict]:
    ts = ts_ms if ts_ms is not None else int(time.time() * 1000)
    return [{"seq": first_seq + i, "ts": ts + i,
             "body": {"cpu_pct": 1.5, "mem_used_bytes": 1000, "mem_total_bytes": 4000}}
            for i in range(count)]


def frame_from_bytes(json_bytes: bytes, version: int = VERSION, magic: bytes = MAGIC) -> bytes:
    return magic + bytes([version]) + zstandard.ZstdCompressor(level=3).compress(json_bytes)


def frame(env: dict, version: int = VERSION) -> bytes:
    return frame_from_bytes(json.dumps(env).encode(), version=version)


def decode(data: bytes) -> dict:
    assert data[:3] == MAGIC and data[3] == VERSION, data[:4]
    return json.loads(zstandard.ZstdDecompressor().decompress(data[4:], max_output_size=64 << 20))


def zero_bomb(decompressed_bytes: int = 1 << 30) -> bytes:
    """A valid zstd frame that inflates to `decompressed_bytes` zeros while staying tiny
    (~32 KiB for 1 GiB: runs of zeros become RLE blocks). Streamed, without announcing the
    content size, so a decoder must enforce its limit while decompressing."""
    compressor = zstandard.ZstdCompressor(level=1, write_content_size=False)
    chunk = bytes(1 << 20)
    obj = compressor.compressobj()
    parts = []
    left = decompressed_bytes
    while left > 0:
        n = min(left, len(chunk))
        parts.append(obj.compress(chunk[:n]))
        left -= n
    parts.append(obj.flush())
    return MAGIC + bytes([VERSION]) + b"".join(parts)
