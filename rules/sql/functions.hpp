// The IoT SQL function table [DG iot-sql-functions]: names (case-insensitive), the SQL version
// that introduced each, arity, and the implementation. Lookup happens at parse time, so an
// unknown name is a SqlParseException rather than a silent Undefined on every message.
#pragma once

#include <span>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "rules/sql/ast.hpp"
#include "rules/sql/sql.hpp"

namespace iotemu::rules::sql::detail {

struct CallEnv {
    const Context& context;
    SqlVersion version;
};

// Arguments arrive evaluated; a function never throws and answers Undefined for arguments it
// cannot use (wrong types, wrong count) as AWS does.
using FunctionImpl = nlohmann::json (*)(std::span<const nlohmann::json> args, const CallEnv& env);

struct Function {
    std::string_view name;  // lowercase
    SqlVersion since;       // v2015_10_08 or v2016_03_23
    int min_args;
    int max_args;       // -1: any number
    FunctionImpl impl;  // null: an AWS function this offline emulator cannot run (parse error)
};

const Function* find_function(std::string_view name);

// The per-file tables find_function searches.
std::span<const Function> string_functions();
std::span<const Function> math_functions();

nlohmann::json cast_value(const nlohmann::json& value, CastType type, SqlVersion version);

}  // namespace iotemu::rules::sql::detail
