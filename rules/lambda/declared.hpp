// Functions declared at start-up from a local folder, for a project's own tests:
// `--function NAME=RUNTIME:HANDLER:DIR` (repeatable). Parsing only; Service::declare_function
// registers one. std only.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace iotemu::lambda {

struct DeclaredFunction {
    std::string name;
    std::string runtime;
    std::string handler;
    std::filesystem::path directory;  // absolute
};

// "jitr=python3.12:lambda_function.lambda_handler:./lambda" → the four parts; the directory is
// made absolute and must exist. The error is a message naming what is wrong.
Result<DeclaredFunction, std::string> parse_declared_function(std::string_view text);

}  // namespace iotemu::lambda
