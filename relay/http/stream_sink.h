#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace ccc::relay::http {

// The sending end of a streaming response (server-sent events). The HTTP server implements
// it; a handler hands it to whoever produces the stream (e.g. events::EventHub), which may
// keep it for as long as it likes, also beyond the server's life.
//
// Thread-safe: any thread may call every method at any time. Nothing blocks: Send only
// queues, the server writes the queue in order on the connection's own strand.
class StreamSink {
 public:
  virtual ~StreamSink() = default;

  // Queues `chunk` after the chunks queued before it. Returns false (and drops the chunk)
  // once the stream is closed: the peer went away, a write stalled beyond the server's
  // stream_write_timeout, the queue would exceed stream_queue_limit (the stream is closed
  // then), Close() was called, or the server stopped.
  virtual bool Send(std::string chunk) = 0;

  // Ends the stream: what is queued is still written, then the connection is closed.
  // Idempotent.
  virtual void Close() = 0;

  // True once Send would return false.
  virtual bool closed() const = 0;

  // For producers of a long body (a CSV export) that must not outrun the peer: blocks until
  // at most max_queued_bytes are queued and unwritten, the stream is closed, or `timeout`
  // passes. True when there is room on an open stream; false when closed or timed out.
  // Blocks the calling thread: never call it on a server thread (nor in StreamStart).
  // The default (a sink without a queue) waits for nothing.
  virtual bool WaitForRoom(size_t max_queued_bytes, std::chrono::milliseconds timeout) {
    (void)max_queued_bytes, (void)timeout;
    return !closed();
  }
};

// Starts a streaming response: called once with the response's sink, on a server thread,
// right after the response head is queued (chunks sent from here on follow the head). Must
// not block.
using StreamStart = std::function<void(std::shared_ptr<StreamSink>)>;

}  // namespace ccc::relay::http
