// The public face of AWS IoT SQL (docs/aws/iot-core.md §7): parse a statement once, evaluate it per
// message. Sans-I/O and pure apart from newuuid()/rand(): no Asio, no logging, no clock (the
// caller's Context).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "common/result.hpp"
#include "mqtt/message_properties.hpp"

namespace iotemu::rules::sql {

// `awsIotSqlVersion`; a rule without one runs as 2015-10-08 [DG iot-create-rule].
enum class SqlVersion { v2015_10_08, v2016_03_23, beta };

std::optional<SqlVersion> parse_sql_version(std::string_view text);
std::string_view to_string(SqlVersion version);

// What CreateTopicRule reports as SqlParseException. `position` is the 0-based byte offset of the
// problem in the statement; `message` names it and its 1-based column.
struct ParseError {
    std::string message;
    std::size_t position = 0;
};

namespace detail {
struct Query;
}

// An immutable parsed statement; cheap to copy (it shares its syntax tree).
class Statement {
public:
    const std::string& sql() const;           // the text it was parsed from
    const std::string& topic_filter() const;  // the FROM clause, validated as an MQTT filter
    SqlVersion version() const;
    const detail::Query& query() const;  // for the evaluator; the tree is not part of the API

private:
    friend Result<Statement, ParseError> parse(std::string_view sql, SqlVersion version);
    Statement(std::string sql, std::shared_ptr<const detail::Query> query, SqlVersion version);

    std::shared_ptr<const std::string> sql_;
    std::shared_ptr<const detail::Query> query_;
    SqlVersion version_;
};

// The longest statement parse() reads (docs/limits.md); a longer one is a ParseError.
inline constexpr std::size_t max_sql_length = 256 * 1024;

Result<Statement, ParseError> parse(std::string_view sql,
                                    SqlVersion version = SqlVersion::v2015_10_08);

// Everything about one message that is not its payload. Optional fields are absent when the
// message did not arrive over MQTT (clientid() is then "n/a", principal()/traceid() Undefined).
struct Context {
    std::string topic;
    std::optional<std::string> client_id;
    std::optional<std::string> principal;
    std::int64_t timestamp_ms = 0;  // timestamp(): when the rules engine saw the message
    std::string account_id;
    std::optional<std::string> trace_id;
    // What get_mqtt_property() and get_user_properties() read: the MQTT 5 properties the message
    // was published with (none for MQTT 3.1.1).
    mqtt::MessageProperties properties{};
};

// Runs WHERE then SELECT over a JSON payload. nullopt when WHERE is false or Undefined (no action
// runs). Otherwise the outgoing payload: an object, or for SELECT VALUE any JSON value. A payload
// that is not JSON (see the overload below) comes back from `SELECT *` as a binary value holding
// its bytes, and an Undefined SELECT VALUE as an empty binary value: both mean "send these bytes".
// Never throws for bad data: operators and functions turn it into Undefined.
std::optional<nlohmann::json> evaluate(const Statement& statement, const nlohmann::json& message,
                                       const Context& context);

// The same over the raw payload bytes, as the broker has them. Bytes that parse as JSON are
// evaluated as JSON (and `encode(*, 'base64')` still encodes the original bytes); other bytes are
// a binary payload that only `*` can refer to [DG binary-payloads].
std::optional<nlohmann::json> evaluate(const Statement& statement, std::string_view payload,
                                       const Context& context);

}  // namespace iotemu::rules::sql
