// Authorizer: a connection's IoT policy questions answered from the registry — nothing allowed
// without a policy, policy variables from the client id, the certificate and the attached thing,
// explicit deny over allow, a thing group's policy, changes in the registry reaching a live
// connection, and SigV4 connections allowed everything or held to the named policy.
#include "broker/authorizer.hpp"

#include <catch2/catch.hpp>

#include "registry/support.hpp"

using namespace iotemu;
using namespace iotemu::registry::testing;
using iotemu::broker::Authorizer;

namespace {

std::string policy_of(const std::string& statements) {
    return R"({"Version":"2012-10-17","Statement":[)" + statements + "]}";
}

std::string allow(const std::string& actions, const std::string& resources) {
    return R"({"Effect":"Allow","Action":)" + actions + R"(,"Resource":)" + resources + "}";
}

const std::string arn = "arn:aws:iot:us-east-1:123456789012:";

// A registered ACTIVE device certificate (CN = `common_name`) and the registry holding it.
struct Rig {
    Fixture fixture;
    pki::Issuer ca = make_root_ca("Fleet CA");
    pki::X509Certificate device = make_device("sensor-7", ca);
    std::string certificate_arn;

    Rig() {
        fixture.register_ca(ca);
        registry::RegisterCertificateRequest request;
        request.certificate_pem = device.to_pem();
        request.status = model::CertificateStatus::active;
        certificate_arn = fixture.registry->register_certificate(request).arn;
    }

    registry::Registry& registry() { return *fixture.registry; }

    void attach(const std::string& name, const std::string& document,
                const std::string& target = "") {
        registry().create_policy(name, document);
        registry().attach_policy(name, target.empty() ? certificate_arn : target);
    }

    Authorizer authorizer(const std::string& client_id) {
        Authorizer authorizer(registry(), device, "127.0.0.1");
        authorizer.set_client_id(client_id);
        return authorizer;
    }
};

}  // namespace

TEST_CASE("a certificate with no policy may do nothing") {
    Rig rig;
    auto authorizer = rig.authorizer("sensor-7");
    CHECK_FALSE(authorizer.may_connect());
    CHECK_FALSE(authorizer.may_publish("a"));
    CHECK_FALSE(authorizer.may_subscribe("a"));
    CHECK_FALSE(authorizer.may_receive("a"));
    CHECK_FALSE(authorizer.may_retain("a"));
    CHECK(authorizer.certificate_id() == rig.device.id());
    CHECK(authorizer.principal_arn() == rig.certificate_arn);
}

TEST_CASE("each question asks its own action on its own resource type") {
    Rig rig;
    rig.attach("split",
               policy_of(allow(R"("iot:Connect")", "\"" + arn + "client/sensor-7\"") + "," +
                         allow(R"("iot:Publish")", "\"" + arn + "topic/up/*\"") + "," +
                         allow(R"("iot:Subscribe")", "\"" + arn + "topicfilter/down/#\"") + "," +
                         allow(R"("iot:Receive")", "\"" + arn + "topic/down/*\"")));
    auto authorizer = rig.authorizer("sensor-7");
    CHECK(authorizer.may_connect());
    CHECK(authorizer.may_publish("up/1"));
    CHECK_FALSE(authorizer.may_publish("down/1"));
    CHECK_FALSE(authorizer.may_retain("up/1"));  // iot:RetainPublish is its own action
    CHECK(authorizer.may_subscribe("down/#"));
    CHECK_FALSE(authorizer.may_subscribe("up/#"));
    CHECK(authorizer.may_receive("down/1"));
    CHECK_FALSE(authorizer.may_receive("up/1"));
    CHECK_FALSE(rig.authorizer("other-client").may_connect());
}

TEST_CASE("policy variables come from the client id, the certificate and the attached thing") {
    Rig rig;
    rig.attach("variables",
               policy_of(allow(R"("iot:Connect")", "\"" + arn + "client/${iot:ClientId}\"") + "," +
                         allow(R"("iot:Publish")",
                               "[\"" + arn + "topic/cn/${iot:Certificate.Subject.CommonName}\",\"" +
                                   arn + "topic/things/${iot:Connection.Thing.ThingName}/*\"]")));
    rig.fixture.thing("lamp-1");
    rig.registry().attach_thing_principal("lamp-1", rig.certificate_arn);

    auto lamp = rig.authorizer("lamp-1");
    CHECK(lamp.may_connect());
    CHECK(lamp.may_publish("cn/sensor-7"));
    CHECK_FALSE(lamp.may_publish("cn/sensor-8"));
    CHECK(lamp.may_publish("things/lamp-1/state"));
    CHECK_FALSE(lamp.may_publish("things/lamp-2/state"));

    // A client id that names no attached thing leaves the thing variables unset: no match.
    auto stranger = rig.authorizer("stranger");
    CHECK(stranger.may_connect());
    CHECK_FALSE(stranger.may_publish("things/lamp-1/state"));
}

TEST_CASE("an explicit deny wins over any allow") {
    Rig rig;
    rig.attach("all", allow_all_policy);
    rig.attach("deny", policy_of(R"({"Effect":"Deny","Action":"iot:Publish","Resource":")" + arn +
                                 R"(topic/secret/*"})"));
    auto authorizer = rig.authorizer("sensor-7");
    CHECK(authorizer.may_publish("open/1"));
    CHECK_FALSE(authorizer.may_publish("secret/1"));
}

TEST_CASE("a registry change reaches a live connection's next question") {
    Rig rig;
    auto authorizer = rig.authorizer("sensor-7");
    CHECK_FALSE(authorizer.may_publish("a"));
    rig.attach("all", allow_all_policy);
    CHECK(authorizer.may_publish("a"));
    rig.registry().create_policy_version(
        "all", policy_of(allow(R"("iot:Publish")", "\"" + arn + "topic/b\"")), true);
    CHECK_FALSE(authorizer.may_publish("a"));
    CHECK(authorizer.may_publish("b"));
    rig.registry().detach_policy("all", rig.certificate_arn);
    CHECK_FALSE(authorizer.may_publish("b"));
}

TEST_CASE("a thing group's policy applies to the things in it") {
    Rig rig;
    rig.fixture.thing("lamp-1");
    rig.registry().attach_thing_principal("lamp-1", rig.certificate_arn);
    const auto floor = rig.fixture.group("floor-1");
    rig.attach("floor", allow_all_policy, floor.arn);
    CHECK_FALSE(rig.authorizer("lamp-1").may_publish("a"));  // not in the group yet
    rig.registry().add_thing_to_thing_group("floor-1", "lamp-1");
    CHECK(rig.authorizer("lamp-1").may_publish("a"));
    CHECK_FALSE(rig.authorizer("not-the-thing").may_publish("a"));
}

TEST_CASE("a SigV4 connection may do anything unless held to a named policy") {
    Rig rig;
    const broker::SigV4Principal principal{"AKIDEXAMPLE", "us-east-1"};
    Authorizer open(rig.registry(), principal, "127.0.0.1", std::nullopt);
    open.set_client_id("web-1");
    CHECK(open.may_connect());
    CHECK(open.may_publish("anything"));
    CHECK(open.certificate_id().empty());
    CHECK(open.principal_identifier() == "123456789012/AKIDEXAMPLE");

    Authorizer held(rig.registry(), principal, "127.0.0.1", "web");
    held.set_client_id("web-1");
    CHECK_FALSE(held.may_connect());  // the named policy does not exist yet: nothing allowed
    rig.registry().create_policy(
        "web", policy_of(allow(R"(["iot:Connect","iot:Publish"])", "\"" + arn + "*\"")));
    CHECK(held.may_connect());
    CHECK(held.may_publish("x"));
    CHECK_FALSE(held.may_subscribe("x"));
}
