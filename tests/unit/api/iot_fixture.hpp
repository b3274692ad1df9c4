// A real Registry behind the IoT routes, driven only through Router::dispatch, as a client would.
// Test-only. Certificates come from the pki test fixtures (issued by the code under test).
#pragma once

#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "api/iot_service.hpp"
#include "api/router.hpp"
#include "api_test_support.hpp"
#include "pki/fixtures.hpp"
#include "registry/registry.hpp"

namespace iotemu::api::test {

// RFC 3986 encoding of every byte but the unreserved ones, as botocore encodes a URI label.
inline std::string encoded(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

// The member names of a JSON object.
inline std::set<std::string> keys(const nlohmann::json& object) {
    std::set<std::string> out;
    for (const auto& [key, value] : object.items()) out.insert(key);
    return out;
}

inline pki::Issuer aws_issuer() {
    return pki::testing::make_root_ca("Emulated AWS IoT CA",
                                      pki::testing::shared_key(pki::KeyType::ec_p256));
}

class IotApi {
public:
    IotApi() : registry_(model::Account{}, aws_issuer()) {
        add_iot_routes(router_, registry_, IotServiceConfig{"localhost:8883"});
    }

    Response send(std::string method, std::string target, const nlohmann::json& body = nullptr,
                  std::vector<std::pair<std::string, std::string>> headers = {}) const {
        return router_.dispatch(request(std::move(method), std::move(target),
                                        body.is_null() ? "" : body.dump(), std::move(headers)));
    }
    Response dispatch(const Request& r) const { return router_.dispatch(r); }
    Response send_raw(std::string method, std::string target, std::string body) const {
        return router_.dispatch(request(std::move(method), std::move(target), std::move(body)));
    }

    // A CA registered (and ACTIVE) through RegisterCACertificate with proof of possession.
    struct RegisteredCa {
        pki::Issuer issuer;
        std::string id;
        std::string arn;
    };
    RegisteredCa register_ca(const std::string& common_name) const {
        const auto& key = pki::testing::shared_key(pki::KeyType::ec_p256);
        auto issuer = pki::testing::make_root_ca(common_name, key);
        const std::string code = body(send("GET", "/registrationcode"))["registrationCode"];
        const auto verification = pki::testing::make_device(code, issuer);
        const auto response = send("POST", "/cacertificate?setAsActive=true",
                                   {{"caCertificate", issuer.certificate.to_pem()},
                                    {"verificationCertificate", verification.to_pem()}});
        INFO(response.body);
        REQUIRE(response.status == 200);
        const auto out = body(response);
        return {std::move(issuer), out["certificateId"], out["certificateArn"]};
    }

    // A device certificate created by CreateKeysAndCertificate: {certificateArn, certificateId}.
    nlohmann::json create_certificate(bool active = true) const {
        const auto response = send("POST", std::string("/keys-and-certificate?setAsActive=") +
                                               (active ? "true" : "false"));
        INFO(response.body);
        REQUIRE(response.status == 200);
        return body(response);
    }

private:
    registry::Registry registry_;
    Router router_;
};

}  // namespace iotemu::api::test
