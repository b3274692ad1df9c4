// The live view's viewers, its bus tap and the SSE text they write. Locks: Live's mutex, then a
// Viewer's; the journal's and the bus's are taken inside them, never around them (the journal
// and the bus call in without holding their own).
#include "console/live.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "mqtt/topic.hpp"

namespace iotemu::console {
namespace {

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string sse(std::string_view event, const std::string& data) {
    return "event: " + std::string(event) + "\ndata: " + data + "\n\n";
}

}  // namespace

// Attached to the bus with `#` and `$aws/#` (a filter starting with a wildcard never matches a
// `$` topic) only while a viewer exists.
class Live::Tap final : public bus::Subscriber {
public:
    explicit Tap(Live& live) : live_(live) {}
    void deliver(const bus::Message& message, mqtt::QoS, bool) override { live_.deliver(message); }

private:
    Live& live_;
};

Viewer::Viewer(Live& live, LiveFilter filter)
    : live_(live), filter_(std::move(filter)), journal_cursor_(filter_.after) {}

Viewer::~Viewer() { live_.forget(this); }

void Viewer::on_ready(std::function<void()> ready) {
    std::lock_guard lock(mutex_);
    ready_ = std::move(ready);
}

std::optional<std::string> Viewer::take() {
    std::lock_guard lock(mutex_);
    if (ended_) return std::nullopt;
    signalled_ = false;
    std::string out;
    const auto page = live_.journal_.read(
        {.after = journal_cursor_, .kind = "", .limit = live_.limits_.events_per_take});
    for (const auto& event : page.events)
        out += "id: " + std::to_string(event.seq) + "\n" + sse("journal", journal::to_json(event));
    journal_cursor_ = page.cursor;
    // A long history goes out in slices, so one write never holds the whole journal.
    if (page.events.size() == live_.limits_.events_per_take) signal_locked();
    if (dropped_ > 0) {
        out += sse("dropped", nlohmann::json{{"messages", dropped_}}.dump());
        dropped_ = 0;
    }
    for (auto& message : messages_) out += message;
    messages_.clear();
    return out;
}

bool Viewer::wants(const bus::Message& message) const {
    if (!filter_.client_id.empty() && message.client_id != filter_.client_id) return false;
    return filter_.topic_filter.empty() || mqtt::topic_matches(filter_.topic_filter, message.topic);
}

void Viewer::offer(const std::string& rendered) {
    std::lock_guard lock(mutex_);
    if (ended_) return;
    if (messages_.size() == live_.limits_.queued_messages) {
        messages_.pop_front();
        ++dropped_;
    }
    messages_.push_back(rendered);
    signal_locked();
}

void Viewer::nudge() {
    std::lock_guard lock(mutex_);
    signal_locked();
}

void Viewer::end() {
    std::lock_guard lock(mutex_);
    ended_ = true;
    messages_.clear();
    signalled_ = false;
    signal_locked();
}

void Viewer::signal_locked() {
    if (signalled_ || !ready_) return;
    signalled_ = true;
    ready_();
}

Live::Live(bus::Bus& bus, journal::Journal& journal, LiveLimits limits)
    : bus_(bus), journal_(journal), limits_(limits), tap_(std::make_shared<Tap>(*this)) {
    journal_.on_record([this] { journal_recorded(); });
}

Live::~Live() { close(); }

std::shared_ptr<Viewer> Live::watch(LiveFilter filter) {
    if (!filter.topic_filter.empty() && !mqtt::is_valid_topic_filter(filter.topic_filter))
        throw std::invalid_argument("'" + filter.topic_filter + "' is not a valid topic filter");
    std::lock_guard lock(mutex_);
    if (closed_ || viewers_.size() >= limits_.viewers) return nullptr;
    auto viewer = std::make_shared<Viewer>(*this, std::move(filter));
    viewers_.push_back(viewer.get());
    watching_ = viewers_.size();
    if (tap_id_ == 0) {
        tap_id_ = bus_.attach(tap_);
        const mqtt::SubscriptionOptions options{};
        bus_.subscribe(tap_id_, "#", options);
        bus_.subscribe(tap_id_, "$aws/#", options);
    }
    return viewer;
}

void Live::end_all() {
    std::lock_guard lock(mutex_);
    for (auto* viewer : viewers_) viewer->end();
}

void Live::close() {
    journal_.on_record(nullptr);
    std::lock_guard lock(mutex_);
    closed_ = true;
    for (auto* viewer : viewers_) viewer->end();
    if (tap_id_ != 0) bus_.detach(tap_id_);
    tap_id_ = 0;
}

std::size_t Live::viewers() const { return watching_; }

bool Live::tapped() const {
    std::lock_guard lock(mutex_);
    return tap_id_ != 0;
}

void Live::deliver(const bus::Message& message) {
    if (watching_ == 0) return;
    std::lock_guard lock(mutex_);
    std::optional<std::string> rendered;  // once, for every viewer that wants it
    for (auto* viewer : viewers_) {
        if (!viewer->wants(message)) continue;
        if (!rendered) rendered = render(message);
        viewer->offer(*rendered);
    }
}

void Live::journal_recorded() {
    if (watching_ == 0) return;
    std::lock_guard lock(mutex_);
    for (auto* viewer : viewers_) viewer->nudge();
}

void Live::forget(const Viewer* viewer) {
    std::lock_guard lock(mutex_);
    viewers_.erase(std::remove(viewers_.begin(), viewers_.end(), viewer), viewers_.end());
    watching_ = viewers_.size();
    if (viewers_.empty() && tap_id_ != 0) {
        bus_.detach(tap_id_);
        tap_id_ = 0;
    }
}

std::string Live::render(const bus::Message& message) const {
    const bool cut = message.payload.size() > limits_.payload_bytes;
    nlohmann::json item{
        {"topic", message.topic},
        {"payload", cut ? message.payload.substr(0, limits_.payload_bytes) : message.payload},
        {"bytes", message.payload.size()},
        {"qos", static_cast<int>(message.qos)},
        {"retain", message.retain},
        {"time", message.timestamp_ms != 0 ? message.timestamp_ms : now_ms()}};
    if (cut) item["truncated"] = true;
    if (message.client_id) item["clientId"] = *message.client_id;
    if (message.principal) item["principal"] = *message.principal;
    // A binary payload is shown with U+FFFD where its bytes are not UTF-8.
    return sse("message", item.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace iotemu::console
