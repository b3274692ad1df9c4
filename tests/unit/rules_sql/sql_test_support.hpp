// Shared helpers for the IoT SQL tests: parse-or-fail, run over JSON text, a fixed context.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "rules/sql/sql.hpp"

namespace sql_test {

using iotemu::rules::sql::Context;
using iotemu::rules::sql::SqlVersion;
using nlohmann::json;

inline Context test_context(std::string topic = "a/b") {
    Context context;
    context.topic = std::move(topic);
    context.client_id = "device-1";
    context.principal = "ba67293af50bf2506f5f93469686da660c7c844e7b3950bfb16813e0d31e9373";
    context.timestamp_ms = 1481825251155;
    context.account_id = "123456789012";
    context.trace_id = "12345678-1234-1234-1234-123456789012";
    return context;
}

inline iotemu::rules::sql::Statement parse_ok(std::string_view sql, SqlVersion version) {
    auto statement = iotemu::rules::sql::parse(sql, version);
    INFO("sql: " << sql);
    if (!statement) FAIL("parse error: " << statement.error().message);
    return *statement;
}

// Evaluates `sql` over the JSON text `message`; nullopt when WHERE rejects it.
inline std::optional<json> run(std::string_view sql, std::string_view message,
                               SqlVersion version = SqlVersion::v2016_03_23,
                               const Context& context = test_context()) {
    const auto statement = parse_ok(sql, version);
    return iotemu::rules::sql::evaluate(statement, json::parse(message), context);
}

// The value of a single expression: SELECT VALUE <expr> over `message`.
inline json value_of(std::string_view expr, std::string_view message = "{}",
                     SqlVersion version = SqlVersion::v2016_03_23,
                     const Context& context = test_context()) {
    const auto out =
        run("SELECT VALUE " + std::string(expr) + " FROM 'a/b'", message, version, context);
    REQUIRE(out);
    return *out;
}

// What AWS's "Undefined serialised by itself" becomes: an empty payload.
inline bool is_empty_payload(const json& value) {
    return value.is_binary() && value.get_binary().empty();
}

}  // namespace sql_test
