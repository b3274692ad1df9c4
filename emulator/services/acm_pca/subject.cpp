// The ASN1Subject table: model member, OpenSSL short name, length bounds (botocore `acm-pca`).
#include "services/acm_pca/subject.hpp"

#include <array>
#include <cctype>
#include <string>

#include "common/aws_error.hpp"

namespace iotemu::services::acm_pca {
namespace {

struct Attribute {
    std::string_view member;
    std::string_view short_name;
    std::size_t max;
};

constexpr std::array<Attribute, 14> attributes{{
    {"Country", "C", 2},
    {"State", "ST", 128},
    {"Locality", "L", 128},
    {"Organization", "O", 64},
    {"OrganizationalUnit", "OU", 64},
    {"DistinguishedNameQualifier", "dnQualifier", 64},
    {"SerialNumber", "serialNumber", 64},
    {"Title", "title", 64},
    {"Surname", "SN", 40},
    {"GivenName", "GN", 16},
    {"Initials", "initials", 5},
    {"Pseudonym", "pseudonym", 128},
    {"GenerationQualifier", "generationQualifier", 3},
    {"CommonName", "CN", 64},
}};

[[noreturn]] void invalid(std::string message) {
    throw AwsError(aws_errors::invalid_args, std::move(message));
}

}  // namespace

std::vector<pki::NameEntry> name_entries(const Subject& subject) {
    for (const auto& [member, value] : subject) {
        const Attribute* known = nullptr;
        for (const auto& attribute : attributes)
            if (attribute.member == member) known = &attribute;
        if (!known)
            invalid("Subject." + member +
                    " is not supported by iot-emulator (CustomAttributes included)");
        if (value.size() > known->max)
            invalid("Subject." + member + " must be at most " + std::to_string(known->max) +
                    " characters long");
        if (member == "Country" &&
            (value.size() != 2 || !std::isalpha(static_cast<unsigned char>(value[0])) ||
             !std::isalpha(static_cast<unsigned char>(value[1]))))
            invalid("Subject.Country must be a two-letter country code");
    }
    std::vector<pki::NameEntry> entries;
    for (const auto& attribute : attributes)
        for (const auto& [member, value] : subject)
            if (member == attribute.member && !value.empty())
                entries.push_back({std::string(attribute.short_name), value});
    if (entries.empty()) invalid("The Subject must have at least one attribute with a value");
    return entries;
}

}  // namespace iotemu::services::acm_pca
