// IoT SQL functions, part 1: context (topic(), clientid(), …), types (get, isnull, nanvl, cast),
// encodings and hashes, transform(), and the lookup over all tables.
//
// Supported (AWS names; * = needs SQL 2016-03-23+):
//   context   accountid clientid newuuid principal rand sql_version timestamp topic traceid
//             get_mqtt_property* get_user_properties*
//   types     get isnull isundefined* nanvl cast(x AS type) transform*
//   encoding  encode* decode* (base64 only) md5 sha1 sha224 sha256 sha384
//             sha512
//   strings   (functions_string.cpp) chr concat endswith indexof* length* lower lpad ltrim
//             numbytes* regexp_matches regexp_replace regexp_substr replace rpad rtrim
//             startswith substring trim upper
//   math      (functions_math.cpp) abs acos asin atan atan2 bitand bitnot bitor bitxor ceil cos
//             cosh exp floor ln log mod power remainder round sign sin sinh sqrt tan tanh trunc
// Known to AWS but refused at parse time here (they reach other services or need Joda time):
//   aws_lambda get_dynamodb get_secret get_thing_shadow get_registry_data
//   machinelearning_predict parse_time time_to_epoch md2
#include "rules/sql/functions.hpp"

#include <array>

#include <nlohmann/json.hpp>

#include "common/base64.hpp"
#include "common/json_depth.hpp"
#include "common/random.hpp"
#include "rules/sql/digest.hpp"
#include "rules/sql/lexer.hpp"
#include "rules/sql/value.hpp"

namespace iotemu::rules::sql::detail {
namespace {

using Args = std::span<const Json>;
constexpr auto v1 = SqlVersion::v2015_10_08;
constexpr auto v2 = SqlVersion::v2016_03_23;

// topic() without `$aws/rules/<rule>/`: Basic Ingest's prefix is invisible to the rule
// [DG iot-sql-functions topic()].
std::string_view rule_topic(std::string_view topic) {
    constexpr std::string_view basic_ingest = "$aws/rules/";
    if (topic.substr(0, basic_ingest.size()) != basic_ingest) return topic;
    const auto rule_end = topic.find('/', basic_ingest.size());
    return rule_end == std::string_view::npos ? std::string_view{} : topic.substr(rule_end + 1);
}

Json fn_topic(Args args, const CallEnv& env) {
    const auto topic = rule_topic(env.context.topic);
    if (args.empty()) return std::string(topic);
    const auto n = to_int(args[0]);
    if (!n || *n < 1) return undefined();
    std::size_t start = 0;
    for (std::int64_t level = 1;; ++level) {
        const auto slash = topic.find('/', start);
        if (level == *n) return std::string(topic.substr(start, slash - start));
        if (slash == std::string_view::npos) return undefined();
        start = slash + 1;
    }
}

Json fn_clientid(Args, const CallEnv& env) { return env.context.client_id.value_or("n/a"); }
Json fn_principal(Args, const CallEnv& env) {
    return env.context.principal ? Json(*env.context.principal) : undefined();
}
Json fn_traceid(Args, const CallEnv& env) {
    return env.context.trace_id ? Json(*env.context.trace_id) : undefined();
}
Json fn_timestamp(Args, const CallEnv& env) { return env.context.timestamp_ms; }
Json fn_accountid(Args, const CallEnv& env) { return env.context.account_id; }
Json fn_newuuid(Args, const CallEnv&) { return random_uuid(); }
Json fn_sql_version(Args, const CallEnv& env) { return std::string(to_string(env.version)); }

// The MQTT 5 headers a rule may read by name [DG iot-sql-functions get_mqtt_property]:
// format_indicator as AWS's enum names, correlation_data in base64; Undefined when absent.
Json fn_get_mqtt_property(Args args, const CallEnv& env) {
    if (!args[0].is_string()) return undefined();
    const auto& name = args[0].get_ref<const std::string&>();
    const auto& properties = env.context.properties;
    const auto text = [](const std::optional<std::string>& value) {
        return value ? Json(*value) : undefined();
    };
    if (name == "format_indicator")
        return properties.payload_format_indicator.value_or(0) == 1 ? "UTF8_DATA"
                                                                    : "UNSPECIFIED_BYTES";
    if (name == "content_type") return text(properties.content_type);
    if (name == "response_topic") return text(properties.response_topic);
    if (name == "correlation_data")
        return properties.correlation_data ? Json(base64_encode(*properties.correlation_data))
                                           : undefined();
    return undefined();
}

// MQTT 5 user properties [DG iot-sql-functions get_user_properties]: with a key, the values
// under it in order (names may repeat); without, every pair as a one-key object, in order.
// Undefined when there are none.
Json fn_get_user_properties(Args args, const CallEnv& env) {
    if (!args.empty() && !args[0].is_string()) return undefined();
    Json out = Json::array();
    for (const auto& [name, value] : env.context.properties.user_properties) {
        if (args.empty())
            out.push_back(Json{{name, value}});
        else if (name == args[0].get_ref<const std::string&>())
            out.push_back(value);
    }
    return out.empty() ? undefined() : out;
}

Json fn_rand(Args, const CallEnv&) {
    // 53 random bits over 2^53: uniform in [0, 1) at double precision.
    const auto bits = std::stoull(random_hex(7), nullptr, 16) >> 3;
    return static_cast<double>(bits) / 9007199254740992.0;
}

Json fn_get(Args args, const CallEnv&) {
    const Json& collection = args[0];
    if (collection.is_object()) {
        if (!args[1].is_string()) return undefined();
        const auto found = collection.find(args[1].get_ref<const std::string&>());
        return found == collection.end() ? undefined() : *found;
    }
    const auto index = to_int(args[1]);
    if (!index || *index < 0) return undefined();
    const auto i = static_cast<std::size_t>(*index);
    if (collection.is_array()) return i < collection.size() ? collection[i] : undefined();
    if (collection.is_string()) {
        const auto& text = collection.get_ref<const std::string&>();
        return i < text.size() ? Json(std::string(1, text[i])) : undefined();
    }
    return undefined();
}

Json fn_isnull(Args args, const CallEnv&) { return args[0].is_null(); }
Json fn_isundefined(Args args, const CallEnv&) { return is_undefined(args[0]); }

Json fn_nanvl(Args args, const CallEnv&) {
    const Json& first = args[0];
    if (is_undefined(first) || first.is_null()) return args[1];
    if (first.is_number_float() && std::isnan(first.get<double>())) return args[1];
    return first;
}

Json fn_encode(Args args, const CallEnv&) {
    if (!args[1].is_string() || !iequals(args[1].get_ref<const std::string&>(), "base64"))
        return undefined();
    const auto bytes = to_string(args[0]);  // binary payload bytes pass through unchanged
    return bytes ? Json(base64_encode(*bytes)) : undefined();
}

Json fn_decode(Args args, const CallEnv& env) {
    if (!args[1].is_string() || !iequals(args[1].get_ref<const std::string&>(), "base64"))
        return undefined();
    if (!args[0].is_string()) return undefined();
    const auto bytes = base64_decode(args[0].get_ref<const std::string&>());
    if (!bytes) return nullptr;  // "returns NULL if the string cannot be decoded"
    auto parsed = json_depth_within(*bytes) ? Json::parse(*bytes, nullptr, false)
                                            : Json(Json::value_t::discarded);
    if (parsed.is_discarded()) return *bytes;
    normalize_numbers(parsed, env.version);
    return parsed;
}

template <std::string (*Digest)(std::string_view)>
Json fn_hash(Args args, const CallEnv&) {
    const auto text = to_string(args[0]);
    return text ? Json(Digest(*text)) : undefined();
}

Json fn_transform(Args args, const CallEnv&) {
    if (!args[0].is_string() || args[0].get_ref<const std::string&>() != "enrichArray" ||
        !args[1].is_object() || !args[2].is_array())
        return undefined();
    Json out = Json::array();
    for (const auto& item : args[2]) {
        if (!item.is_object()) return undefined();
        Json merged = item;
        for (auto it = args[1].begin(); it != args[1].end(); ++it) merged[it.key()] = it.value();
        out.push_back(std::move(merged));
    }
    return out;
}

constexpr std::array<Function, 33> core_table = {{
    {"accountid", v1, 0, 0, fn_accountid},
    {"clientid", v1, 0, 0, fn_clientid},
    {"newuuid", v1, 0, 0, fn_newuuid},
    {"principal", v1, 0, 0, fn_principal},
    {"rand", v1, 0, 0, fn_rand},
    {"sql_version", v1, 0, 0, fn_sql_version},
    {"timestamp", v1, 0, 0, fn_timestamp},
    {"topic", v1, 0, 1, fn_topic},
    {"traceid", v1, 0, 0, fn_traceid},
    {"get", v1, 2, 2, fn_get},
    {"isnull", v1, 1, 1, fn_isnull},
    {"isundefined", v2, 1, 1, fn_isundefined},
    {"nanvl", v1, 2, 2, fn_nanvl},
    {"transform", v2, 3, 3, fn_transform},
    {"encode", v2, 2, 2, fn_encode},
    {"decode", v2, 2, 2, fn_decode},
    {"md5", v1, 1, 1, fn_hash<md5_hex>},
    {"sha1", v1, 1, 1, fn_hash<sha1_hex>},
    {"sha224", v1, 1, 1, fn_hash<sha224_hex>},
    {"sha256", v1, 1, 1, fn_hash<sha256_hex>},
    {"md2", v1, 1, 1, nullptr},
    {"sha384", v1, 1, 1, fn_hash<sha384_hex>},
    {"sha512", v1, 1, 1, fn_hash<sha512_hex>},
    {"aws_lambda", v1, 2, 2, nullptr},
    {"get_dynamodb", v2, 4, 6, nullptr},
    {"get_secret", v1, 3, 4, nullptr},
    {"get_thing_shadow", v2, 2, 3, nullptr},
    {"get_registry_data", v2, 2, 3, nullptr},
    {"machinelearning_predict", v1, 3, 3, nullptr},
    {"parse_time", v2, 2, 3, nullptr},
    {"time_to_epoch", v2, 2, 2, nullptr},
    {"get_mqtt_property", v2, 1, 1, fn_get_mqtt_property},
    {"get_user_properties", v2, 0, 1, fn_get_user_properties},
}};

Json cast_to_decimal(const Json& value, SqlVersion version) {
    if (value.is_boolean()) return make_decimal(value.get<bool>() ? 1.0 : 0.0, version);
    if (is_int(value) && version == SqlVersion::v2015_10_08) return Json(decimal_of(value));
    if (is_int(value)) return value;
    const auto decimal = to_decimal(value);
    return decimal ? make_decimal(*decimal, version) : undefined();
}

}  // namespace

const Function* find_function(std::string_view name) {
    const auto lower = to_lower(name);
    for (const auto table :
         {std::span<const Function>(core_table), string_functions(), math_functions()}) {
        for (const auto& function : table) {
            if (function.name == lower) return &function;
        }
    }
    return nullptr;
}

// cast() [DG iot-sql-functions cast]: the standard conversions plus numbers ⇄ Booleans.
Json cast_value(const Json& value, CastType type, SqlVersion version) {
    switch (type) {
        case CastType::string: {
            const auto text = to_string(value);
            return text ? Json(*text) : undefined();
        }
        case CastType::integer: {
            if (value.is_boolean()) return make_int(value.get<bool>() ? 1 : 0);
            if (is_int(value)) return value;
            const auto decimal = to_decimal(value);
            if (!decimal || !std::isfinite(*decimal)) return undefined();
            const auto floored = std::floor(*decimal);  // "rounded down to the nearest Int"
            if (std::fabs(floored) >= 9223372036854775808.0) return Json(floored);
            return make_int(static_cast<std::int64_t>(floored));
        }
        case CastType::decimal:
        case CastType::double_precision:
            return cast_to_decimal(value, version);
        case CastType::boolean: {
            if (value.is_number()) return decimal_of(value) != 0;
            const auto boolean = to_boolean(value);
            return boolean ? Json(*boolean) : undefined();
        }
    }
    return undefined();
}

}  // namespace iotemu::rules::sql::detail
