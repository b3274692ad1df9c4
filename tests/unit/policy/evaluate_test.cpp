// policy::evaluate: whole policies (parsed with parse_document) against the requests the broker
// makes (docs/aws/iot-core.md §5.1), combined with IAM's rules (docs/aws/iot-core.md §5.2).
#include "policy/evaluate.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "policy/document.hpp"

using iotemu::policy::CompiledPolicy;
using iotemu::policy::Decision;
using iotemu::policy::Document;
using iotemu::policy::evaluate;
using iotemu::policy::parse_document;
using iotemu::policy::Request;
using iotemu::policy::Variables;

namespace {

constexpr auto allow = Decision::allow;
constexpr auto implicit_deny = Decision::implicit_deny;
constexpr auto explicit_deny = Decision::explicit_deny;

const std::string arn = "arn:aws:iot:us-east-1:123456789012:";

Document parse(const std::string& json) {
    auto document = parse_document(json);
    INFO(json);
    REQUIRE(document);
    return std::move(document).value();
}

Decision decide(const std::vector<std::string>& policies, const Request& request,
                const Variables& variables) {
    std::vector<Document> documents;
    for (const auto& json : policies) documents.push_back(parse(json));
    std::vector<const Document*> pointers;
    for (const auto& document : documents) pointers.push_back(&document);
    return evaluate(pointers, request, variables);
}

Decision decide(const std::string& policy, const Request& request, const Variables& variables) {
    return decide(std::vector<std::string>{policy}, request, variables);
}

Variables client(const std::string& client_id) {
    Variables v;
    v.client_id = client_id;
    return v;
}

// {"Effect": effect, "Action": action, "Resource": resource} as a one-statement document.
std::string statement(const std::string& effect, const std::string& action,
                      const std::string& resource) {
    return R"({"Version": "2012-10-17", "Statement": [{"Effect": ")" + effect +
           R"(", "Action": ")" + action + R"(", "Resource": ")" + resource + R"("}]})";
}

}  // namespace

TEST_CASE("Without a matching Allow the answer is an implicit deny", "[policy]") {
    const Request publish{"iot:Publish", arn + "topic/a"};
    CHECK(decide(std::vector<std::string>{}, publish, client("c")) == implicit_deny);
    CHECK(decide(statement("Allow", "iot:Subscribe", "*"), publish, client("c")) == implicit_deny);
    CHECK(decide(statement("Allow", "iot:Publish", arn + "topic/b"), publish, client("c")) ==
          implicit_deny);
    CHECK(decide(statement("Allow", "iot:Publish", arn + "topic/a"), publish, client("c")) ==
          allow);
}

TEST_CASE("A matching Deny wins over any Allow, in one policy or across policies", "[policy]") {
    const std::string allow_all = statement("Allow", "iot:*", "*");
    const std::string deny_secret = statement("Deny", "iot:Publish", arn + "topic/secret/*");
    const std::string both = R"({"Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "iot:Publish", "Resource": ")" +
                             arn + R"(topic/secret/*"}]})";
    const Request secret{"iot:Publish", arn + "topic/secret/x"};
    const Request open{"iot:Publish", arn + "topic/open/x"};
    const Variables v = client("c");

    CHECK(decide(both, secret, v) == explicit_deny);
    CHECK(decide(both, open, v) == allow);
    CHECK(decide({allow_all, deny_secret}, secret, v) == explicit_deny);
    CHECK(decide({deny_secret, allow_all}, secret, v) == explicit_deny);
    CHECK(decide({deny_secret, allow_all}, open, v) == allow);
    CHECK(decide(deny_secret, open, v) == implicit_deny);
    CHECK(decide(deny_secret, secret, v) == explicit_deny);
}

TEST_CASE("Action names match case-insensitively and with wildcards", "[policy]") {
    const auto [action, requested, expected] = GENERATE(table<std::string, std::string, Decision>({
        {"iot:Publish", "iot:Publish", allow},
        {"IOT:publish", "iot:Publish", allow},
        {"iot:Publish", "IoT:PUBLISH", allow},
        {"iot:*", "iot:Receive", allow},
        {"*", "iot:Connect", allow},
        {"iot:Pub*", "iot:Publish", allow},
        {"iot:Publis?", "iot:Publish", allow},
        {"iot:Pub*", "iot:Subscribe", implicit_deny},
        {"iot:Publish", "iot:RetainPublish", implicit_deny},  // retain needs its own grant
        {"iot:*Publish", "iot:RetainPublish", allow},
        {"iotdata:Publish", "iot:Publish", implicit_deny},
    }));
    CAPTURE(action, requested);
    CHECK(decide(statement("Allow", action, "*"), {requested, arn + "topic/t"}, client("c")) ==
          expected);
}

TEST_CASE("NotAction and NotResource match everything except what they list", "[policy]") {
    const std::string not_action = R"({"Statement": {"Effect": "Allow",
        "NotAction": ["iot:Connect", "iot:Subscribe"], "Resource": "*"}})";
    const Variables v = client("c");
    CHECK(decide(not_action, {"iot:Publish", arn + "topic/a"}, v) == allow);
    CHECK(decide(not_action, {"iot:Connect", arn + "client/c"}, v) == implicit_deny);
    CHECK(decide(not_action, {"iot:subscribe", arn + "topicfilter/a"}, v) == implicit_deny);

    const std::string allow_all = statement("Allow", "*", "*");
    const std::string deny_outside = R"({"Statement": {"Effect": "Deny", "Action": "iot:Publish",
        "NotResource": ")" + arn + R"(topic/allowed/*"}})";
    CHECK(decide({allow_all, deny_outside}, {"iot:Publish", arn + "topic/allowed/x"}, v) == allow);
    CHECK(decide({allow_all, deny_outside}, {"iot:Publish", arn + "topic/other"}, v) ==
          explicit_deny);
    CHECK(decide({allow_all, deny_outside}, {"iot:Receive", arn + "topic/other"}, v) == allow);
}

TEST_CASE("Resources are matched after variable substitution", "[policy]") {
    const std::string policy = R"({"Statement": [
        {"Effect": "Allow", "Action": "iot:Connect", "Resource": ")" +
                               arn + R"(client/${iot:ClientId}"},
        {"Effect": "Allow", "Action": "iot:Publish",
         "Resource": ")" + arn +
                               R"(topic/things/${iot:Connection.Thing.ThingName}/*"}]})";
    Variables attached = client("lamp-7");
    attached.thing_name = "lamp-7";
    attached.thing_is_attached = true;

    CHECK(decide(policy, {"iot:Connect", arn + "client/lamp-7"}, attached) == allow);
    CHECK(decide(policy, {"iot:Connect", arn + "client/lamp-8"}, attached) == implicit_deny);
    CHECK(decide(policy, {"iot:Publish", arn + "topic/things/lamp-7/state"}, attached) == allow);
    CHECK(decide(policy, {"iot:Publish", arn + "topic/things/lamp-8/state"}, attached) ==
          implicit_deny);
    // No attached thing: the grant naming the thing cannot match anything.
    CHECK(decide(policy, {"iot:Publish", arn + "topic/things/lamp-7/state"}, client("lamp-7")) ==
          implicit_deny);
    CHECK(decide(policy,
                 {"iot:Publish", arn + "topic/things/${iot:Connection.Thing.ThingName}/state"},
                 client("lamp-7")) == implicit_deny);
}

TEST_CASE("An unresolvable variable keeps a Resource entry from matching, for Deny too",
          "[policy]") {
    // docs/aws/iot-core.md §5.2: the `${…}` is left in place, so the entry names no real resource.
    // A Deny on it does not apply; a Deny whose NotResource cannot be resolved applies to
    // everything.
    const std::string allow_all = statement("Allow", "*", "*");
    const std::string deny_resource =
        statement("Deny", "iot:Publish", arn + "topic/${iot:Connection.Thing.ThingName}/*");
    const std::string deny_not_resource = R"({"Statement": {"Effect": "Deny", "Action": "*",
        "NotResource": ")" + arn + R"(topic/${iot:Connection.Thing.ThingName}/*"}})";
    const Request publish{"iot:Publish", arn + "topic/lamp-7/state"};
    const Variables unattached = client("lamp-7");
    Variables attached = client("lamp-7");
    attached.thing_name = "lamp-7";

    CHECK(decide({allow_all, deny_resource}, publish, unattached) == allow);
    CHECK(decide({allow_all, deny_resource}, publish, attached) == explicit_deny);
    CHECK(decide({allow_all, deny_not_resource}, publish, unattached) == explicit_deny);
    CHECK(decide({allow_all, deny_not_resource}, publish, attached) == allow);
}

TEST_CASE("Over HTTPS there is no client id, so ${iot:ClientId} grants never match", "[policy]") {
    const std::string policy = statement("Allow", "iot:Publish", arn + "topic/d/${iot:ClientId}");
    const Variables https;  // docs/aws/iot-core.md §6.5
    CHECK(decide(policy, {"iot:Publish", arn + "topic/d/x"}, https) == implicit_deny);
    CHECK(decide(policy, {"iot:Publish", arn + "topic/d/${iot:ClientId}"}, https) == implicit_deny);
    CHECK(decide(policy, {"iot:Publish", arn + "topic/d/x"}, client("x")) == allow);
}

TEST_CASE("A client id of + subscribes widely unless Connect restricts client ids", "[policy]") {
    // DG basic-policy-variables: the documented foot-gun and its fix.
    const std::string subscribe =
        statement("Allow", "iot:Subscribe", arn + "topicfilter/my/${iot:ClientId}/topic");
    const std::string connect_any = statement("Allow", "iot:Connect", arn + "client/*");
    const std::string connect_one = statement("Allow", "iot:Connect", arn + "client/clientid1");
    const Variables plus = client("+");
    const Request wide{"iot:Subscribe", arn + "topicfilter/my/+/topic"};

    CHECK(decide({connect_any, subscribe}, {"iot:Connect", arn + "client/+"}, plus) == allow);
    CHECK(decide({connect_any, subscribe}, wide, plus) == allow);
    CHECK(decide({connect_one, subscribe}, {"iot:Connect", arn + "client/+"}, plus) ==
          implicit_deny);
    CHECK(decide(subscribe, wide, client("clientid1")) == implicit_deny);
}

TEST_CASE("The JITR blog's policy grants its device exactly its own client id and topics",
          "[policy]") {
    // docs/aws/iot-core.md §3.6: the policy the reference JITR Lambda creates for a certificate.
    const std::string cert_id = "4f3c8e0b5a1d7f2e9c6b3a0d8e7f1c2b5a4d3e6f9c8b7a0e1d2c3b4a5f6e7d8c";
    const std::string other_id = "0000000000000000000000000000000000000000000000000000000000000000";
    const std::string policy = R"({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["iot:Connect"],
             "Resource": ")" + arn +
                               "client/" + cert_id + R"("},
            {"Effect": "Allow", "Action": ["iot:Publish", "iot:Receive"],
             "Resource": ")" + arn +
                               "topic/foo/bar/" + cert_id + R"(/*"},
            {"Effect": "Allow", "Action": ["iot:Subscribe"],
             "Resource": ")" + arn +
                               "topicfilter/foo/bar/" + cert_id + R"(/#"}
        ]
    })";
    const std::string own = "foo/bar/" + cert_id;
    const auto [action, resource, expected] =
        GENERATE_REF(table<std::string, std::string, Decision>({
            {"iot:Connect", "client/" + cert_id, allow},
            {"iot:Connect", "client/" + other_id, implicit_deny},
            {"iot:Connect", "client/my-device", implicit_deny},
            {"iot:Publish", "topic/" + own + "/telemetry", allow},
            {"iot:Publish", "topic/" + own + "/a/b/c", allow},
            {"iot:Publish", "topic/" + own, implicit_deny},  // `/*` needs the slash
            {"iot:Publish", "topic/foo/bar/" + other_id + "/telemetry", implicit_deny},
            {"iot:Receive", "topic/" + own + "/commands", allow},
            {"iot:RetainPublish", "topic/" + own + "/telemetry", implicit_deny},
            {"iot:Subscribe", "topicfilter/" + own + "/#", allow},
            {"iot:Subscribe", "topicfilter/" + own + "/+", implicit_deny},  // `#` is literal
            {"iot:Subscribe", "topicfilter/" + own + "/commands", implicit_deny},
            {"iot:Subscribe", "topic/" + own + "/#", implicit_deny},
            {"iot:Publish", "topicfilter/" + own + "/x", implicit_deny},
        }));
    CAPTURE(action, resource);
    CHECK(decide(policy, {action, arn + resource}, client(cert_id)) == expected);
    // The same request in another region or account is a different resource.
    CHECK(decide(policy, {action, "arn:aws:iot:eu-west-1:123456789012:" + resource},
                 client(cert_id)) == implicit_deny);
}

TEST_CASE("The connect policy example: Deny listed clients, Allow attached things only",
          "[policy]") {
    // DG connect-policy.
    const std::string policy = R"({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": ["iot:Connect"],
         "Resource": [")" + arn +
                               R"(client/client1", ")" + arn + R"(client/client2"]},
        {"Effect": "Allow", "Action": ["iot:Connect"],
         "Resource": [")" + arn +
                               R"(client/${iot:Connection.Thing.ThingName}"],
         "Condition": {"Bool": {"iot:Connection.Thing.IsAttached": "true"}}}]})";
    const auto connect_as = [&](const std::string& id, bool attached) {
        Variables v = client(id);
        if (attached) v.thing_name = id;
        v.thing_is_attached = attached;
        return decide(policy, {"iot:Connect", arn + "client/" + id}, v);
    };
    CHECK(connect_as("sensor-1", true) == allow);
    CHECK(connect_as("sensor-1", false) == implicit_deny);
    CHECK(connect_as("client1", true) == explicit_deny);
    CHECK(connect_as("client2", false) == explicit_deny);
}

TEST_CASE("A Condition on certificate attributes gates a grant (DG cert-policy-variables)",
          "[policy]") {
    const std::string policy = R"({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iot:Publish",
         "Resource": ")" + arn +
                               R"(topic/my/topic/${iot:ClientId}",
         "Condition": {"ForAllValues:StringEquals": {
             "iot:Certificate.Subject.Organization.List": ["Example Corp", "AnyCompany"]}}}]})";
    const Request publish{"iot:Publish", arn + "topic/my/topic/client1"};
    Variables v = client("client1");
    v.subject = {{"Organization", "Example Corp"}};
    CHECK(decide(policy, publish, v) == allow);
    v.subject = {{"Organization", "Example Corp"}, {"Organization", "Other Inc"}};
    CHECK(decide(policy, publish, v) == implicit_deny);
}

TEST_CASE("A Condition this emulator cannot evaluate never allows and always denies", "[policy]") {
    const std::string dated_allow = R"({"Statement": {"Effect": "Allow", "Action": "*",
        "Resource": "*",
        "Condition": {"DateLessThan": {"aws:CurrentTime": "2999-01-01T00:00:00Z"}}}})";
    const std::string dated_deny = R"({"Statement": {"Effect": "Deny", "Action": "*",
        "Resource": "*",
        "Condition": {"DateLessThan": {"aws:CurrentTime": "2000-01-01T00:00:00Z"}}}})";
    const Request publish{"iot:Publish", arn + "topic/a"};
    CHECK(decide(dated_allow, publish, client("c")) == implicit_deny);
    CHECK(decide({statement("Allow", "*", "*"), dated_deny}, publish, client("c")) ==
          explicit_deny);

    const CompiledPolicy compiled(parse(dated_allow));
    CHECK(compiled.unsupported() == std::vector<std::string>{"operator DateLessThan"});
    CHECK(CompiledPolicy(parse(statement("Allow", "*", "*"))).unsupported().empty());
}

TEST_CASE("A compiled policy answers many requests and connections", "[policy]") {
    const CompiledPolicy connect(
        parse(statement("Allow", "iot:Connect", arn + "client/${iot:ClientId}")));
    const CompiledPolicy deny(parse(statement("Deny", "iot:Connect", arn + "client/banned")));
    const std::vector<const CompiledPolicy*> policies{&connect, &deny};
    CHECK(evaluate(policies, {"iot:Connect", arn + "client/a"}, client("a")) == allow);
    CHECK(evaluate(policies, {"iot:Connect", arn + "client/b"}, client("b")) == allow);
    CHECK(evaluate(policies, {"iot:Connect", arn + "client/b"}, client("a")) == implicit_deny);
    CHECK(evaluate(policies, {"iot:Connect", arn + "client/banned"}, client("banned")) ==
          explicit_deny);
    CHECK(connect.evaluate({"iot:Connect", arn + "client/banned"}, client("banned")) == allow);
}
