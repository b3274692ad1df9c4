// Fuzzes IoT SQL: a statement (and the same text as a substitution template) parsed, then
// evaluated over a payload. Input: SQL, NUL, payload (JSON or any bytes), NUL, MQTT 5 user
// property value. No rules engine, no bus.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "input.hpp"
#include "rules/sql/sql.hpp"
#include "rules/sql/template.hpp"

using namespace iotemu::rules::sql;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    iotemu::fuzz::Fields input(data, size);
    const auto sql = input.next();
    const auto payload = input.next();
    Context context{.topic = "things/dev-1/telemetry",
                    .client_id = "dev-1",
                    .principal = "0123abcd",
                    .timestamp_ms = 1'700'000'000'000,
                    .account_id = "123456789012",
                    .trace_id = "trace"};
    context.properties.user_properties.push_back({"k", std::string(input.next())});
    context.properties.content_type = "application/json";

    for (const auto version : {SqlVersion::v2015_10_08, SqlVersion::v2016_03_23}) {
        if (const auto statement = parse(sql, version)) {
            // As the rules engine renders an output: invalid UTF-8 replaced, never thrown.
            if (auto out = evaluate(*statement, payload, context))
                (void)out->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        }
    }
    if (const auto tmpl = parse_template(sql)) (void)render(*tmpl, payload, context);
    return 0;
}
