// STS's operations: request members → one sts::Service call → the <…Result> members.
#include "api/query_members.hpp"
#include "api/query_protocol.hpp"
#include "api/sigv4.hpp"
#include "api/sts_routes.hpp"

namespace iotemu::api {
namespace {

namespace members = query_members;
using xml::leaf;
using xml::node;

const RpcService sts_service{.name = "sts",
                             .signing_name = "sts",
                             .protocol = Protocol::query,
                             .version = "2011-06-15",
                             .xml_namespace = "https://sts.amazonaws.com/doc/2011-06-15/"};

std::vector<xml::Element> get_caller_identity(services::sts::Service& sts, Call& call) {
    // The caller is whoever the request was signed as; unsigned callers are the root user.
    const auto scope = credential_scope(call.request());
    const auto identity = sts.caller_identity(scope ? scope->access_key_id : "");
    return {leaf("UserId", identity.user_id), leaf("Account", identity.account),
            leaf("Arn", identity.arn)};
}

std::vector<xml::Element> assume_role(services::sts::Service& sts, Call& call) {
    // Policy, PolicyArns, Tags, ExternalId, SerialNumber/TokenCode, SourceIdentity: accepted,
    // and meaningless to credentials that are never checked.
    const auto assumed = sts.assume_role({members::required(call, "RoleArn"),
                                          members::required(call, "RoleSessionName"),
                                          members::integer(call, "DurationSeconds")});
    const auto& credentials = assumed.credentials;
    return {node("Credentials", {leaf("AccessKeyId", credentials.access_key_id),
                                 leaf("SecretAccessKey", credentials.secret_access_key),
                                 leaf("SessionToken", credentials.session_token),
                                 query_protocol::timestamp("Expiration", credentials.expiration)}),
            node("AssumedRoleUser",
                 {leaf("AssumedRoleId", assumed.assumed_role_id), leaf("Arn", assumed.arn)})};
}

}  // namespace

void add_sts_operations(Router& router, services::sts::Service& sts) {
    router.add_query_operation(sts_service, "GetCallerIdentity",
                               [&sts](Call& call) { return get_caller_identity(sts, call); });
    router.add_query_operation(sts_service, "AssumeRole",
                               [&sts](Call& call) { return assume_role(sts, call); });
}

}  // namespace iotemu::api
