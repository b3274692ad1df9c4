// The console's live view (docs/console.md): journal events and MQTT traffic as server-sent
// events, for a bounded number of viewers. The bus tap is a subscriber attached only while someone
// watches, so the broker's publish path pays nothing for the console when no page is open.
// Sans-I/O: the HTTP server carries a Viewer out as an api::Stream; no Asio here.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/message.hpp"
#include "bus/bus.hpp"
#include "journal/journal.hpp"

namespace iotemu::console {

// What one viewer sees. MQTT traffic: messages whose topic matches `topic_filter` (an MQTT filter;
// empty: every topic, `$aws/…` included) published by `client_id` (empty: anyone, the emulator's
// own messages included). Journal events: every event after `after`.
struct LiveFilter {
    std::string topic_filter;
    std::string client_id;
    std::uint64_t after = 0;
};

struct LiveLimits {
    std::size_t viewers = 4;            // at once; one more is refused
    std::size_t queued_messages = 500;  // per viewer; past it the oldest are dropped, and counted
    std::size_t payload_bytes = 8192;   // of each message shown; the rest is cut off
    std::size_t events_per_take = 500;  // journal events written at once
};

class Live;

// One page's stream: SSE text ("event: journal" with the journal event as data and its seq as
// id, "event: message" with an MQTT message, "event: dropped" with how many messages were lost).
class Viewer final : public api::Stream {
public:
    Viewer(Live& live, LiveFilter filter);
    ~Viewer() override;
    Viewer(const Viewer&) = delete;
    Viewer& operator=(const Viewer&) = delete;

    void on_ready(std::function<void()> ready) override;
    std::optional<std::string> take() override;

private:
    friend class Live;
    bool wants(const bus::Message& message) const;
    void offer(const std::string& rendered);  // an SSE "message" event
    void nudge();                             // something new (a journal event) or the end
    void end();
    // Call with mutex_ held: tells the session once per batch.
    void signal_locked();

    Live& live_;
    const LiveFilter filter_;
    std::mutex mutex_;
    std::function<void()> ready_;
    bool signalled_ = false;  // ready_ called since the last take()
    bool ended_ = false;
    std::uint64_t journal_cursor_;
    std::deque<std::string> messages_;
    std::uint64_t dropped_ = 0;
};

class Live {
public:
    Live(bus::Bus& bus, journal::Journal& journal, LiveLimits limits = {});
    // Calls close(). Every Viewer must be gone first.
    ~Live();
    Live(const Live&) = delete;
    Live& operator=(const Live&) = delete;

    // A new viewer, or nullptr when `limits.viewers` are already watching or the console is
    // closed. Throws std::invalid_argument for an invalid topic filter.
    std::shared_ptr<Viewer> watch(LiveFilter filter);
    // Ends every viewer's stream (the harness's reset: pages reconnect and reload); new viewers
    // are welcome after it.
    void end_all();
    // Ends every viewer's stream for good and detaches from the bus (the emulator is stopping).
    void close();

    std::size_t viewers() const;
    // Whether the bus tap is attached (someone watches).
    bool tapped() const;

private:
    friend class Viewer;
    class Tap;
    void deliver(const bus::Message& message);
    void journal_recorded();
    void forget(const Viewer* viewer);
    std::string render(const bus::Message& message) const;

    bus::Bus& bus_;
    journal::Journal& journal_;
    const LiveLimits limits_;
    std::shared_ptr<Tap> tap_;
    mutable std::mutex mutex_;
    std::vector<Viewer*> viewers_;
    std::atomic<std::size_t> watching_{0};  // viewers_.size(), read without the lock
    bus::SubscriberId tap_id_ = 0;          // 0: not attached
    bool closed_ = false;
};

}  // namespace iotemu::console
