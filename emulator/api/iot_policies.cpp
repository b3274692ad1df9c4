// Routes for IoT policies, their versions and their attachments to targets
// (docs/aws/iot-core.md §2.5). Request shape → one registry call → response shape; documents are
// judged by the registry.
#include <nlohmann/json.hpp>

#include "api/iot_requests.hpp"
#include "api/iot_routes.hpp"
#include "api/render.hpp"

namespace iotemu::api {
namespace {

using nlohmann::json;

constexpr std::size_t max_document = 404600;

const std::string& policy_name(const Call& call) {
    return named_path(call, "policyName", NameKind::policy);
}

const std::string& policy_version_id(const Call& call) {
    return named_path(call, "policyVersionId", NameKind::policy_version_id);
}

std::string policy_document(const Call& call) {
    auto document = call.required_body_string("policyDocument");
    check_length("policyDocument", document, 0, max_document);
    return document;
}

std::string target(const Call& call) {
    auto value = call.required_body_string("target");
    check_length("target", value, 1, 2048);
    return value;
}

std::string iot_principal(const Call& call) {
    return required_header(call, "x-amzn-iot-principal", "principal");
}

Response create_policy(registry::Registry& registry, Call& call) {
    const auto& name = policy_name(call);
    const auto document = policy_document(call);
    // tags are accepted and ignored: the registry keeps no tags on policies.
    call.body_array("tags");
    return json_response(render::policy_created(registry.create_policy(name, document)));
}

Response create_policy_version(registry::Registry& registry, Call& call) {
    const auto& name = policy_name(call);
    const auto document = policy_document(call);
    const bool set_as_default = call.query_bool("setAsDefault").value_or(false);
    return json_response(render::policy_version_created(
        registry.create_policy_version(name, document, set_as_default)));
}

void add_version_routes(Router& router, registry::Registry& registry) {
    router.add("POST", "/policies/{policyName}/version",
               [&registry](Call& call) { return create_policy_version(registry, call); });
    router.add("GET", "/policies/{policyName}/version/{policyVersionId}", [&registry](Call& call) {
        const auto& name = policy_name(call);
        return json_response(
            render::policy_version(registry.get_policy_version(name, policy_version_id(call))));
    });
    router.add("GET", "/policies/{policyName}/version", [&registry](Call& call) {
        return json_response(
            render::policy_version_list(registry.list_policy_versions(policy_name(call))));
    });
    router.add("DELETE", "/policies/{policyName}/version/{policyVersionId}",
               [&registry](Call& call) {
                   const auto& name = policy_name(call);
                   registry.delete_policy_version(name, policy_version_id(call));
                   return empty_response();
               });
    router.add("PATCH", "/policies/{policyName}/version/{policyVersionId}",
               [&registry](Call& call) {
                   const auto& name = policy_name(call);
                   registry.set_default_policy_version(name, policy_version_id(call));
                   return empty_response();
               });
}

void add_attachment_routes(Router& router, registry::Registry& registry) {
    router.add("PUT", "/target-policies/{policyName}", [&registry](Call& call) {
        const auto& name = policy_name(call);
        registry.attach_policy(name, target(call));
        return empty_response();
    });
    router.add("POST", "/target-policies/{policyName}", [&registry](Call& call) {
        const auto& name = policy_name(call);
        registry.detach_policy(name, target(call));
        return empty_response();
    });
    // The deprecated *PrincipalPolicy operations share AttachPolicy's attachments.
    router.add("PUT", "/principal-policies/{policyName}", [&registry](Call& call) {
        const auto& name = policy_name(call);
        registry.attach_policy(name, iot_principal(call));
        return empty_response();
    });
    router.add("DELETE", "/principal-policies/{policyName}", [&registry](Call& call) {
        const auto& name = policy_name(call);
        registry.detach_policy(name, iot_principal(call));
        return empty_response();
    });
    router.add("GET", "/principal-policies", [&registry](Call& call) {
        const auto who = iot_principal(call);
        return json_response(
            render::policy_page(registry.list_attached_policies(who, marker_page_request(call))));
    });
    // recursive (policies inherited from thing groups) is accepted; the registry lists the
    // target's own attachments only.
    router.add("POST", "/attached-policies/{target}", [&registry](Call& call) {
        const auto& attached_to = call.path("target");
        call.query_bool("recursive");
        return json_response(render::policy_page(
            registry.list_attached_policies(attached_to, marker_page_request(call))));
    });
    router.add("POST", "/policy-targets/{policyName}", [&registry](Call& call) {
        const auto& name = policy_name(call);
        return json_response(
            render::name_page(registry.list_targets_for_policy(name, marker_page_request(call)),
                              "targets", render::Paging::marker));
    });
}

}  // namespace

void add_policy_routes(Router& router, registry::Registry& registry) {
    router.add("POST", "/policies/{policyName}",
               [&registry](Call& call) { return create_policy(registry, call); });
    router.add("GET", "/policies/{policyName}", [&registry](Call& call) {
        return json_response(render::policy(registry.get_policy(policy_name(call))));
    });
    router.add("GET", "/policies", [&registry](Call& call) {
        return json_response(
            render::policy_page(registry.list_policies(marker_page_request(call))));
    });
    router.add("DELETE", "/policies/{policyName}", [&registry](Call& call) {
        registry.delete_policy(policy_name(call));
        return empty_response();
    });
    add_version_routes(router, registry);
    add_attachment_routes(router, registry);
}

}  // namespace iotemu::api
