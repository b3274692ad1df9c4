// The AWS managed policies IoT and Lambda onboarding attaches, known to exist in every account
// (docs/aws/provisioning-and-services.md §5.2). Internal to iam/. std only.
#pragma once

#include <span>
#include <string_view>

namespace iotemu::services::iam {

struct AwsManagedPolicy {
    std::string_view name;
    std::string_view path;  // the ARN is arn:aws:iam::aws:policy<path><name>
    std::string_view description;
    std::string_view document;  // a summary of AWS's: the actions onboarding relies on
};

std::span<const AwsManagedPolicy> aws_managed_policies();

}  // namespace iotemu::services::iam
