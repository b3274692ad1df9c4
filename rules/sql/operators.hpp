// IoT SQL operators over values, one function per row group of AWS's tables
// [DG iot-sql-operators]. Pure; a combination the tables do not allow gives Undefined.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "rules/sql/ast.hpp"
#include "rules/sql/sql.hpp"

namespace iotemu::rules::sql::detail {

nlohmann::json apply_unary(UnaryOp op, const nlohmann::json& operand, SqlVersion version);
nlohmann::json apply_binary(BinaryOp op, const nlohmann::json& lhs, const nlohmann::json& rhs,
                            SqlVersion version);

}  // namespace iotemu::rules::sql::detail
