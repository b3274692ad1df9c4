// IAM policy documents as IAM checks them on the way in: JSON, the grammar's top-level and
// statement elements, and what a trust policy may and may not name. Throws AwsError
// MalformedPolicyDocument with IAM's messages. Internal to iam/; nlohmann in the .cpp only.
#pragma once

#include <cstddef>
#include <string_view>

namespace iotemu::services::iam {

enum class DocumentKind {
    permissions,  // managed and inline policies: actions on resources, no principal
    trust,        // a role's AssumeRolePolicyDocument: a principal, no resource
};

void check_policy_document(std::string_view document, DocumentKind kind);

// Characters other than whitespace: what IAM counts against its policy size quotas.
std::size_t policy_size(std::string_view document);

}  // namespace iotemu::services::iam
