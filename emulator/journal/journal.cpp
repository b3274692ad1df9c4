// The journal's ring (oldest dropped past capacity), its waiting and its JSON.
#include "journal/journal.hpp"

#include <algorithm>
#include <ctime>
#include <string_view>

#include <nlohmann/json.hpp>

namespace iotemu::journal {
namespace {

class Discard final : public Recorder {
public:
    void record(std::string, Fields) override {}
};

bool matches(const Event& event, const Query& query) {
    return event.seq > query.after && std::string_view(event.kind).starts_with(query.kind);
}

std::string rfc3339_ms(Timestamp t) {
    const auto ms = epoch_millis(t);
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    const auto n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
    char fraction[8];
    std::snprintf(fraction, sizeof fraction, ".%03dZ", static_cast<int>(ms % 1000));
    return std::string(text, n) + fraction;
}

}  // namespace

Recorder& discard() {
    static Discard instance;
    return instance;
}

Journal::Journal(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

void Journal::record(std::string kind, Fields fields) {
    std::shared_ptr<const std::function<void()>> listener;
    {
        std::lock_guard lock(mutex_);
        if (events_.size() == capacity_) events_.pop_front();
        events_.push_back({++last_seq_, now(), std::move(kind), std::move(fields)});
        listener = listener_;
    }
    recorded_.notify_all();
    if (listener) (*listener)();
}

void Journal::on_record(std::function<void()> listener) {
    auto shared =
        listener ? std::make_shared<const std::function<void()>>(std::move(listener)) : nullptr;
    std::lock_guard lock(mutex_);
    listener_ = std::move(shared);
}

std::uint64_t Journal::cursor() const {
    std::lock_guard lock(mutex_);
    return last_seq_;
}

Page Journal::read(const Query& query) const {
    std::lock_guard lock(mutex_);
    return read_locked(query);
}

Page Journal::wait(const Query& query, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    recorded_.wait_for(lock, timeout, [&] { return closed_ || has_match_locked(query); });
    return read_locked(query);
}

void Journal::close() {
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
    }
    recorded_.notify_all();
}

bool Journal::has_match_locked(const Query& query) const {
    // Newest first: a waiter mostly looks at the last few events.
    for (auto it = events_.rbegin(); it != events_.rend() && it->seq > query.after; ++it)
        if (matches(*it, query)) return true;
    return false;
}

Page Journal::read_locked(const Query& query) const {
    Page page;
    // Events are in seq order: skip straight to the first one after `after`.
    auto it = std::upper_bound(events_.begin(), events_.end(), query.after,
                               [](std::uint64_t after, const Event& e) { return after < e.seq; });
    for (; it != events_.end() && page.events.size() < query.limit; ++it)
        if (matches(*it, query)) page.events.push_back(*it);
    // With the limit reached, the next read must start after the last event returned; otherwise
    // everything up to the journal's position has been looked at.
    const bool truncated = page.events.size() == query.limit && it != events_.end();
    page.cursor = truncated ? page.events.back().seq : std::max(query.after, last_seq_);
    return page;
}

namespace {

nlohmann::json event_object(const Event& event) {
    nlohmann::json item{{"seq", event.seq}, {"time", rfc3339_ms(event.time)}, {"kind", event.kind}};
    for (const auto& [name, value] : event.fields)
        std::visit([&, &name = name](const auto& v) { item[name] = v; }, value);
    return item;
}

}  // namespace

std::string to_json(const Page& page) {
    auto events = nlohmann::json::array();
    for (const auto& event : page.events) events.push_back(event_object(event));
    return nlohmann::json{{"events", std::move(events)}, {"cursor", page.cursor}}.dump();
}

std::string to_json(const Event& event) { return event_object(event).dump(); }

}  // namespace iotemu::journal
