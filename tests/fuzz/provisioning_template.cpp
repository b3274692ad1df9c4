// Fuzzes provisioning templates (JITP and fleet provisioning): a body parsed and checked as
// CreateProvisioningTemplate does, then evaluated into a Plan with parameters. Input: the body,
// NUL, the parameters as a JSON object of strings (JITP's eight when absent or not one).
// No registry.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "input.hpp"
#include "provisioning/template.hpp"

using namespace iotemu::provisioning;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    iotemu::fuzz::Fields input(data, size);
    const auto body = input.next();
    const auto tmpl = Template::parse(body);
    if (!tmpl) return 0;

    Parameters parameters{{"AWS::IoT::Certificate::CommonName", "dev-1"},
                          {"AWS::IoT::Certificate::Country", "DE"},
                          {"AWS::IoT::Certificate::Organization", "Acme"},
                          {"AWS::IoT::Certificate::Id", "0123abcd"},
                          {"SerialNumber", "1001"}};
    const auto given = nlohmann::json::parse(input.next(), nullptr, false);
    if (given.is_object()) {
        parameters.clear();
        for (const auto& [name, value] : given.items())
            if (value.is_string()) parameters[name] = value.get<std::string>();
    }
    (void)evaluate(*tmpl, parameters);
    return 0;
}
