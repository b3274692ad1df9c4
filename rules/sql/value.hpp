// IoT SQL's value model over nlohmann::json [DG iot-sql-data-types]: Int = JSON integer,
// Decimal = JSON float (double precision, not AWS's 34 digits), Undefined = a discarded value,
// a non-JSON payload = a binary value. The standard conversions live here. Never throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "rules/sql/sql.hpp"

namespace iotemu::rules::sql::detail {

using Json = nlohmann::json;

Json undefined();
bool is_undefined(const Json& value);
bool is_int(const Json& value);          // an integer that fits std::int64_t
std::int64_t int_of(const Json& value);  // precondition: is_int
bool is_number(const Json& value);       // Int or Decimal
double decimal_of(const Json& value);    // precondition: is_number

// Decimal results: with 2016-03-23 a whole-valued Decimal is processed as an Int
// [DG iot-sql-data-types]; with 2015-10-08 it stays a Decimal.
Json make_decimal(double value, SqlVersion version);
Json make_int(std::int64_t value);
// The same rule applied to every number inside a value (message fields, final output).
void normalize_numbers(Json& value, SqlVersion version);

// AWS's regex for strings that convert to numbers: ^-?\d+(\.\d+)?((?i)E-?\d+)?$.
std::optional<double> parse_decimal_string(std::string_view text);

// The standard conversions [DG iot-sql-conversions]; nullopt means Undefined.
std::optional<double> to_decimal(const Json& value);      // Int, Decimal, numeric String
std::optional<std::int64_t> to_int(const Json& value);    // to_decimal, then rounded down
std::optional<bool> to_boolean(const Json& value);        // Boolean, "true"/"false" any case
std::optional<std::string> to_string(const Json& value);  // Null/Undefined: nullopt

// Serialises without throwing (invalid UTF-8 is replaced), as AWS renders arrays/objects.
std::string dump(const Json& value);

// `=` [DG iot-sql-operators]: nullopt when either side is Undefined; mismatched types are unequal.
std::optional<bool> equals(const Json& lhs, const Json& rhs);

}  // namespace iotemu::rules::sql::detail
