// `NAME=RUNTIME:HANDLER:DIR` → DeclaredFunction. The directory is the rest of the text, so it may
// itself contain ':'. Validation of the name, runtime and handler is the store's, at declaration.
#include "rules/lambda/declared.hpp"

#include <system_error>

namespace iotemu::lambda {

Result<DeclaredFunction, std::string> parse_declared_function(std::string_view text) {
    const std::string usage = "'" + std::string(text) +
                              "' is not NAME=RUNTIME:HANDLER:DIR, e.g. "
                              "jitr=python3.12:lambda_function.lambda_handler:./lambda";
    const auto equals = text.find('=');
    if (equals == std::string_view::npos || equals == 0) return Unexpected{usage};
    const auto rest = text.substr(equals + 1);
    const auto first = rest.find(':');
    const auto second = first == std::string_view::npos ? first : rest.find(':', first + 1);
    if (second == std::string_view::npos || first == 0 || second == first + 1 ||
        second + 1 == rest.size())
        return Unexpected{usage};

    DeclaredFunction declared;
    declared.name = std::string(text.substr(0, equals));
    declared.runtime = std::string(rest.substr(0, first));
    declared.handler = std::string(rest.substr(first + 1, second - first - 1));
    std::error_code error;
    const std::filesystem::path directory(std::string(rest.substr(second + 1)));
    declared.directory = std::filesystem::absolute(directory, error).lexically_normal();
    if (error || !std::filesystem::is_directory(declared.directory, error))
        return Unexpected{"'" + std::string(text) + "': '" + directory.string() +
                          "' is not a directory"};
    return declared;
}

}  // namespace iotemu::lambda
