// The event journal: a bounded, append-only record of what the emulator did and why (a refusal's
// reason, a disconnect's cause, a Lambda's result and log lines), numbered by a sequence that only
// grows, for test suites to read and wait on (docs/harness.md). Modules see only Recorder, injected
// like any other sink. Sans-I/O: no Asio, no sockets; waiting is a condition variable.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/time.hpp"

namespace iotemu::journal {

using Value = std::variant<std::string, std::int64_t, std::vector<std::string>>;
using Fields = std::vector<std::pair<std::string, Value>>;

// What a module records through: a dot-separated kind ("connect.refused") and its fields.
// Thread-safe, never blocks for long, never throws.
class Recorder {
public:
    virtual ~Recorder() = default;
    virtual void record(std::string kind, Fields fields) = 0;
};

// The recorder of a module nobody listens to (unit tests, tools).
Recorder& discard();

struct Event {
    std::uint64_t seq = 0;
    Timestamp time;
    std::string kind;
    Fields fields;
};

struct Query {
    std::uint64_t after = 0;   // only events with a greater seq
    std::string kind{};        // only events whose kind starts with this ("" = all)
    std::size_t limit = 1000;  // at most this many, the oldest first
};

struct Page {
    std::vector<Event> events;
    std::uint64_t cursor = 0;  // the last seq returned, else `after` (or the journal's, if newer)
};

class Journal final : public Recorder {
public:
    static constexpr std::size_t default_capacity = 10'000;
    explicit Journal(std::size_t capacity = default_capacity);

    void record(std::string kind, Fields fields) override;

    // The journal's position: the seq of the last event recorded (0 before any).
    std::uint64_t cursor() const;
    Page read(const Query& query) const;
    // Like read(), but when nothing matches waits until an event that matches is recorded, the
    // timeout passes or close() is called.
    Page wait(const Query& query, std::chrono::milliseconds timeout) const;
    // Wakes every waiter for good (the emulator is stopping).
    void close();
    // What to call after each record, outside the journal's lock, on the recording thread: it
    // must not block (the console's live view wakes its readers with it). Replaces the last one.
    void on_record(std::function<void()> listener);

private:
    Page read_locked(const Query& query) const;
    bool has_match_locked(const Query& query) const;

    const std::size_t capacity_;
    mutable std::mutex mutex_;
    mutable std::condition_variable recorded_;
    std::deque<Event> events_;
    std::uint64_t last_seq_ = 0;
    bool closed_ = false;
    std::shared_ptr<const std::function<void()>> listener_;
};

// {"events":[<event>…],"cursor":N}
std::string to_json(const Page& page);
// {"seq":N,"time":"<RFC 3339, ms>","kind":"…",<fields>}
std::string to_json(const Event& event);

}  // namespace iotemu::journal
