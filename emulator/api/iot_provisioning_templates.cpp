// Routes for provisioning templates and their versions, CreateProvisioningClaim and the control
// plane's RegisterThing (docs/aws/provisioning-and-services.md §1.10, §2): request shape → one
// registry call → response shape, with the shapes these operations alone use rendered here. The
// registry judges template bodies and every other rule.
#include <charconv>
#include <limits>
#include <map>

#include <nlohmann/json.hpp>

#include "api/iot_requests.hpp"
#include "api/iot_routes.hpp"
#include "api/render.hpp"
#include "model/statuses.hpp"

namespace iotemu::api {
namespace {

using nlohmann::json;

constexpr std::size_t max_template_body = 10240;
constexpr std::string_view template_types = "[FLEET_PROVISIONING, JITP]";

const std::string& template_name(const Call& call) {
    return named_path(call, "templateName", NameKind::template_name);
}

// TemplateVersionId is an integer in the URI.
int version_id(const Call& call) {
    const std::string& text = call.path("versionId");
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size())
        throw_validation_error("versionId", text, "Member must be an integer");
    return value;
}

std::string template_body(const Call& call) {
    auto body = call.required_body_string("templateBody");
    check_length("templateBody", body, 0, max_template_body);
    return body;
}

// TemplateDescription: at most 500 characters, none of them control characters.
std::optional<std::string> description(const Call& call) {
    auto text = call.body_string("description");
    if (!text) return text;
    check_length("description", *text, 0, 500);
    for (const unsigned char c : *text)
        if (c < 0x20 || c == 0x7f)
            throw_validation_error("description", *text,
                                   "Member must satisfy regular expression pattern: [^\\p{C}]*");
    return text;
}

std::optional<std::string> role_arn(const Call& call) {
    auto arn = call.body_string("provisioningRoleArn");
    if (arn) check_length("provisioningRoleArn", *arn, 20, 2048);
    return arn;
}

// ProvisioningHook {targetArn (required, ≤2048), payloadVersion (10–32 of [0-9-])}.
std::optional<model::ProvisioningHook> pre_provisioning_hook(const Call& call) {
    const json* hook = call.body_object("preProvisioningHook");
    if (!hook) return std::nullopt;
    model::ProvisioningHook out;
    auto target = string_member(*hook, "targetArn", "preProvisioningHook.targetArn");
    if (!target)
        throw_validation_error("preProvisioningHook.targetArn", "null", "Member must not be null");
    check_length("preProvisioningHook.targetArn", *target, 0, 2048);
    out.target_arn = std::move(*target);
    out.payload_version =
        string_member(*hook, "payloadVersion", "preProvisioningHook.payloadVersion");
    if (out.payload_version) {
        check_length("preProvisioningHook.payloadVersion", *out.payload_version, 10, 32);
        for (char c : *out.payload_version)
            if ((c < '0' || c > '9') && c != '-')
                throw_validation_error("preProvisioningHook.payloadVersion", *out.payload_version,
                                       "Member must satisfy regular expression pattern: ^[0-9-]+$");
    }
    return out;
}

json hook_shape(const model::ProvisioningHook& hook) {
    json out = {{"targetArn", hook.target_arn}};
    if (hook.payload_version) out["payloadVersion"] = *hook.payload_version;
    return out;
}

// ProvisioningTemplateSummary; DescribeProvisioningTemplate adds the rest.
json summary(const model::ProvisioningTemplate& tmpl) {
    json out = {{"templateArn", tmpl.arn},
                {"templateName", tmpl.name},
                {"creationDate", render::timestamp(tmpl.creation_date)},
                {"lastModifiedDate", render::timestamp(tmpl.last_modified_date)},
                {"enabled", tmpl.enabled},
                {"type", std::string(model::to_string(tmpl.type))}};
    if (tmpl.description) out["description"] = *tmpl.description;
    return out;
}

json description_shape(const model::ProvisioningTemplate& tmpl) {
    json out = summary(tmpl);
    out["defaultVersionId"] = tmpl.default_version_id;
    out["templateBody"] = tmpl.default_version().body;
    out["provisioningRoleArn"] = tmpl.provisioning_role_arn;
    if (tmpl.pre_provisioning_hook)
        out["preProvisioningHook"] = hook_shape(*tmpl.pre_provisioning_hook);
    return out;
}

json version_summary(const registry::ProvisioningTemplateVersionView& view) {
    return {{"versionId", view.version.version_id},
            {"creationDate", render::timestamp(view.version.creation_date)},
            {"isDefaultVersion", view.is_default}};
}

Response create_template(registry::Registry& registry, Call& call) {
    registry::CreateProvisioningTemplateRequest request;
    request.template_name = call.required_body_string("templateName");
    check_name(NameKind::template_name, "templateName", request.template_name);
    request.description = description(call);
    request.template_body = template_body(call);
    request.enabled = call.body_bool("enabled").value_or(false);
    auto arn = role_arn(call);
    if (!arn) throw_validation_error("provisioningRoleArn", "null", "Member must not be null");
    request.provisioning_role_arn = std::move(*arn);
    request.pre_provisioning_hook = pre_provisioning_hook(call);
    request.tags = tags(call);
    if (const auto type = enum_member(call.body_string("type"), "type", model::parse_template_type,
                                      template_types))
        request.type = *type;
    const auto tmpl = registry.create_provisioning_template(request);
    return json_response({{"templateArn", tmpl.arn},
                          {"templateName", tmpl.name},
                          {"defaultVersionId", tmpl.default_version_id}});
}

Response update_template(registry::Registry& registry, Call& call) {
    const auto& name = template_name(call);
    registry::UpdateProvisioningTemplateRequest request;
    request.description = description(call);
    request.enabled = call.body_bool("enabled");
    if (const auto id = call.body_int("defaultVersionId")) {
        if (*id < 1 || *id > std::numeric_limits<int>::max())
            throw_validation_error("defaultVersionId", std::to_string(*id),
                                   "Member must be a version id");
        request.default_version_id = static_cast<int>(*id);
    }
    request.provisioning_role_arn = role_arn(call);
    request.pre_provisioning_hook = pre_provisioning_hook(call);
    request.remove_pre_provisioning_hook =
        call.body_bool("removePreProvisioningHook").value_or(false);
    registry.update_provisioning_template(name, request);
    return empty_response();
}

Response list_templates(const registry::Registry& registry, const Call& call) {
    const auto page = registry.list_provisioning_templates(token_page_request(call));
    json templates = json::array();
    for (const auto& tmpl : page.items) templates.push_back(summary(tmpl));
    json out = {{"templates", std::move(templates)}};
    if (page.next_marker) out["nextToken"] = *page.next_marker;
    return json_response(out);
}

// CreateProvisioningClaim (docs/aws/provisioning-and-services.md §1.10): no body.
Response create_provisioning_claim(registry::Registry& registry, const Call& call) {
    const auto claim = registry.create_provisioning_claim(template_name(call));
    return json_response(
        {{"certificateId", claim.certificate.id},
         {"certificatePem", claim.certificate.pem},
         {"keyPair", {{"PublicKey", claim.public_key_pem}, {"PrivateKey", claim.private_key_pem}}},
         {"expiration", render::timestamp(claim.expiration)}});
}

// RegisterThing (§2): templateBody and parameters {key ≤2048: value ≤4096} → certificatePem and
// resourceArns by logical id.
Response register_thing(registry::Registry& registry, const Call& call) {
    const auto body = template_body(call);
    std::map<std::string, std::string, std::less<>> parameters;
    if (const json* given = call.body_object("parameters")) {
        for (const auto& [name, value] : given->items()) {
            if (!value.is_string())
                throw_invalid_request("Invalid type for member 'parameters." + name +
                                      "': expected a string");
            check_length("parameters key", name, 0, 2048);
            check_length("parameters." + name, value.get_ref<const std::string&>(), 0, 4096);
            parameters[name] = value.get<std::string>();
        }
    }
    const auto registered = registry.register_thing(body, parameters);
    json out{{"resourceArns", registered.resource_arns}};
    if (registered.certificate_pem) out["certificatePem"] = *registered.certificate_pem;
    return json_response(out);
}

void add_version_routes(Router& router, registry::Registry& registry) {
    const std::string versions = "/provisioning-templates/{templateName}/versions";
    router.add("POST", versions, [&registry](Call& call) {
        const auto& name = template_name(call);
        const auto body = template_body(call);
        const auto view = registry.create_provisioning_template_version(
            name, body, call.query_bool("setAsDefault").value_or(false));
        return json_response({{"templateArn", view.template_arn},
                              {"templateName", view.template_name},
                              {"versionId", view.version.version_id},
                              {"isDefaultVersion", view.is_default}});
    });
    router.add("GET", versions + "/{versionId}", [&registry](Call& call) {
        const auto& name = template_name(call);
        const auto view = registry.describe_provisioning_template_version(name, version_id(call));
        json out = version_summary(view);
        out["templateBody"] = view.version.body;
        return json_response(out);
    });
    router.add("GET", versions, [&registry](Call& call) {
        const auto& name = template_name(call);
        const auto page =
            registry.list_provisioning_template_versions(name, token_page_request(call));
        json listed = json::array();
        for (const auto& view : page.items) listed.push_back(version_summary(view));
        json out = {{"versions", std::move(listed)}};
        if (page.next_marker) out["nextToken"] = *page.next_marker;
        return json_response(out);
    });
    router.add("DELETE", versions + "/{versionId}", [&registry](Call& call) {
        const auto& name = template_name(call);
        registry.delete_provisioning_template_version(name, version_id(call));
        return empty_response();
    });
}

}  // namespace

void add_provisioning_template_routes(Router& router, registry::Registry& registry) {
    router.add("POST", "/provisioning-templates",
               [&registry](Call& call) { return create_template(registry, call); });
    router.add("GET", "/provisioning-templates/{templateName}", [&registry](Call& call) {
        return json_response(
            description_shape(registry.describe_provisioning_template(template_name(call))));
    });
    router.add("GET", "/provisioning-templates",
               [&registry](Call& call) { return list_templates(registry, call); });
    router.add("PATCH", "/provisioning-templates/{templateName}",
               [&registry](Call& call) { return update_template(registry, call); });
    router.add("DELETE", "/provisioning-templates/{templateName}", [&registry](Call& call) {
        registry.delete_provisioning_template(template_name(call));
        return empty_response();
    });
    add_version_routes(router, registry);
    router.add("POST", "/provisioning-templates/{templateName}/provisioning-claim",
               [&registry](Call& call) { return create_provisioning_claim(registry, call); });
    router.add("POST", "/things",
               [&registry](Call& call) { return register_thing(registry, call); });
}

}  // namespace iotemu::api
