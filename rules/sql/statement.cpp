// The public entry points (sql.hpp): versions, parse() and evaluate(). Glue only: the work is in
// lexer/parser (text → tree) and evaluator (tree × document → output). Sans-I/O.
#include <vector>

#include <nlohmann/json.hpp>

#include "common/json_depth.hpp"
#include "rules/sql/evaluator.hpp"
#include "rules/sql/parser.hpp"
#include "rules/sql/sql.hpp"
#include "rules/sql/value.hpp"

namespace iotemu::rules::sql {
namespace {

using detail::Json;

bool has_float(const Json& value) {
    std::vector<const Json*> pending{&value};
    while (!pending.empty()) {
        const Json* current = pending.back();
        pending.pop_back();
        if (current->is_number_float()) return true;
        if (current->is_structured()) {
            for (const auto& child : *current) pending.push_back(&child);
        }
    }
    return false;
}

Json empty_payload() { return Json::binary({}); }

std::optional<Json> run(const Statement& statement, const detail::Document& doc,
                        const Context& context) {
    const detail::CallEnv env{context, statement.version()};
    try {
        auto out = detail::run_query(statement.query(), doc, env);
        if (!out) return std::nullopt;
        // "Undefined is converted to an empty string when serialized by itself": no bytes.
        if (detail::is_undefined(*out)) return empty_payload();
        // An array as the whole output arrived with 2016-03-23 [DG iot-rule-sql-version]; what
        // 2015-10-08 sends instead is undocumented, so we send nothing rather than guess.
        if (out->is_array() && statement.version() == SqlVersion::v2015_10_08)
            return empty_payload();
        return out;
    } catch (const nlohmann::json::exception&) {
        // Unreachable by design (every JSON access is checked); should a bug make it reachable,
        // one message's rule does not fire rather than the exception reaching the broker.
        return std::nullopt;
    }
}

}  // namespace

std::optional<SqlVersion> parse_sql_version(std::string_view text) {
    if (text == "2015-10-08") return SqlVersion::v2015_10_08;
    if (text == "2016-03-23") return SqlVersion::v2016_03_23;
    if (text == "beta") return SqlVersion::beta;
    return std::nullopt;
}

std::string_view to_string(SqlVersion version) {
    switch (version) {
        case SqlVersion::v2015_10_08:
            return "2015-10-08";
        case SqlVersion::v2016_03_23:
            return "2016-03-23";
        case SqlVersion::beta:
            return "beta";
    }
    return "2015-10-08";
}

Statement::Statement(std::string sql, std::shared_ptr<const detail::Query> query,
                     SqlVersion version)
    : sql_(std::make_shared<const std::string>(std::move(sql))),
      query_(std::move(query)),
      version_(version) {}

const std::string& Statement::sql() const { return *sql_; }
const std::string& Statement::topic_filter() const { return query_->topic_filter; }
SqlVersion Statement::version() const { return version_; }
const detail::Query& Statement::query() const { return *query_; }

Result<Statement, ParseError> parse(std::string_view sql, SqlVersion version) {
    if (sql.size() > max_sql_length)
        return Unexpected{ParseError{"statement too long: " + std::to_string(sql.size()) +
                                         " bytes, the limit is " + std::to_string(max_sql_length),
                                     max_sql_length}};
    auto query = detail::parse_query(sql, version);
    if (!query) return Unexpected{query.error()};
    return Statement(std::string(sql), std::move(*query), version);
}

std::optional<Json> evaluate(const Statement& statement, const Json& message,
                             const Context& context) {
    // 2016-03-23 reads whole-valued Decimals as Ints (10.0 is 10) [DG iot-sql-data-types];
    // copy the message to apply that only when it has a Decimal at all.
    if (statement.version() != SqlVersion::v2015_10_08 && has_float(message)) {
        Json normalized = message;
        detail::normalize_numbers(normalized, statement.version());
        return run(statement, detail::Document{&normalized, std::nullopt}, context);
    }
    return run(statement, detail::Document{&message, std::nullopt}, context);
}

std::optional<Json> evaluate(const Statement& statement, std::string_view payload,
                             const Context& context) {
    // A payload nested deeper than JSON's bound is read as bytes, like any non-JSON payload.
    Json document = json_depth_within(payload) ? Json::parse(payload, nullptr, false)
                                               : Json(Json::value_t::discarded);
    if (document.is_discarded()) {
        document = Json::binary(std::vector<std::uint8_t>(payload.begin(), payload.end()));
    } else {
        detail::normalize_numbers(document, statement.version());
    }
    return run(statement, detail::Document{&document, payload}, context);
}

}  // namespace iotemu::rules::sql
