// Reading a SigV4 credential scope out of a request. Checks the scope's shape only: the
// emulator accepts any credentials.
#include "api/sigv4.hpp"

#include <array>
#include <string_view>

#include "api/url.hpp"

namespace iotemu::api {
namespace {

std::optional<CredentialScope> parse_scope(std::string_view credential) {
    std::array<std::string_view, 5> fields;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const auto slash = credential.find('/');
        if ((slash == std::string_view::npos) != (i + 1 == fields.size())) return std::nullopt;
        fields[i] = credential.substr(0, slash);
        if (fields[i].empty()) return std::nullopt;
        if (slash != std::string_view::npos) credential.remove_prefix(slash + 1);
    }
    if (fields[4] != "aws4_request") return std::nullopt;
    return CredentialScope{std::string(fields[0]), std::string(fields[1]), std::string(fields[2]),
                           std::string(fields[3])};
}

}  // namespace

std::optional<CredentialScope> credential_scope(const Request& request) {
    if (const std::string* authorization = request.header("authorization")) {
        std::string_view text = *authorization;
        constexpr std::string_view key = "Credential=";
        const auto at = text.find(key);
        if (at == std::string_view::npos) return std::nullopt;
        text.remove_prefix(at + key.size());
        return parse_scope(text.substr(0, text.find_first_of(", ")));
    }
    const auto question = request.target.find('?');
    if (question == std::string::npos) return std::nullopt;
    const auto query = parse_query(std::string_view(request.target).substr(question + 1));
    if (const auto credential = find_parameter(query, "X-Amz-Credential"))
        return parse_scope(*credential);
    return std::nullopt;
}

}  // namespace iotemu::api
