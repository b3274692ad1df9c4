// Walks a parsed IoT SQL query over one document. Pure: the only inputs are the tree, the
// document and the CallEnv; the only effects are newuuid()/rand(). Never throws for bad data.
#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "rules/sql/ast.hpp"
#include "rules/sql/functions.hpp"

namespace iotemu::rules::sql::detail {

struct Document {
    const nlohmann::json* value;          // the payload (a binary value when it is not JSON)
    std::optional<std::string_view> raw;  // its bytes as published, when the caller has them
};

nlohmann::json evaluate_expression(const Expr& expr, const Document& doc, const CallEnv& env);

// WHERE, then SELECT: nullopt when WHERE is not true; otherwise the SELECT output, which is
// Undefined for a SELECT VALUE of Undefined.
std::optional<nlohmann::json> run_query(const Query& query, const Document& doc,
                                        const CallEnv& env);

}  // namespace iotemu::rules::sql::detail
