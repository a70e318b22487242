#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

// Internal to relay/mqtt: not for other modules.
namespace ccc::relay::mqtt {

// Releases PUBACKs in the order the QoS 1 PUBLISHes were received, whatever order the
// application acknowledges them in. MQTT 5.0 section 4.6 (Message ordering) requires of a
// client: "It MUST send PUBACK packets in the order in which the corresponding PUBLISH
// packets were received (QoS 1 messages)" [MQTT-4.6.0-2]. One application ack that never
// comes therefore holds back every later PUBACK: the application must Ack every message,
// including those it rejects.
//
// Not thread-safe; one instance per connection. Operations are O(1) amortised for acks in
// receive order, O(n) in the number of unacknowledged messages otherwise.
class PubackOrder {
 public:
  // False if `packet_id` has not had its PUBACK yet (the broker reused an id: protocol error).
  bool Received(uint16_t packet_id) {
    for (const auto& entry : pending_) {
      if (entry.packet_id == packet_id) return false;
    }
    pending_.push_back({packet_id, false});
    return true;
  }

  // Marks `packet_id` acknowledged and appends to `release` the ids whose PUBACK may go out
  // now, in receive order. False if no unacknowledged message has that id (double ack).
  bool Ack(uint16_t packet_id, std::vector<uint16_t>& release) {
    bool found = false;
    for (auto& entry : pending_) {
      if (entry.packet_id == packet_id && !entry.acked) {
        entry.acked = true;
        found = true;
        break;
      }
    }
    while (!pending_.empty() && pending_.front().acked) {
      release.push_back(pending_.front().packet_id);
      pending_.pop_front();
    }
    return found;
  }

  // Messages received and not yet released (acked or not).
  size_t size() const { return pending_.size(); }
  void Clear() { pending_.clear(); }

 private:
  struct Entry {
    uint16_t packet_id;
    bool acked;
  };
  std::deque<Entry> pending_;
};

}  // namespace ccc::relay::mqtt
