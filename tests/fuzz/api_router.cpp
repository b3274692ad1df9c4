// Fuzzes the API port's request parsing: requests routed to iot (rest-json over the registry and
// topic rules), iot-data (the bus), STS and IAM (query protocol) and ACM PCA (JSON 1.1), each
// answered in its protocol. The input is a series of requests separated by NUL bytes, each as
//     METHOD TARGET\n header: value\n … \n\n body
// so one input can create and then use a resource. Lambda's routes are left out: they start
// processes (its package reader has its own target, lambda_zip). Fresh state per input.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "api/acm_pca_routes.hpp"
#include "api/iam_routes.hpp"
#include "api/iot_data_routes.hpp"
#include "api/iot_service.hpp"
#include "api/router.hpp"
#include "api/sts_routes.hpp"
#include "api/topic_rule_routes.hpp"
#include "bus/bus.hpp"
#include "common/log.hpp"
#include "input.hpp"
#include "pki/issue.hpp"
#include "registry/registry.hpp"
#include "rules/engine/topic_rules.hpp"

using namespace iotemu;

namespace {

const pki::Issuer& aws_issuer() {
    static const pki::Issuer issuer = [] {
        auto key = pki::PrivateKey::generate(pki::KeyType::ec_p256);
        pki::CertificateProfile profile;
        profile.subject = {{"CN", "Fuzz AWS IoT CA"}};
        profile.is_ca = true;
        return pki::Issuer{pki::issue_self_signed(profile, key), key};
    }();
    return issuer;
}

// "METHOD TARGET\nname: value\n\nbody"; header names lower-cased as the HTTP server gives them.
api::Request parse_request(std::string_view text) {
    api::Request request;
    const auto line_end = [&] {
        const auto end = text.find('\n');
        auto line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        return line;
    };
    const auto first = line_end();
    const auto space = first.find(' ');
    request.method = first.substr(0, space);
    request.target = space == std::string_view::npos ? "/" : first.substr(space + 1);
    for (auto line = line_end(); !line.empty(); line = line_end()) {
        const auto colon = line.find(':');
        std::string name(line.substr(0, colon));
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        auto value = colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        request.headers.emplace_back(std::move(name), std::string(value));
    }
    request.body = text;
    request.remote_address = "127.0.0.1";
    return request;
}

struct Endpoint {
    registry::Registry registry{model::Account{}, aws_issuer()};
    rules::TopicRuleStore topic_rules{model::Account{}};
    bus::Bus bus;
    services::sts::Service sts{"123456789012"};
    services::iam::Service iam{"123456789012"};
    services::acm_pca::Service pca{"us-east-1", "123456789012"};
    api::Router router;
    Endpoint() {
        api::add_iot_routes(router, registry, api::IotServiceConfig{"127.0.0.1:8883"});
        api::add_topic_rule_routes(router, topic_rules);
        api::add_iot_data_routes(router, bus);
        api::add_sts_operations(router, sts);
        api::add_iam_operations(router, iam);
        api::add_acm_pca_operations(router, pca);
    }
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    log::set_level(log::Level::error);  // internal failures still show
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Fields input(data, size);
    Endpoint endpoint;
    for (int i = 0; i < 8 && !input.empty(); ++i) {
        auto request = parse_request(input.next());
        request.body_too_large = request.body.size() > endpoint.router.body_limit(request);
        const auto response = endpoint.router.dispatch(request);
        // dispatch() answers every request; a 500 is an exception that escaped a handler.
        if (response.status < 200 || response.status >= 600 || response.status == 500) std::abort();
    }
    return 0;
}
