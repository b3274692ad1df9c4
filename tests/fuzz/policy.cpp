// Fuzzes IoT policy documents: parsed as CreatePolicy does, compiled as an attachment does, and
// evaluated for each MQTT action against a resource. Input: the document, NUL, a resource suffix
// (a topic, a client id). No registry, no broker.
#include <cstdint>
#include <string>

#include "input.hpp"
#include "policy/document.hpp"
#include "policy/evaluate.hpp"

using namespace iotemu::policy;

namespace {

Variables connection() {
    Variables v;
    v.client_id = "dev-1";
    v.thing_name = "dev-1";
    v.thing_type_name = "sensor";
    v.thing_attributes = {{"site", "berlin"}, {"floor", "3"}};
    v.thing_is_attached = true;
    v.subject = {{"CommonName", "dev-1"}, {"Organization", "Acme"}, {"Organization", "Acme EU"}};
    v.issuer = {{"CommonName", "Acme Root CA"}};
    v.subject_alternative_names = {{"DNSName", "dev-1.example.com"}};
    v.certificate_serial_number = "0a1b";
    v.source_ip = "127.0.0.1";
    v.connect_attributes = {"PersistentConnect"};
    return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    iotemu::fuzz::Fields input(data, size);
    const auto text = input.next();
    const std::string suffix(input.next());
    const auto document = parse_document(text);
    if (!document) return 0;
    static const Variables variables = connection();
    const CompiledPolicy compiled(*document);
    const std::string arn = "arn:aws:iot:us-east-1:123456789012:";
    for (const auto& [action, kind] : {std::pair{"iot:Connect", "client/"},
                                       {"iot:Publish", "topic/"},
                                       {"iot:Receive", "topic/"},
                                       {"iot:Subscribe", "topicfilter/"},
                                       {"iot:RetainPublish", "topic/"}}) {
        (void)compiled.evaluate({action, arn + kind + suffix}, variables);
        (void)compiled.evaluate({action, arn + kind + "dev-1"}, variables);
    }
    return 0;
}
