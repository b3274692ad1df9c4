// IoT routes for the registration code, CA and device certificates, through Router::dispatch
// with a real Registry: what a client sees (status, x-amzn-ErrorType, JSON members).
#include <catch2/catch.hpp>

#include "iot_fixture.hpp"

using namespace iotemu;
using namespace iotemu::api;
using namespace iotemu::api::test;
using nlohmann::json;

namespace {

const std::string unknown_id(64, 'a');

bool is_epoch_seconds(const json& value) {
    return value.is_number() && value.get<double>() > 1.5e9 && value.get<double>() < 4e9;
}

}  // namespace

TEST_CASE("DescribeEndpoint answers the configured address for every documented type") {
    IotApi api;
    for (const char* target :
         {"/endpoint", "/endpoint?endpointType=iot%3AData-ATS", "/endpoint?endpointType=iot:Data",
          "/endpoint?endpointType=iot%3ACredentialProvider", "/endpoint?endpointType=iot%3AJobs"}) {
        CAPTURE(target);
        const auto response = api.send("GET", target);
        CHECK(response.status == 200);
        CHECK(body(response) == json{{"endpointAddress", "localhost:8883"}});
    }
}

TEST_CASE("DescribeEndpoint refuses an unknown endpoint type") {
    const auto response = IotApi().send("GET", "/endpoint?endpointType=iot%3ANope");
    CHECK(response.status == 400);
    CHECK(error_type(response) == "InvalidRequestException");
}

TEST_CASE("the registration code is stable until deleted") {
    IotApi api;
    const std::string first = body(api.send("GET", "/registrationcode"))["registrationCode"];
    CHECK(first.size() == 64);
    CHECK(body(api.send("GET", "/registrationcode"))["registrationCode"] == first);
    CHECK(api.send("DELETE", "/registrationcode").status == 200);
    CHECK(body(api.send("GET", "/registrationcode"))["registrationCode"] != first);
}

TEST_CASE("a registered CA is described with the model's members") {
    IotApi api;
    const auto ca = api.register_ca("Describe CA");
    CHECK(ca.arn == "arn:aws:iot:us-east-1:123456789012:cacert/" + ca.id);
    const auto response = api.send("GET", "/cacertificate/" + ca.id);
    REQUIRE(response.status == 200);
    const auto out = body(response);
    CHECK(keys(out) == std::set<std::string>{"certificateDescription", "registrationConfig"});
    const auto& d = out["certificateDescription"];
    CHECK(keys(d) == std::set<std::string>{
                         "certificateArn", "certificateId", "status", "certificatePem", "ownedBy",
                         "creationDate", "lastModifiedDate", "autoRegistrationStatus",
                         "customerVersion", "generationId", "validity", "certificateMode"});
    CHECK(d["certificateId"] == ca.id);
    CHECK(d["status"] == "ACTIVE");
    CHECK(d["autoRegistrationStatus"] == "DISABLE");
    CHECK(d["certificateMode"] == "DEFAULT");
    CHECK(d["ownedBy"] == "123456789012");
    CHECK(d["customerVersion"] == 1);
    CHECK(is_epoch_seconds(d["creationDate"]));
    CHECK(is_epoch_seconds(d["validity"]["notBefore"]));
    CHECK(is_epoch_seconds(d["validity"]["notAfter"]));
    CHECK(out["registrationConfig"] == json::object());
}

TEST_CASE("UpdateCACertificate changes status and registration config") {
    IotApi api;
    const auto ca = api.register_ca("Update CA");
    const auto update = api.send(
        "PUT", "/cacertificate/" + ca.id + "?newStatus=INACTIVE&newAutoRegistrationStatus=ENABLE",
        {{"registrationConfig",
          {{"templateBody", R"({"Resources":{}})"},
           {"roleArn", "arn:aws:iam::123456789012:role/jitp"}}}});
    INFO(update.body);
    REQUIRE(update.status == 200);
    const auto out = body(api.send("GET", "/cacertificate/" + ca.id));
    CHECK(out["certificateDescription"]["status"] == "INACTIVE");
    CHECK(out["certificateDescription"]["autoRegistrationStatus"] == "ENABLE");
    CHECK(out["registrationConfig"]["roleArn"] == "arn:aws:iam::123456789012:role/jitp");
}

TEST_CASE("CA operations refuse values outside the model's enums") {
    IotApi api;
    const auto ca = api.register_ca("Enum CA");
    const auto [target, member] = GENERATE_COPY(table<std::string, std::string>({
        {"?newStatus=REVOKED", "newStatus"},
        {"?newStatus=active", "newStatus"},
        {"?newAutoRegistrationStatus=ON", "newAutoRegistrationStatus"},
    }));
    const auto response = api.send("PUT", "/cacertificate/" + ca.id + target);
    CHECK(response.status == 400);
    CHECK(error_type(response) == "InvalidRequestException");
    CHECK(body(response)["message"].get<std::string>().find(member) != std::string::npos);
}

TEST_CASE("RegisterCACertificate requires caCertificate and a known certificateMode") {
    IotApi api;
    const auto missing = api.send("POST", "/cacertificate", json::object());
    CHECK(missing.status == 400);
    CHECK(error_type(missing) == "InvalidRequestException");
    CHECK(body(missing)["message"].get<std::string>().find("caCertificate") != std::string::npos);
    const auto mode = api.send("POST", "/cacertificate",
                               {{"caCertificate", "pem"}, {"certificateMode", "STRICT"}});
    CHECK(mode.status == 400);
    CHECK(body(mode)["message"].get<std::string>().find("certificateMode") != std::string::npos);
    const auto wrong_type = api.send("POST", "/cacertificate", {{"caCertificate", 42}});
    CHECK(wrong_type.status == 400);
    CHECK(body(wrong_type)["message"].get<std::string>().find("caCertificate") !=
          std::string::npos);
}

TEST_CASE("a CA id that breaks the model's pattern is refused before the registry") {
    IotApi api;
    for (const std::string& id :
         std::vector<std::string>{"abc", std::string(64, 'g'), std::string(65, 'a')}) {
        CAPTURE(id);
        const auto response = api.send("GET", "/cacertificate/" + id);
        CHECK(response.status == 400);
        CHECK(error_type(response) == "InvalidRequestException");
    }
}

TEST_CASE("an unknown CA or certificate id is ResourceNotFoundException 404") {
    IotApi api;
    for (const auto& target : {"/cacertificate/" + unknown_id, "/certificates/" + unknown_id}) {
        CAPTURE(target);
        const auto response = api.send("GET", target);
        CHECK(response.status == 404);
        CHECK(error_type(response) == "ResourceNotFoundException");
        CHECK(body(response).contains("message"));
    }
}

TEST_CASE("ListCACertificates pages with nextMarker") {
    IotApi api;
    api.register_ca("Page CA 1");
    api.register_ca("Page CA 2");
    api.register_ca("Page CA 3");
    const auto first = body(api.send("GET", "/cacertificates?pageSize=2"));
    REQUIRE(first["certificates"].size() == 2);
    CHECK(keys(first["certificates"][0]) ==
          std::set<std::string>{"certificateArn", "certificateId", "status", "creationDate"});
    REQUIRE(first.contains("nextMarker"));
    const auto second = body(api.send("GET", "/cacertificates?pageSize=2&marker=" +
                                                 encoded(first["nextMarker"].get<std::string>())));
    CHECK(second["certificates"].size() == 1);
    CHECK_FALSE(second.contains("nextMarker"));
}

TEST_CASE("a registered device certificate is described with the model's members") {
    IotApi api;
    const auto ca = api.register_ca("Device CA");
    const auto device = pki::testing::make_device("device-1", ca.issuer);
    const auto registered =
        api.send("POST", "/certificate/register", {{"certificatePem", device.to_pem()}});
    INFO(registered.body);
    REQUIRE(registered.status == 200);
    const std::string id = body(registered)["certificateId"];
    CHECK(id == device.id());
    const auto d = body(api.send("GET", "/certificates/" + id))["certificateDescription"];
    CHECK(keys(d) == std::set<std::string>{"certificateArn", "certificateId", "caCertificateId",
                                           "status", "certificatePem", "ownedBy", "creationDate",
                                           "lastModifiedDate", "customerVersion", "transferData",
                                           "generationId", "validity", "certificateMode"});
    CHECK(d["caCertificateId"] == ca.id);
    CHECK(d["status"] == "INACTIVE");
    CHECK(d["transferData"] == json::object());
    CHECK(is_epoch_seconds(d["lastModifiedDate"]));

    const auto by_ca = body(api.send("GET", "/certificates-by-ca/" + ca.id));
    REQUIRE(by_ca["certificates"].size() == 1);
    CHECK(keys(by_ca["certificates"][0]) == std::set<std::string>{"certificateArn", "certificateId",
                                                                  "status", "certificateMode",
                                                                  "creationDate"});
}

TEST_CASE("RegisterCertificate honours status and the deprecated setAsActive") {
    IotApi api;
    const auto ca = api.register_ca("Status CA");
    const auto a = pki::testing::make_device("a", ca.issuer);
    const auto b = pki::testing::make_device("b", ca.issuer);
    const auto with_status = body(api.send("POST", "/certificate/register",
                                           {{"certificatePem", a.to_pem()}, {"status", "ACTIVE"}}));
    const auto with_flag = body(api.send("POST", "/certificate/register?setAsActive=true",
                                         {{"certificatePem", b.to_pem()}}));
    for (const auto& out : {with_status, with_flag}) {
        const std::string id = out["certificateId"];
        CHECK(body(api.send("GET", "/certificates/" + id))["certificateDescription"]["status"] ==
              "ACTIVE");
    }
    const auto bad = api.send("POST", "/certificate/register",
                              {{"certificatePem", a.to_pem()}, {"status", "ENABLED"}});
    CHECK(bad.status == 400);
    CHECK(error_type(bad) == "InvalidRequestException");
}

TEST_CASE("registering the same certificate twice is a 409 naming the existing one") {
    IotApi api;
    const auto device = pki::testing::make_device(
        "twice", pki::testing::make_root_ca("Unregistered",
                                            pki::testing::shared_key(pki::KeyType::ec_p256)));
    const json request = {{"certificatePem", device.to_pem()}};
    REQUIRE(api.send("POST", "/certificate/register-no-ca", request).status == 200);
    const auto again = api.send("POST", "/certificate/register-no-ca", request);
    CHECK(again.status == 409);
    CHECK(error_type(again) == "ResourceAlreadyExistsException");
    CHECK(body(again)["resourceId"] == device.id());
}

TEST_CASE("CreateKeysAndCertificate answers the certificate and its key pair") {
    IotApi api;
    const auto out = api.create_certificate(true);
    CHECK(keys(out) ==
          std::set<std::string>{"certificateArn", "certificateId", "certificatePem", "keyPair"});
    CHECK(out["keyPair"]["PrivateKey"].get<std::string>().find("PRIVATE KEY") != std::string::npos);
    CHECK(out["keyPair"]["PublicKey"].get<std::string>().find("PUBLIC KEY") != std::string::npos);
    const std::string id = out["certificateId"];
    const auto d = body(api.send("GET", "/certificates/" + id))["certificateDescription"];
    CHECK(d["status"] == "ACTIVE");
    CHECK_FALSE(d.contains("caCertificateId"));
}

TEST_CASE("CreateCertificateFromCsr signs the request") {
    IotApi api;
    const auto& key = pki::testing::shared_key(pki::KeyType::ec_p256);
    const auto csr = pki::testing::pem_of("CERTIFICATE REQUEST",
                                          pki::testing::make_csr_der(key, {{"CN", "from-csr"}}));
    const auto response = api.send("POST", "/certificates", {{"certificateSigningRequest", csr}});
    INFO(response.body);
    REQUIRE(response.status == 200);
    CHECK(keys(body(response)) ==
          std::set<std::string>{"certificateArn", "certificateId", "certificatePem"});
    const auto missing = api.send("POST", "/certificates", json::object());
    CHECK(missing.status == 400);
    CHECK(error_type(missing) == "InvalidRequestException");
}

TEST_CASE("UpdateCertificate requires a newStatus from the model's enum") {
    IotApi api;
    const std::string id = api.create_certificate(false)["certificateId"];
    const auto missing = api.send("PUT", "/certificates/" + id);
    CHECK(missing.status == 400);
    CHECK(body(missing)["message"].get<std::string>().find("newStatus") != std::string::npos);
    CHECK(api.send("PUT", "/certificates/" + id + "?newStatus=ON").status == 400);
    const auto ok = api.send("PUT", "/certificates/" + id + "?newStatus=ACTIVE");
    CHECK(ok.status == 200);
    CHECK(body(ok) == json::object());
    CHECK(body(api.send("GET", "/certificates/" + id))["certificateDescription"]["status"] ==
          "ACTIVE");
}

TEST_CASE("DeleteCertificate of an ACTIVE certificate is CertificateStateException 406") {
    IotApi api;
    const std::string id = api.create_certificate(true)["certificateId"];
    const auto refused = api.send("DELETE", "/certificates/" + id);
    CHECK(refused.status == 406);
    CHECK(error_type(refused) == "CertificateStateException");
    REQUIRE(api.send("PUT", "/certificates/" + id + "?newStatus=INACTIVE").status == 200);
    CHECK(api.send("DELETE", "/certificates/" + id + "?forceDelete=true").status == 200);
    CHECK(api.send("GET", "/certificates/" + id).status == 404);
}

TEST_CASE("ListCertificates checks pageSize against the model's range") {
    IotApi api;
    for (const char* size : {"0", "251", "-1", "ten", ""}) {
        CAPTURE(size);
        const auto response = api.send("GET", std::string("/certificates?pageSize=") + size);
        CHECK(response.status == 400);
        CHECK(error_type(response) == "InvalidRequestException");
    }
    CHECK(api.send("GET", "/certificates?pageSize=250").status == 200);
    CHECK(api.send("GET", "/certificates?isAscendingOrder=maybe").status == 400);
}

TEST_CASE("ListCertificates pages with nextMarker in either order") {
    IotApi api;
    std::vector<std::string> created;
    for (int i = 0; i < 3; ++i) created.push_back(api.create_certificate()["certificateId"]);
    for (const bool ascending : {true, false}) {
        CAPTURE(ascending);
        const std::string order = ascending ? "true" : "false";
        std::vector<std::string> seen;
        std::string marker;
        for (int pages = 0; pages < 5; ++pages) {
            auto target = "/certificates?pageSize=2&isAscendingOrder=" + order;
            if (!marker.empty()) target += "&marker=" + encoded(marker);
            const auto out = body(api.send("GET", target));
            for (const auto& c : out["certificates"]) seen.push_back(c["certificateId"]);
            if (!out.contains("nextMarker")) break;
            marker = out["nextMarker"];
        }
        auto expected = created;
        if (!ascending) std::reverse(expected.begin(), expected.end());
        CHECK(seen == expected);
    }
}

TEST_CASE("a malformed JSON body is InvalidRequestException 400") {
    IotApi api;
    const auto response = api.send_raw("POST", "/certificate/register", "{\"certificatePem\":");
    CHECK(response.status == 400);
    CHECK(error_type(response) == "InvalidRequestException");
    CHECK(header(response, "x-amzn-RequestId").size() == 36);
}
