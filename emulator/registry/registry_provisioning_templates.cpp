// Provisioning templates and their versions (docs/aws/provisioning-and-services.md §2): type,
// enabled, the default version, at most five versions, and the bodies checked by the template
// engine when stored. Applying a template is registry_provisioning.cpp's job.
#include <algorithm>
#include <mutex>

#include "provisioning/template.hpp"
#include "registry/detail.hpp"
#include "registry/registry.hpp"

namespace iotemu::registry {
namespace {

using detail::NameKind;
using model::TemplateType;

// The commonly quoted quota, as for IoT policies (provisioning-and-services.md §2).
constexpr std::size_t max_template_versions = 5;
// AWS IoT quota: provisioning templates per account.
constexpr std::size_t max_templates = 256;

// preProvisioningHook "is valid only for FLEET_PROVISIONING templates" (the model's doc).
void require_hook_allowed(TemplateType type, const std::optional<model::ProvisioningHook>& hook) {
    if (hook && type != TemplateType::fleet_provisioning)
        detail::throw_error(
            aws_errors::invalid_request,
            "A preProvisioningHook is valid only for FLEET_PROVISIONING templates.");
}

const model::ProvisioningTemplateVersion& find_version_or_throw(
    const model::ProvisioningTemplate& tmpl, int version_id) {
    for (const auto& version : tmpl.versions)
        if (version.version_id == version_id) return version;
    detail::throw_error(aws_errors::resource_not_found, "Version " + std::to_string(version_id) +
                                                            " of provisioning template " +
                                                            tmpl.name + " cannot be found.");
}

ProvisioningTemplateVersionView view_of(const model::ProvisioningTemplate& tmpl,
                                        const model::ProvisioningTemplateVersion& version) {
    return {tmpl.name, tmpl.arn, version, version.version_id == tmpl.default_version_id};
}

}  // namespace

model::ProvisioningTemplate Registry::create_provisioning_template(
    const CreateProvisioningTemplateRequest& request) {
    detail::require_valid_name(NameKind::template_name, request.template_name);
    require_hook_allowed(request.type, request.pre_provisioning_hook);
    detail::require_valid_template(request.template_body);

    std::unique_lock lock(mutex_);
    const std::string arn = account_.arn("provisioningtemplate", request.template_name);
    if (state_.provisioning_templates.contains(request.template_name))
        throw AwsError(aws_errors::resource_already_exists,
                       "Provisioning template " + request.template_name + " already exists.",
                       request.template_name, arn);
    if (state_.provisioning_templates.size() >= max_templates)
        detail::throw_error(aws_errors::limit_exceeded, "The account already has " +
                                                            std::to_string(max_templates) +
                                                            " provisioning templates.");
    model::ProvisioningTemplate tmpl;
    tmpl.name = request.template_name;
    tmpl.arn = arn;
    tmpl.description = request.description;
    tmpl.type = request.type;
    tmpl.enabled = request.enabled;
    tmpl.provisioning_role_arn = request.provisioning_role_arn;
    tmpl.pre_provisioning_hook = request.pre_provisioning_hook;
    tmpl.tags = request.tags;
    tmpl.creation_date = tmpl.last_modified_date = now();
    tmpl.versions.push_back({1, request.template_body, tmpl.creation_date});
    detail::insert_new(state_, state_.provisioning_templates, tmpl.name, tmpl);
    commit();
    return tmpl;
}

model::ProvisioningTemplate Registry::describe_provisioning_template(
    std::string_view template_name) const {
    detail::require_valid_name(NameKind::template_name, template_name);
    std::shared_lock lock(mutex_);
    return detail::find_or_throw(state_.provisioning_templates, template_name,
                                 "Provisioning template")
        .value;
}

Page<model::ProvisioningTemplate> Registry::list_provisioning_templates(
    const PageRequest& page) const {
    std::shared_lock lock(mutex_);
    return detail::paginate(
        detail::collect(state_.provisioning_templates, [](const auto&) { return true; }), page);
}

void Registry::update_provisioning_template(std::string_view template_name,
                                            const UpdateProvisioningTemplateRequest& request) {
    detail::require_valid_name(NameKind::template_name, template_name);
    if (request.pre_provisioning_hook && request.remove_pre_provisioning_hook)
        detail::throw_error(aws_errors::invalid_request,
                            "preProvisioningHook and removePreProvisioningHook cannot be used "
                            "together.");
    std::unique_lock lock(mutex_);
    auto& stored =
        detail::find_or_throw(state_.provisioning_templates, template_name, "Provisioning template")
            .value;
    require_hook_allowed(stored.type, request.pre_provisioning_hook);
    if (request.default_version_id) find_version_or_throw(stored, *request.default_version_id);
    if (request.description) stored.description = request.description;
    if (request.enabled) stored.enabled = *request.enabled;
    if (request.default_version_id) stored.default_version_id = *request.default_version_id;
    if (request.provisioning_role_arn)
        stored.provisioning_role_arn = *request.provisioning_role_arn;
    if (request.pre_provisioning_hook) stored.pre_provisioning_hook = request.pre_provisioning_hook;
    if (request.remove_pre_provisioning_hook) stored.pre_provisioning_hook.reset();
    stored.last_modified_date = now();
    commit();
}

// [inf] A template a CA's registrationConfig names cannot go: the CA's JITP would break.
void Registry::delete_provisioning_template(std::string_view template_name) {
    detail::require_valid_name(NameKind::template_name, template_name);
    std::unique_lock lock(mutex_);
    detail::find_or_throw(state_.provisioning_templates, template_name, "Provisioning template");
    for (const auto& [id, entry] : state_.ca_certificates)
        if (entry.value.registration_config.template_name == template_name)
            detail::throw_error(aws_errors::delete_conflict,
                                "Provisioning template " + std::string(template_name) +
                                    " is used by CA certificate " + id +
                                    "; change its registrationConfig first.");
    state_.provisioning_templates.erase(std::string(template_name));
    commit();
}

ProvisioningTemplateVersionView Registry::create_provisioning_template_version(
    std::string_view template_name, std::string_view template_body, bool set_as_default) {
    detail::require_valid_name(NameKind::template_name, template_name);
    detail::require_valid_template(template_body);
    std::unique_lock lock(mutex_);
    auto& tmpl =
        detail::find_or_throw(state_.provisioning_templates, template_name, "Provisioning template")
            .value;
    if (tmpl.versions.size() >= max_template_versions)
        detail::throw_error(aws_errors::versions_limit_exceeded,
                            "The provisioning template " + tmpl.name + " already has " +
                                std::to_string(max_template_versions) +
                                " versions; delete one before creating another.");
    tmpl.versions.push_back({tmpl.next_version_id++, std::string(template_body), now()});
    if (set_as_default) tmpl.default_version_id = tmpl.versions.back().version_id;
    tmpl.last_modified_date = tmpl.versions.back().creation_date;
    commit();
    return view_of(tmpl, tmpl.versions.back());
}

ProvisioningTemplateVersionView Registry::describe_provisioning_template_version(
    std::string_view template_name, int version_id) const {
    detail::require_valid_name(NameKind::template_name, template_name);
    std::shared_lock lock(mutex_);
    const auto& tmpl =
        detail::find_or_throw(state_.provisioning_templates, template_name, "Provisioning template")
            .value;
    return view_of(tmpl, find_version_or_throw(tmpl, version_id));
}

Page<ProvisioningTemplateVersionView> Registry::list_provisioning_template_versions(
    std::string_view template_name, const PageRequest& page) const {
    detail::require_valid_name(NameKind::template_name, template_name);
    std::shared_lock lock(mutex_);
    const auto& tmpl =
        detail::find_or_throw(state_.provisioning_templates, template_name, "Provisioning template")
            .value;
    std::vector<detail::Sequenced<ProvisioningTemplateVersionView>> versions;
    for (const auto& version : tmpl.versions)
        versions.push_back(
            {static_cast<std::uint64_t>(version.version_id), view_of(tmpl, version)});
    return detail::paginate(std::move(versions), page);
}

// [inf] The default version goes only with the template (DeleteConflictException), as for
// policies.
void Registry::delete_provisioning_template_version(std::string_view template_name,
                                                    int version_id) {
    detail::require_valid_name(NameKind::template_name, template_name);
    std::unique_lock lock(mutex_);
    auto& tmpl =
        detail::find_or_throw(state_.provisioning_templates, template_name, "Provisioning template")
            .value;
    find_version_or_throw(tmpl, version_id);
    if (version_id == tmpl.default_version_id)
        detail::throw_error(aws_errors::delete_conflict,
                            "Cannot delete the default version of a provisioning template; set "
                            "another version as default or delete the template.");
    std::erase_if(tmpl.versions, [&](const auto& v) { return v.version_id == version_id; });
    tmpl.last_modified_date = now();
    commit();
}

namespace detail {

void require_valid_template(std::string_view body) {
    const auto parsed = provisioning::Template::parse(body);
    if (!parsed)
        throw_error(aws_errors::invalid_request,
                    "The provisioning template body is invalid: " + parsed.error().message);
}

}  // namespace detail
}  // namespace iotemu::registry
