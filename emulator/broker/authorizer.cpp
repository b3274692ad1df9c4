// Policy variables from the certificate are read once; policies are re-read only when the
// registry's generation moves, so a PUBLISH costs string matching (docs/aws/iot-core.md §5.2).
#include "broker/authorizer.hpp"

#include <utility>

namespace iotemu::broker {

Authorizer::Authorizer(const registry::Registry& registry, const pki::X509Certificate& certificate,
                       std::string source_ip)
    : registry_(registry),
      certificate_id_(certificate.id()),
      principal_arn_(registry.account().arn("cert", certificate.id())),
      principal_identifier_(certificate_id_) {
    variables_.subject = certificate.subject().policy_attributes();
    variables_.issuer = certificate.issuer().policy_attributes();
    variables_.certificate_serial_number = certificate.serial_number_hex();
    variables_.source_ip = std::move(source_ip);
}

Authorizer::Authorizer(const registry::Registry& registry, const SigV4Principal& principal,
                       std::string source_ip, std::optional<std::string> policy_name)
    : registry_(registry),
      principal_arn_("arn:aws:iam::" + registry.account().account_id + ":user/" +
                     principal.access_key_id),
      principal_identifier_(registry.account().account_id + "/" + principal.access_key_id),
      sigv4_(true),
      sigv4_policy_(std::move(policy_name)) {
    variables_.source_ip = std::move(source_ip);
}

void Authorizer::set_client_id(std::string client_id) {
    variables_.client_id = std::move(client_id);
    loaded_ = false;  // the attached thing depends on the client id
}

void Authorizer::set_connect_attributes(bool persistent_session, bool last_will) {
    variables_.connect_attributes.clear();
    if (persistent_session) variables_.connect_attributes.emplace_back("PersistentConnect");
    if (last_will) variables_.connect_attributes.emplace_back("LastWill");
}

bool Authorizer::may_connect() {
    return allows("iot:Connect", "client", variables_.client_id.value_or(""));
}
bool Authorizer::may_publish(std::string_view topic) {
    return allows("iot:Publish", "topic", topic);
}
bool Authorizer::may_retain(std::string_view topic) {
    return allows("iot:RetainPublish", "topic", topic);
}
bool Authorizer::may_subscribe(std::string_view filter) {
    return allows("iot:Subscribe", "topicfilter", filter);
}
bool Authorizer::may_receive(std::string_view topic) {
    return allows("iot:Receive", "topic", topic);
}
bool Authorizer::may_act_on_thing(std::string_view action, std::string_view name) {
    return allows(action, "thing", name);
}

void Authorizer::refresh() {
    const auto generation = registry_.generation();
    if (loaded_ && generation == generation_) return;
    if (sigv4_) {
        policies_ = {};
        if (auto compiled = registry_.compiled_policy(*sigv4_policy_))
            policies_.policies.push_back(std::move(compiled));
    } else {
        policies_ = registry_.principal_policies(principal_arn_, variables_.client_id.value_or(""));
    }
    generation_ = generation;
    loaded_ = true;
    compiled_.clear();
    for (const auto& compiled : policies_.policies) compiled_.push_back(compiled.get());
    policy::set_thing_variables(variables_, policies_.attached_thing);
}

bool Authorizer::allows(std::string_view action, std::string_view resource_type,
                        std::string_view resource_name) {
    if (sigv4_ && !sigv4_policy_) return true;  // allow-all, as documented
    refresh();
    if (compiled_.empty()) return false;  // no policy: denied, without building the request
    const policy::Request request{std::string(action),
                                  registry_.account().arn(resource_type, resource_name)};
    return policy::evaluate(compiled_, request, variables_) == policy::Decision::allow;
}

}  // namespace iotemu::broker
