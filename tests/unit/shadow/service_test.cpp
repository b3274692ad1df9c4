// The shadow service on the bus (docs/aws/data-plane.md §4.2, §4.8): a request published on a
// shadow topic is answered on the bus for every subscriber; replies never loop back as
// requests; a REST request publishes AWS's side effects when accepted, and nothing otherwise.
#include "shadow/service.hpp"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace iotemu;
using namespace iotemu::shadow;
using nlohmann::json;

namespace {

// Every message under the lamp's shadows, in order: "<topic> <payload>".
class Recorder final : public bus::Subscriber {
public:
    void deliver(const bus::Message& message, mqtt::QoS, bool) override {
        std::lock_guard lock{mutex_};
        lines_.push_back(message.topic + " " + message.payload);
    }
    // The topics received, in order, but for `except` (a request: its subscribers may get it
    // before or after the replies, as the bus delivers in turn and the service answers at once).
    std::vector<std::string> topics(const std::string& except = "") {
        std::lock_guard lock{mutex_};
        std::vector<std::string> topics;
        for (const auto& line : lines_) {
            auto topic = line.substr(0, line.find(' '));
            if (topic != except) topics.push_back(std::move(topic));
        }
        return topics;
    }
    json payload_on(const std::string& topic) {
        std::lock_guard lock{mutex_};
        for (const auto& line : lines_) {
            if (line.starts_with(topic + " ")) return json::parse(line.substr(topic.size() + 1));
        }
        return nullptr;
    }

private:
    std::mutex mutex_;
    std::vector<std::string> lines_;
};

struct World {
    bus::Bus bus;
    Shadows shadows;
    std::shared_ptr<Service> service = Service::start(bus, shadows);
    std::shared_ptr<Recorder> recorder = std::make_shared<Recorder>();

    World() {
        const auto id = bus.attach(recorder);
        (void)bus.subscribe(id, "$aws/things/lamp/shadow/#", {mqtt::QoS::at_least_once});
    }
    void publish(const std::string& topic, const std::string& payload) {
        bus::Message message;
        message.topic = topic;
        message.payload = payload;
        message.qos = mqtt::QoS::at_least_once;
        bus.publish(message);
    }
};

}  // namespace

TEST_CASE("a request on the bus reaches subscribers and is answered on the bus", "[shadow]") {
    World world;
    const std::string request = "$aws/things/lamp/shadow/update";
    world.publish(request, R"({"state":{"desired":{"on":true}},"clientToken":"t1"})");
    CHECK(world.recorder->topics().size() == 4);
    CHECK(world.recorder->topics(request) ==
          std::vector<std::string>{"$aws/things/lamp/shadow/update/accepted",
                                   "$aws/things/lamp/shadow/update/delta",
                                   "$aws/things/lamp/shadow/update/documents"});
    CHECK(world.recorder->payload_on("$aws/things/lamp/shadow/update/delta")["state"] ==
          json{{"on", true}});
    CHECK(world.recorder->payload_on("$aws/things/lamp/shadow/update/accepted")["clientToken"] ==
          "t1");
}

TEST_CASE("named shadows answer under their own prefix, rejections included", "[shadow]") {
    World world;
    const std::string request = "$aws/things/lamp/shadow/name/config/get";
    world.publish(request, R"({"clientToken":"g"})");
    CHECK(world.recorder->topics().size() == 2);
    CHECK(world.recorder->topics(request) ==
          std::vector<std::string>{"$aws/things/lamp/shadow/name/config/get/rejected"});
    CHECK(world.recorder->payload_on("$aws/things/lamp/shadow/name/config/get/rejected") ==
          json{{"code", 404},
               {"message", "No shadow exists with name: 'config'"},
               {"clientToken", "g"}});
}

TEST_CASE("replies published by anyone are not requests", "[shadow]") {
    World world;
    world.publish("$aws/things/lamp/shadow/update/accepted", R"({"state":{}})");
    world.publish("$aws/things/lamp/shadow/name/x/update/delta", R"({"state":{}})");
    CHECK(world.recorder->topics().size() == 2);
    CHECK(world.shadows.named_shadows("lamp").empty());
}

TEST_CASE("a REST request publishes AWS's side effects only when accepted, never for a get",
          "[shadow]") {
    World world;
    const Timestamp now = iotemu::now();
    auto outcome = world.service->handle(
        {Operation::update, {"lamp", ""}, R"({"state":{"reported":{"t":1}}})"}, now);
    CHECK_FALSE(outcome.rejection);
    CHECK(world.recorder->topics() ==
          std::vector<std::string>{"$aws/things/lamp/shadow/update/accepted",
                                   "$aws/things/lamp/shadow/update/documents"});

    outcome = world.service->handle({Operation::update, {"lamp", ""}, "{}"}, now);
    CHECK(outcome.rejection);
    outcome = world.service->handle({Operation::get, {"lamp", ""}, ""}, now);
    CHECK_FALSE(outcome.rejection);
    CHECK(world.recorder->topics().size() == 2);

    outcome = world.service->handle({Operation::delete_shadow, {"lamp", ""}, ""}, now);
    CHECK_FALSE(outcome.rejection);
    CHECK(world.recorder->topics().back() == "$aws/things/lamp/shadow/delete/accepted");
}
