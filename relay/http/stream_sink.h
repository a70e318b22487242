#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace ccc::relay::http {

// The sending end of a streaming response (server-sent events, CSV exports). The HTTP
// server implements it; a handler hands it to whoever produces the stream (e.g. events::EventHub),
// which may keep it for as long as it likes, also beyond the server's life.
//
// Thread-safe: any thread may call every method at any time. Nothing blocks: Send only
// queues, the server writes the queue in order on the connection's own strand.
class StreamSink {
 public:
  virtual ~StreamSink() = default;

  // Queues `chunk` after the chunks queued before it. Returns false (and drops the chunk)
  // once the stream is closed: the peer went away, a write stalled beyond the server's
  // stream_write_timeout, the queue would exceed stream_queue_limit (the stream is closed
  // then), Close() or Abort() was called, or the server stopped. An empty chunk sends
  // nothing.
  virtual bool Send(std::string chunk) = 0;

  // Ends the stream: what is queued is still written, then the end of the body (the last,
  // empty chunk of a chunked body) and the connection is closed. Idempotent.
  virtual void Close() = 0;

  // Ends the stream as failed, for a producer that cannot finish a body whose head promised
  // success (e.g. a database error in the middle of an export): what is queued is still
  // written, then the connection is closed WITHOUT the end of the body, so that the client
  // reports an incomplete transfer instead of taking the truncated body for all of it. On an
  // HTTP/1.1 response the body is chunked and the last chunk is left out; on an HTTP/1.0
  // response (delimited by the close) the connection is reset. No effect once Close() or
  // Abort() was called or the stream closed otherwise. The default (a sink with no
  // connection) closes.
  virtual void Abort() { Close(); }

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
