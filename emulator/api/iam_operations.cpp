// IAM's operations: request members → one iam::Service call → the <…Result> members. Policy
// documents go out percent-encoded, as IAM sends them (botocore decodes them).
#include "api/iam_routes.hpp"
#include "api/query_members.hpp"
#include "api/query_protocol.hpp"
#include "api/url.hpp"
#include "services/iam/validation.hpp"

namespace iotemu::api {
namespace {

namespace iam = services::iam;
namespace members = query_members;
using Result = std::vector<xml::Element>;
using xml::leaf;
using xml::node;

const RpcService iam_service{.name = "iam",
                             .signing_name = "iam",
                             .protocol = Protocol::query,
                             .version = "2010-05-08",
                             .xml_namespace = "https://iam.amazonaws.com/doc/2010-05-08/"};

// ---- request members ----------------------------------------------------------------------

iam::PageRequest page_request(const Call& call) {
    return {call.query("Marker"), members::integer(call, "MaxItems"), call.query("PathPrefix")};
}

std::vector<iam::Tag> tags(const Call& call) {
    std::vector<iam::Tag> out;
    for (auto& item : members::structures(call, "Tags")) {
        if (!item.count("Key"))
            iam::validation_error("tags.member.key", "null", "Member must not be null");
        out.push_back({item["Key"], item["Value"]});
    }
    return out;
}

// ---- response members ---------------------------------------------------------------------

void add_tags(std::vector<xml::Element>& members, const std::vector<iam::Tag>& tags) {
    if (tags.empty()) return;
    std::vector<xml::Element> items;
    for (const auto& tag : tags)
        items.push_back(node("member", {leaf("Key", tag.key), leaf("Value", tag.value)}));
    members.push_back(xml::members("Tags", std::move(items)));
}

xml::Element role(const iam::Role& role) {
    std::vector<xml::Element> out{
        leaf("Path", role.path),
        leaf("RoleName", role.name),
        leaf("RoleId", role.id),
        leaf("Arn", role.arn),
        query_protocol::timestamp("CreateDate", role.create_date),
        leaf("AssumeRolePolicyDocument", percent_encode(role.assume_role_policy_document)),
        leaf("MaxSessionDuration", std::to_string(role.max_session_duration)),
    };
    if (role.description) out.push_back(leaf("Description", *role.description));
    add_tags(out, role.tags);
    return node("Role", std::move(out));
}

xml::Element policy(const iam::ManagedPolicy& policy) {
    std::vector<xml::Element> out{
        leaf("PolicyName", policy.name),
        leaf("PolicyId", policy.id),
        leaf("Arn", policy.arn),
        leaf("Path", policy.path),
        leaf("DefaultVersionId", policy.default_version_id),
        leaf("AttachmentCount", std::to_string(policy.attachment_count)),
        leaf("PermissionsBoundaryUsageCount", "0"),
        xml::boolean("IsAttachable", true),
        query_protocol::timestamp("CreateDate", policy.create_date),
        query_protocol::timestamp("UpdateDate", policy.update_date),
    };
    if (policy.description) out.push_back(leaf("Description", *policy.description));
    add_tags(out, policy.tags);
    return node("Policy", std::move(out));
}

xml::Element version(const iam::PolicyVersion& version) {
    return node("PolicyVersion", {leaf("Document", percent_encode(version.document)),
                                  leaf("VersionId", version.version_id),
                                  xml::boolean("IsDefaultVersion", version.is_default),
                                  query_protocol::timestamp("CreateDate", version.create_date)});
}

// <list><member>…</member></list><IsTruncated/><Marker/>
template <class T, class Render>
Result page(const iam::Page<T>& page, std::string list, Render render) {
    std::vector<xml::Element> items;
    for (const auto& item : page.items) items.push_back(render(item));
    Result out{xml::members(std::move(list), std::move(items)),
               xml::boolean("IsTruncated", page.marker.has_value())};
    if (page.marker) out.push_back(leaf("Marker", *page.marker));
    return out;
}

iam::PolicyScope scope(const Call& call) {
    const auto text = call.query("Scope").value_or("All");
    if (text == "All") return iam::PolicyScope::all;
    if (text == "AWS") return iam::PolicyScope::aws;
    if (text == "Local") return iam::PolicyScope::local;
    iam::validation_error("scope", text, "Member must satisfy enum value set: [All, AWS, Local]");
}

// ---- operations ---------------------------------------------------------------------------

using Operation = Result (*)(iam::Service&, Call&);

struct Entry {
    std::string_view action;
    Operation operation;
};

const Entry operations[] = {
    {"CreateRole",
     [](iam::Service& iam, Call& call) -> Result {
         return {role(iam.create_role({members::required(call, "RoleName"), call.query("Path"),
                                       members::required(call, "AssumeRolePolicyDocument"),
                                       call.query("Description"),
                                       members::integer(call, "MaxSessionDuration"), tags(call)}))};
     }},
    {"GetRole",
     [](iam::Service& iam, Call& call) -> Result {
         return {role(iam.get_role(members::required(call, "RoleName")))};
     }},
    {"ListRoles",
     [](iam::Service& iam, Call& call) {
         return page(iam.list_roles(page_request(call)), "Roles", role);
     }},
    {"DeleteRole",
     [](iam::Service& iam, Call& call) {
         iam.delete_role(members::required(call, "RoleName"));
         return Result{};
     }},
    {"CreatePolicy",
     [](iam::Service& iam, Call& call) -> Result {
         return {policy(iam.create_policy(
             {members::required(call, "PolicyName"), call.query("Path"),
              members::required(call, "PolicyDocument"), call.query("Description"), tags(call)}))};
     }},
    {"GetPolicy",
     [](iam::Service& iam, Call& call) -> Result {
         return {policy(iam.get_policy(members::required(call, "PolicyArn")))};
     }},
    {"ListPolicies",
     [](iam::Service& iam, Call& call) {
         return page(iam.list_policies(page_request(call), scope(call),
                                       members::boolean(call, "OnlyAttached").value_or(false)),
                     "Policies", policy);
     }},
    {"DeletePolicy",
     [](iam::Service& iam, Call& call) {
         iam.delete_policy(members::required(call, "PolicyArn"));
         return Result{};
     }},
    {"CreatePolicyVersion",
     [](iam::Service& iam, Call& call) -> Result {
         return {version(iam.create_policy_version(
             members::required(call, "PolicyArn"), members::required(call, "PolicyDocument"),
             members::boolean(call, "SetAsDefault").value_or(false)))};
     }},
    {"GetPolicyVersion",
     [](iam::Service& iam, Call& call) -> Result {
         return {version(iam.get_policy_version(members::required(call, "PolicyArn"),
                                                members::required(call, "VersionId")))};
     }},
    {"ListPolicyVersions",
     [](iam::Service& iam, Call& call) {
         return page(
             iam.list_policy_versions(members::required(call, "PolicyArn"), page_request(call)),
             "Versions", version);
     }},
    {"DeletePolicyVersion",
     [](iam::Service& iam, Call& call) {
         iam.delete_policy_version(members::required(call, "PolicyArn"),
                                   members::required(call, "VersionId"));
         return Result{};
     }},
    {"SetDefaultPolicyVersion",
     [](iam::Service& iam, Call& call) {
         iam.set_default_policy_version(members::required(call, "PolicyArn"),
                                        members::required(call, "VersionId"));
         return Result{};
     }},
    {"AttachRolePolicy",
     [](iam::Service& iam, Call& call) {
         iam.attach_role_policy(members::required(call, "RoleName"),
                                members::required(call, "PolicyArn"));
         return Result{};
     }},
    {"DetachRolePolicy",
     [](iam::Service& iam, Call& call) {
         iam.detach_role_policy(members::required(call, "RoleName"),
                                members::required(call, "PolicyArn"));
         return Result{};
     }},
    {"ListAttachedRolePolicies",
     [](iam::Service& iam, Call& call) {
         return page(iam.list_attached_role_policies(members::required(call, "RoleName"),
                                                     page_request(call)),
                     "AttachedPolicies", [](const iam::AttachedPolicy& attached) {
                         return node("member", {leaf("PolicyName", attached.name),
                                                leaf("PolicyArn", attached.arn)});
                     });
     }},
    {"PutRolePolicy",
     [](iam::Service& iam, Call& call) {
         iam.put_role_policy(members::required(call, "RoleName"),
                             members::required(call, "PolicyName"),
                             members::required(call, "PolicyDocument"));
         return Result{};
     }},
    {"GetRolePolicy",
     [](iam::Service& iam, Call& call) -> Result {
         const auto role_name = members::required(call, "RoleName");
         const auto policy_name = members::required(call, "PolicyName");
         const auto document = iam.get_role_policy(role_name, policy_name);
         return {leaf("RoleName", role_name), leaf("PolicyName", policy_name),
                 leaf("PolicyDocument", percent_encode(document))};
     }},
    {"DeleteRolePolicy",
     [](iam::Service& iam, Call& call) {
         iam.delete_role_policy(members::required(call, "RoleName"),
                                members::required(call, "PolicyName"));
         return Result{};
     }},
    {"ListRolePolicies",
     [](iam::Service& iam, Call& call) {
         return page(
             iam.list_role_policies(members::required(call, "RoleName"), page_request(call)),
             "PolicyNames", [](const std::string& name) { return leaf("member", name); });
     }},
};

}  // namespace

void add_iam_operations(Router& router, iam::Service& iam) {
    for (const auto& [action, operation] : operations)
        router.add_query_operation(
            iam_service, std::string(action),
            [&iam, operation = operation](Call& call) { return operation(iam, call); });
}

}  // namespace iotemu::api
