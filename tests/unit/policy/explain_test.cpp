// policy::explain: TestAuthorization's answer for one authInfo — the decision evaluate() reaches
// over every resource, and which policies allowed, denied or said nothing
// (docs/aws/provisioning-and-services.md §4.2).
#include "policy/explain.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "policy/document.hpp"
#include "policy/statement.hpp"

using iotemu::policy::CompiledPolicy;
using iotemu::policy::Decision;
using iotemu::policy::explain;
using iotemu::policy::Explanation;
using iotemu::policy::parse_document;
using iotemu::policy::Request;
using iotemu::policy::Variables;

namespace {

using iotemu::testing::arn;
using iotemu::testing::statement;

// The policies by name, compiled once for a case.
struct Policies {
    std::vector<CompiledPolicy> compiled;
    std::vector<const CompiledPolicy*> views;

    explicit Policies(const std::vector<std::string>& documents) {
        for (const auto& json : documents) {
            auto document = parse_document(json);
            INFO(json);
            REQUIRE(document);
            compiled.emplace_back(*document);
        }
        for (const auto& policy : compiled) views.push_back(&policy);
    }
};

Explanation explain_one(const std::vector<std::string>& documents, const std::string& action,
                        const std::vector<std::string>& resources,
                        const Variables& variables = {}) {
    Policies policies(documents);
    std::vector<Request> requests;
    for (const auto& resource : resources) requests.push_back({action, arn + resource});
    return explain(policies.views, requests, variables);
}

using Indexes = std::vector<std::size_t>;

}  // namespace

TEST_CASE("explain sorts each policy into allowed, explicitly denied or silent",
          "[policy][explain]") {
    const auto allow_pub = statement("Allow", "iot:Publish", arn + "topic/a/*");
    const auto deny_secret = statement("Deny", "iot:Publish", arn + "topic/a/secret");
    const auto connect_only = statement("Allow", "iot:Connect", "*");
    struct Case {
        std::string name;
        std::vector<std::string> policies;
        std::vector<std::string> resources;
        Decision decision;
        Indexes allowed, explicit_deny, implicit_deny;
    };
    const std::vector<Case> cases{
        {"an allowing policy allows", {allow_pub}, {"topic/a/b"}, Decision::allow, {0}, {}, {}},
        {"a policy for other actions is silent: implicit deny",
         {connect_only},
         {"topic/a/b"},
         Decision::implicit_deny,
         {},
         {},
         {0}},
        {"a Deny wins over an Allow in another policy",
         {allow_pub, deny_secret},
         {"topic/a/secret"},
         Decision::explicit_deny,
         {0},
         {1},
         {}},
        {"a Deny that does not match leaves the Allow",
         {allow_pub, deny_secret, connect_only},
         {"topic/a/public"},
         Decision::allow,
         {0},
         {},
         {1, 2}},
        {"no policy at all: implicit deny", {}, {"topic/a/b"}, Decision::implicit_deny, {}, {}, {}},
        {"every resource must be allowed",
         {allow_pub},
         {"topic/a/b", "topic/other"},
         Decision::implicit_deny,
         {0},
         {},
         {}},
        {"one denied resource denies the authInfo",
         {allow_pub, deny_secret},
         {"topic/a/b", "topic/a/secret"},
         Decision::explicit_deny,
         {0},
         {1},
         {}},
    };
    for (const auto& c : cases) {
        SECTION(c.name) {
            const auto result = explain_one(c.policies, "iot:Publish", c.resources);
            CHECK(result.decision == c.decision);
            CHECK(result.allowed == c.allowed);
            CHECK(result.explicit_deny == c.explicit_deny);
            CHECK(result.implicit_deny == c.implicit_deny);
        }
    }
}

TEST_CASE("explain resolves the client id and thing variables as the broker does",
          "[policy][explain]") {
    const auto own_topic = statement("Allow", "iot:Publish",
                                     arn + "topic/devices/${iot:Connection.Thing.ThingName}/*");
    const auto own_client = statement("Allow", "iot:Connect", arn + "client/${iot:ClientId}");
    Variables attached;
    attached.client_id = "sensor-1";
    iotemu::model::Thing thing;
    thing.name = "sensor-1";
    iotemu::policy::set_thing_variables(attached, thing);

    SECTION("a thing variable resolves for an attached thing") {
        const auto result =
            explain_one({own_topic}, "iot:Publish", {"topic/devices/sensor-1/t"}, attached);
        CHECK(result.decision == Decision::allow);
        CHECK(result.missing_context_values.empty());
    }
    SECTION("another thing's topic is not granted") {
        const auto result =
            explain_one({own_topic}, "iot:Publish", {"topic/devices/sensor-2/t"}, attached);
        CHECK(result.decision == Decision::implicit_deny);
    }
    SECTION("without an attached thing the variable is missing and nothing is granted") {
        Variables bare;
        bare.client_id = "sensor-1";
        const auto result =
            explain_one({own_topic}, "iot:Publish", {"topic/devices/sensor-1/t"}, bare);
        CHECK(result.decision == Decision::implicit_deny);
        CHECK(result.missing_context_values ==
              std::vector<std::string>{"iot:Connection.Thing.ThingName"});
    }
    SECTION("the client id decides iot:Connect on client/<id>") {
        CHECK(explain_one({own_client}, "iot:Connect", {"client/sensor-1"}, attached).decision ==
              Decision::allow);
        CHECK(explain_one({own_client}, "iot:Connect", {"client/intruder"}, attached).decision ==
              Decision::implicit_deny);
    }
    SECTION("without a client id ${iot:ClientId} is a missing context value") {
        const auto result = explain_one({own_client}, "iot:Connect", {"client/sensor-1"});
        CHECK(result.decision == Decision::implicit_deny);
        CHECK(result.missing_context_values == std::vector<std::string>{"iot:ClientId"});
    }
    SECTION("statements for other actions need nothing") {
        const auto result = explain_one({own_client}, "iot:Publish", {"topic/t"});
        CHECK(result.missing_context_values.empty());
    }
}
