// IoT SQL parser: tokens to a syntax tree (recursive descent, one function per precedence level).
// Checks what AWS refuses at CreateTopicRule time: grammar, the FROM filter, unknown functions,
// and features newer than the rule's SQL version. Never evaluates anything.
#pragma once

#include <memory>
#include <string_view>

#include "common/result.hpp"
#include "rules/sql/ast.hpp"
#include "rules/sql/sql.hpp"

namespace iotemu::rules::sql::detail {

Result<std::shared_ptr<const Query>, ParseError> parse_query(std::string_view sql,
                                                             SqlVersion version);

}  // namespace iotemu::rules::sql::detail
