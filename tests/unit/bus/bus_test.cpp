// Bus: who receives a published message and at which QoS, AWS's retained-message rules
// (docs/aws/iot-core.md §6.2), shared subscriptions, MQTT 5's No Local and Retain As Published,
// message expiry, forgetting expired subscribers, and delivery outside the lock.
#include "bus/bus.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

using namespace iotemu;
using bus::Bus;
using bus::Message;

namespace {
constexpr auto qos0 = mqtt::QoS::at_most_once;
constexpr auto qos1 = mqtt::QoS::at_least_once;

Message message(std::string topic, std::string payload = "x", mqtt::QoS qos = qos1,
                bool retain = false) {
    return Message{std::move(topic), std::move(payload), qos, retain,
                   std::nullopt,     std::nullopt,       0};
}
Message retained_message(std::string topic, std::string payload, mqtt::QoS qos = qos1) {
    return message(std::move(topic), std::move(payload), qos, true);
}

struct Received {
    std::string topic;
    std::string payload;
    mqtt::QoS qos;
    bool retain = false;  // the flag for the wire
    bool operator==(const Received&) const = default;
};

// Records every delivery; safe to deliver to from several threads.
class Recorder : public bus::Subscriber {
public:
    void deliver(const Message& message, mqtt::QoS qos, bool retain) override {
        const std::lock_guard lock(mutex_);
        received_.push_back({message.topic, message.payload, qos, retain});
        if (on_deliver) on_deliver(message);
    }
    std::vector<Received> received() const {
        const std::lock_guard lock(mutex_);
        return received_;
    }
    std::vector<std::string> payloads() const {
        std::vector<std::string> out;
        for (const auto& r : received()) out.push_back(r.payload);
        return out;
    }
    std::size_t count() const { return received().size(); }

    std::function<void(const Message&)> on_deliver;  // called under the recorder's own lock

private:
    mutable std::recursive_mutex mutex_;
    std::vector<Received> received_;
};

struct Attached {
    std::shared_ptr<Recorder> recorder = std::make_shared<Recorder>();
    bus::SubscriberId id;
    explicit Attached(Bus& bus) : id(bus.attach(recorder)) {}
};
}  // namespace

namespace Catch {
template <>
struct StringMaker<Received> {
    static std::string convert(const Received& r) {
        return "{" + r.topic + ", " + r.payload + ", qos" +
               std::to_string(static_cast<int>(r.qos)) + (r.retain ? ", retain}" : "}");
    }
};
}  // namespace Catch

TEST_CASE(
    "A message reaches each matching subscriber once, at its best QoS capped by the message's") {
    Bus bus;
    Attached a(bus), b(bus), c(bus), other(bus);
    bus.subscribe(a.id, "home/+/temp", qos0);
    bus.subscribe(a.id, "home/#", qos1);  // two matching filters: one delivery, at QoS 1
    bus.subscribe(b.id, "home/kitchen/temp", qos0);
    bus.subscribe(c.id, "#", qos1);
    bus.subscribe(other.id, "home/kitchen/humidity", qos1);

    bus.publish(message("home/kitchen/temp", "21", qos1));
    bus.publish(message("home/kitchen/temp", "22", qos0));

    CHECK(a.recorder->received() == std::vector<Received>{{"home/kitchen/temp", "21", qos1},
                                                          {"home/kitchen/temp", "22", qos0}});
    CHECK(b.recorder->received() == std::vector<Received>{{"home/kitchen/temp", "21", qos0},
                                                          {"home/kitchen/temp", "22", qos0}});
    CHECK(c.recorder->received() == std::vector<Received>{{"home/kitchen/temp", "21", qos1},
                                                          {"home/kitchen/temp", "22", qos0}});
    CHECK(other.recorder->received().empty());
}

TEST_CASE("A $aws/events topic reaches $aws/events/# but not # or +/events/#") {
    Bus bus;
    Attached events(bus), everything(bus), plus(bus);
    bus.subscribe(events.id, "$aws/events/#", qos1);
    bus.subscribe(everything.id, "#", qos1);
    bus.subscribe(plus.id, "+/events/#", qos1);

    bus.publish(message("$aws/events/presence/connected/dev1"));

    CHECK(events.recorder->count() == 1);
    CHECK(everything.recorder->count() == 0);
    CHECK(plus.recorder->count() == 0);
}

TEST_CASE("sensor/# receives sensor/ and sensor/a/b but not the parent sensor (AWS)") {
    Bus bus;
    Attached s(bus);
    bus.subscribe(s.id, "sensor/#", qos1);

    bus.publish(message("sensor", "parent"));
    bus.publish(message("sensor/", "empty level"));
    bus.publish(message("sensor/a/b", "child"));

    CHECK(s.recorder->payloads() == std::vector<std::string>{"empty level", "child"});
}

TEST_CASE(
    "A retained message is stored, replaced, and deleted by an empty payload that is still "
    "delivered") {
    Bus bus;
    Attached live(bus);
    bus.subscribe(live.id, "lamp/state", qos1);

    bus.publish(retained_message("lamp/state", "on"));
    REQUIRE(bus.retained("lamp/state"));
    CHECK(bus.retained("lamp/state")->payload == "on");
    CHECK(bus.retained("lamp/state")->retain);
    CHECK(bus.retained_count() == 1);

    bus.publish(retained_message("lamp/state", "off"));
    CHECK(bus.retained("lamp/state")->payload == "off");
    CHECK(bus.retained_count() == 1);  // one per topic

    bus.publish(message("lamp/state", "transient"));  // not retained: the store keeps "off"
    CHECK(bus.retained("lamp/state")->payload == "off");

    bus.publish(retained_message("lamp/state", ""));
    CHECK_FALSE(bus.retained("lamp/state"));
    CHECK(bus.retained_count() == 0);
    CHECK(live.recorder->payloads() == std::vector<std::string>{"on", "off", "transient", ""});

    bus.publish(retained_message("lamp/other", ""));  // deleting nothing is harmless
    CHECK(bus.retained_count() == 0);
}

TEST_CASE("Only a filter equal to the topic receives its retained message on subscribe") {
    Bus bus;
    Attached s(bus);
    bus.publish(retained_message("lamp/1/state", "on", qos1));
    bus.publish(retained_message("lamp/2/state", "off", qos0));

    CHECK(bus.subscribe(s.id, "lamp/+/state", qos1).retained.empty());  // AWS: no wildcard delivery
    CHECK(bus.subscribe(s.id, "lamp/#", qos1).retained.empty());
    CHECK(bus.subscribe(s.id, "$share/g/lamp/1/state", qos1).retained.empty());
    CHECK(bus.subscribe(s.id, "lamp/3/state", qos1).retained.empty());

    auto exact = bus.subscribe(s.id, "lamp/1/state", qos0).retained;
    REQUIRE(exact.size() == 1);
    CHECK(exact[0].topic == "lamp/1/state");
    CHECK(exact[0].payload == "on");
    CHECK(exact[0].retain);
    CHECK(exact[0].qos == qos0);  // capped by the subscription

    // A repeated subscribe replaces the QoS and gets the retained message again [MQTT-3.8.4-3].
    auto again = bus.subscribe(s.id, "lamp/1/state", qos1).retained;
    REQUIRE(again.size() == 1);
    CHECK(again[0].qos == qos1);

    auto stored_qos0 = bus.subscribe(s.id, "lamp/2/state", qos1).retained;
    REQUIRE(stored_qos0.size() == 1);
    CHECK(stored_qos0[0].qos == qos0);  // capped by the message
    CHECK(s.recorder->count() == 0);    // returned, never delivered
}

TEST_CASE("The retained store pages in topic order, after the last topic of the previous page") {
    Bus bus;
    for (const auto* topic : {"b/2", "a", "b/1", "c", "b"})
        bus.publish(retained_message(topic, std::string("payload of ") + topic, qos0));
    bus.publish(retained_message("b/1", "", qos0));  // deleted: not listed

    const auto first = bus.retained_page("", 2);
    REQUIRE(first.messages.size() == 2);
    CHECK(first.messages[0].topic == "a");
    CHECK(first.messages[0].payload_size == std::string("payload of a").size());
    CHECK(first.messages[0].qos == qos0);
    CHECK(first.messages[1].topic == "b");
    CHECK(first.more);

    const auto second = bus.retained_page("b", 2);
    REQUIRE(second.messages.size() == 2);
    CHECK(second.messages[0].topic == "b/2");
    CHECK(second.messages[1].topic == "c");
    CHECK_FALSE(second.more);  // exactly the last two: no empty third page

    CHECK(bus.retained_page("c", 2).messages.empty());
    CHECK(bus.retained_page("a/zzz", 10).messages.size() == 3);  // resumes after a vanished topic
}

TEST_CASE("A retained message whose expiry interval has passed is neither returned nor listed") {
    Bus bus;
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    auto stale = retained_message("old", "x");
    stale.timestamp_ms = now_ms - 61'000;
    stale.properties.message_expiry_interval = 60;
    auto fresh = retained_message("new", "y");
    fresh.timestamp_ms = now_ms;
    fresh.properties.message_expiry_interval = 60;
    bus.publish(stale);
    bus.publish(fresh);

    CHECK_FALSE(bus.retained("old"));
    REQUIRE(bus.retained("new"));
    const auto page = bus.retained_page("", 10);
    REQUIRE(page.messages.size() == 1);
    CHECK(page.messages[0].topic == "new");

    Attached s(bus);
    CHECK(bus.subscribe(s.id, "old", qos1).retained.empty());
    CHECK(bus.subscribe(s.id, "new", qos1).retained.size() == 1);
}

TEST_CASE("A repeated subscribe replaces the subscription's QoS") {
    Bus bus;
    Attached s(bus);
    bus.subscribe(s.id, "a/b", qos1);
    bus.subscribe(s.id, "a/b", qos0);
    bus.publish(message("a/b", "x", qos1));
    CHECK(s.recorder->received() == std::vector<Received>{{"a/b", "x", qos0}});
}

TEST_CASE("subscribe says whether the very same subscription existed") {
    Bus bus;
    Attached s(bus);
    CHECK_FALSE(bus.subscribe(s.id, "a/b", qos1).existed);
    CHECK(bus.subscribe(s.id, "a/b", qos0).existed);  // options replaced, still the same
    CHECK_FALSE(bus.subscribe(s.id, "a/+", qos1).existed);
    CHECK_FALSE(bus.subscribe(s.id, "$share/g/a/b", qos1).existed);
    CHECK(bus.subscribe(s.id, "$share/g/a/b", qos1).existed);
    bus.unsubscribe(s.id, "a/b");
    CHECK_FALSE(bus.subscribe(s.id, "a/b", qos1).existed);
}

TEST_CASE("A No Local subscription skips its own subscriber's messages, and only those") {
    Bus bus;
    Attached self(bus);
    Attached other(bus);
    bus.subscribe(self.id, "chat/room", {qos1, true});  // MQTT 5 No Local
    bus.subscribe(other.id, "chat/room", {qos1, true});
    auto own = message("chat/room", "mine");
    own.publisher = self.id;
    bus.publish(own);
    CHECK(self.recorder->count() == 0);
    CHECK(other.recorder->payloads() == std::vector<std::string>{"mine"});

    bus.subscribe(self.id, "chat/#", qos0);  // a second filter without No Local still matches
    bus.publish(own);
    CHECK(self.recorder->received() == std::vector<Received>{{"chat/room", "mine", qos0}});
}

TEST_CASE("A live delivery clears RETAIN unless a matching subscription keeps it as published") {
    Bus bus;
    Attached plain(bus);
    Attached keeps(bus);
    Attached both(bus);
    bus.subscribe(plain.id, "lamp/state", qos1);
    bus.subscribe(keeps.id, "lamp/state", {qos1, false, true});  // Retain As Published
    bus.subscribe(both.id, "lamp/state", qos1);
    bus.subscribe(both.id, "lamp/#", {qos0, false, true});
    bus.publish(retained_message("lamp/state", "on"));
    bus.publish(message("lamp/state", "live"));
    CHECK(plain.recorder->received() == std::vector<Received>{{"lamp/state", "on", qos1, false},
                                                              {"lamp/state", "live", qos1, false}});
    CHECK(keeps.recorder->received() == std::vector<Received>{{"lamp/state", "on", qos1, true},
                                                              {"lamp/state", "live", qos1, false}});
    CHECK(both.recorder->received() == std::vector<Received>{{"lamp/state", "on", qos1, true},
                                                             {"lamp/state", "live", qos1, false}});
}

TEST_CASE("Message expiry counts from the message's timestamp in whole seconds left") {
    auto m = message("a/b");
    m.timestamp_ms = 10'000;
    CHECK_FALSE(m.expired_at(1'000'000));  // no expiry: never
    CHECK_FALSE(m.expiry_left_at(10'000));
    m.properties.message_expiry_interval = 5;
    const auto [now_ms, expired, left] = GENERATE(table<std::int64_t, bool, std::uint32_t>({
        {10'000, false, 5},
        {10'999, false, 4},
        {14'000, false, 1},
        {14'001, false, 0},  // under a second is forwarded as 0 (docs/aws/data-plane.md §1.3)
        {14'999, false, 0},
        {15'000, true, 0},
        {9'000, false, 5},  // a clock that went back counts no time
    }));
    INFO("at " << now_ms << " ms");
    CHECK(m.expired_at(now_ms) == expired);
    CHECK(m.expiry_left_at(now_ms) == left);
}

TEST_CASE("An expired subscriber is skipped and forgotten") {
    Bus bus;
    Attached kept(bus);
    auto gone = std::make_unique<Attached>(bus);
    const std::weak_ptr<Recorder> watch = gone->recorder;
    bus.subscribe(kept.id, "t", qos1);
    bus.subscribe(gone->id, "t", qos1);
    bus.subscribe(gone->id, "$share/g/t", qos1);
    bus.subscribe(kept.id, "$share/g/t", qos1);
    CHECK(bus.subscriber_count() == 2);

    gone.reset();
    REQUIRE(watch.expired());
    for (int i = 0; i < 3; ++i) bus.publish(message("t"));

    CHECK(bus.subscriber_count() == 1);
    CHECK(kept.recorder->count() == 3);  // its own copy, and the group's, merged into one each
}

TEST_CASE("Expired subscribers that never see a publish are swept by later attaches") {
    Bus bus;
    for (int i = 0; i < 200; ++i) {
        Attached transient(bus);
        bus.subscribe(transient.id, "quiet/topic", qos1);
    }
    CHECK(bus.subscriber_count() < 200);
}

TEST_CASE("A shared subscription gives each message to one member, in turn") {
    Bus bus;
    Attached a(bus), b(bus), c(bus), outsider(bus);
    for (const auto* member : {&a, &b, &c})
        CHECK(bus.subscribe(member->id, "$share/workers/jobs/+", qos1).retained.empty());
    bus.subscribe(outsider.id, "$share/others/jobs/+", qos1);  // another group: its own copy

    for (int i = 1; i <= 6; ++i) bus.publish(message("jobs/run", std::to_string(i)));

    CHECK(a.recorder->payloads() == std::vector<std::string>{"1", "4"});
    CHECK(b.recorder->payloads() == std::vector<std::string>{"2", "5"});
    CHECK(c.recorder->payloads() == std::vector<std::string>{"3", "6"});
    CHECK(outsider.recorder->count() == 6);

    SECTION("a member that leaves no longer gets a turn") {
        bus.unsubscribe(b.id, "$share/workers/jobs/+");
        for (int i = 7; i <= 10; ++i) bus.publish(message("jobs/run", std::to_string(i)));
        CHECK(a.recorder->payloads() == std::vector<std::string>{"1", "4", "7", "9"});
        CHECK(b.recorder->payloads() == std::vector<std::string>{"2", "5"});
        CHECK(c.recorder->payloads() == std::vector<std::string>{"3", "6", "8", "10"});
    }
    SECTION("a detached member no longer gets a turn") {
        bus.detach(a.id);
        for (int i = 7; i <= 10; ++i) bus.publish(message("jobs/run", std::to_string(i)));
        CHECK(a.recorder->payloads() == std::vector<std::string>{"1", "4"});
        CHECK(b.recorder->count() + c.recorder->count() == 8);
    }
    SECTION("when the last member leaves, the group receives nothing") {
        for (const auto* member : {&a, &b, &c})
            bus.unsubscribe(member->id, "$share/workers/jobs/+");
        bus.publish(message("jobs/run", "7"));
        CHECK(a.recorder->count() + b.recorder->count() + c.recorder->count() == 6);
        CHECK(outsider.recorder->count() == 7);
    }
}

TEST_CASE("A shared member with its own matching subscription gets one copy at the higher QoS") {
    Bus bus;
    Attached a(bus), b(bus);
    bus.subscribe(a.id, "$share/g/t", qos1);
    bus.subscribe(b.id, "$share/g/t", qos1);
    bus.subscribe(a.id, "t", qos0);

    bus.publish(message("t", "1", qos1));  // the group picks a: merged with its own copy
    bus.publish(message("t", "2", qos1));  // the group picks b: a still gets its own copy

    CHECK(a.recorder->received() == std::vector<Received>{{"t", "1", qos1}, {"t", "2", qos0}});
    CHECK(b.recorder->received() == std::vector<Received>{{"t", "2", qos1}});
}

TEST_CASE("unsubscribe removes one subscription and detach removes them all") {
    Bus bus;
    Attached s(bus);
    bus.subscribe(s.id, "a", qos1);
    bus.subscribe(s.id, "b", qos1);
    bus.subscribe(s.id, "$share/g/c", qos1);

    bus.unsubscribe(s.id, "a");
    bus.unsubscribe(s.id, "never/subscribed");
    bus.unsubscribe(s.id, "$share/nope/c");
    for (const auto* topic : {"a", "b", "c"}) bus.publish(message(topic, topic));
    CHECK(s.recorder->payloads() == std::vector<std::string>{"b", "c"});

    bus.detach(s.id);
    CHECK(bus.subscriber_count() == 0);
    for (const auto* topic : {"a", "b", "c"}) bus.publish(message(topic, topic));
    CHECK(s.recorder->count() == 2);

    CHECK(bus.subscribe(s.id, "b", qos1).retained.empty());  // a detached id is ignored
    bus.publish(message("b"));
    CHECK(s.recorder->count() == 2);
}

TEST_CASE("An invalid filter is refused loudly") {
    Bus bus;
    Attached s(bus);
    CHECK_THROWS_AS(bus.subscribe(s.id, "a/#/b", qos1), std::invalid_argument);
    CHECK_THROWS_AS(bus.subscribe(s.id, "$share//a", qos1), std::invalid_argument);
    CHECK_THROWS_AS(bus.subscribe(s.id, "", qos1), std::invalid_argument);
}

// Runs `work` on another thread; if it has not finished after `seconds` it has deadlocked, and the
// process ends failing (a hung thread cannot be unwound, so the test cannot just return).
void finish_within(int seconds, const std::function<void()>& work) {
    std::promise<void> done;
    auto finished = done.get_future();
    std::thread worker([&] {
        work();
        done.set_value();
    });
    if (finished.wait_for(std::chrono::seconds(seconds)) == std::future_status::timeout) {
        std::fprintf(stderr, "deadlock: the bus did not return within %d s\n", seconds);
        std::_Exit(EXIT_FAILURE);
    }
    worker.join();
}

TEST_CASE("A subscriber may publish, subscribe and detach from inside deliver") {
    Bus bus;
    Attached relay(bus), sink(bus), late(bus);
    bus.subscribe(relay.id, "in", qos1);
    bus.subscribe(sink.id, "out", qos1);
    relay.recorder->on_deliver = [&](const Message& m) {
        bus.publish(message("out", "relayed " + m.payload));
        bus.subscribe(late.id, "out", qos1);
        bus.detach(relay.id);
    };

    finish_within(10, [&] { bus.publish(message("in", "1")); });
    finish_within(10, [&] { bus.publish(message("in", "2")); });  // relay has detached

    CHECK(relay.recorder->payloads() == std::vector<std::string>{"1"});
    CHECK(sink.recorder->payloads() == std::vector<std::string>{"relayed 1"});
    // `late` subscribed after the relayed publish matched, inside the same deliver.
    CHECK(late.recorder->count() == 0);
}

TEST_CASE("Concurrent publishers and a subscriber churning subscriptions keep counts consistent") {
    constexpr int publishers = 4;
    constexpr int per_publisher = 2500;  // 10k messages in all
    constexpr int total = publishers * per_publisher;
    Bus bus;
    Attached steady(bus), worker1(bus), worker2(bus);
    bus.subscribe(steady.id, "load/+", qos1);
    bus.subscribe(worker1.id, "$share/pool/load/#", qos1);
    bus.subscribe(worker2.id, "$share/pool/load/#", qos1);

    // Checks, per publisher, that the steady subscriber sees its messages in order.
    std::vector<int> last_seen(publishers, -1);
    std::atomic<bool> out_of_order{false};
    steady.recorder->on_deliver = [&](const Message& m) {
        const int publisher = m.topic.back() - '0';
        const int sequence = std::stoi(m.payload);
        if (sequence <= last_seen[publisher]) out_of_order = true;
        last_seen[publisher] = sequence;
    };

    // Members that join the pool, leave it, and detach or simply expire, while messages flow.
    std::atomic<bool> publishing{true};
    std::atomic<int> churns{0};
    std::atomic<int> taken_by_flapping{0};
    std::thread churner([&] {
        while (publishing) {
            Attached flapping(bus);
            flapping.recorder->on_deliver = [&](const Message&) { ++taken_by_flapping; };
            bus.subscribe(flapping.id, "elsewhere/#", qos1);
            bus.subscribe(flapping.id, "$share/pool/load/#", qos1);
            bus.unsubscribe(flapping.id, "elsewhere/#");
            Attached reader(bus);  // reads the retained store as it changes, then expires
            (void)bus.subscribe(reader.id, "load/0", qos0);
            std::this_thread::yield();
            if (++churns % 2 == 0) bus.unsubscribe(flapping.id, "$share/pool/load/#");
            if (churns % 3 == 0) bus.detach(flapping.id);  // else it just expires
        }
    });
    std::vector<std::thread> threads;
    for (int p = 0; p < publishers; ++p) {
        threads.emplace_back([&bus, p] {
            const std::string topic = "load/" + std::to_string(p);
            for (int i = 0; i < per_publisher; ++i)
                bus.publish(retained_message(topic, std::to_string(i)));
        });
    }
    for (auto& thread : threads) thread.join();
    publishing = false;
    churner.join();

    CHECK(churns > 0);
    CHECK(steady.recorder->count() == total);
    CHECK_FALSE(out_of_order);
    // Each message went to exactly one member of the pool, steady or flapping.
    const auto steady_members = worker1.recorder->count() + worker2.recorder->count();
    CHECK(steady_members + taken_by_flapping == total);
    CHECK(steady_members > 0);
    CHECK(bus.retained_count() == publishers);
    for (int p = 0; p < publishers; ++p)
        CHECK(bus.retained("load/" + std::to_string(p))->payload ==
              std::to_string(per_publisher - 1));
    CHECK(bus.subscriber_count() >= 3);
}

TEST_CASE("A reply reaches only the subscriber it is for, and only through its own subscription") {
    Bus bus;
    Attached asker(bus), neighbour(bus), unsubscribed(bus);
    const std::string reply_topic = "$aws/certificates/create/json/accepted";
    bus.subscribe(asker.id, "$aws/certificates/create/json/+", qos0);
    bus.subscribe(neighbour.id, reply_topic, qos1);

    CHECK(bus.deliver_to(asker.id, message(reply_topic, "mine", qos1)));
    CHECK_FALSE(bus.deliver_to(unsubscribed.id, message(reply_topic, "lost", qos1)));
    CHECK_FALSE(bus.deliver_to(12345, message(reply_topic, "nobody", qos1)));

    CHECK(asker.recorder->received() == std::vector<Received>{{reply_topic, "mine", qos0}});
    CHECK(neighbour.recorder->received().empty());
    CHECK(unsubscribed.recorder->received().empty());
}
