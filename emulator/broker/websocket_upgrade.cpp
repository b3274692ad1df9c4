// SigV4 query-string signing as AWS's SDKs and the Developer Guide's sample build it
// (docs/aws/data-plane.md §2.2), and RFC 6455's opening handshake: parsed and checked for shape,
// never for the signature itself.
#include "broker/websocket_upgrade.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>
#include <vector>

#include "common/aws_error.hpp"

namespace iotemu::broker {
namespace {

[[noreturn]] void forbid(const std::string& why) {
    throw AwsError(aws_errors::forbidden, "The request signature is not valid: " + why);
}

[[noreturn]] void refuse(const std::string& why) {
    throw AwsError(aws_errors::invalid_request, why);
}

std::string required(const api::Call& call, std::string_view name) {
    auto value = call.query(name);
    if (!value || value->empty()) forbid(std::string(name) + " is missing");
    return std::move(*value);
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    for (std::size_t start = 0;;) {
        const auto end = text.find(separator, start);
        parts.push_back(text.substr(start, end - start));
        if (end == std::string_view::npos) return parts;
        start = end + 1;
    }
}

bool all_of(std::string_view text, int (*is)(int)) {
    return std::all_of(text.begin(), text.end(),
                       [is](char c) { return is(static_cast<unsigned char>(c)) != 0; });
}

int is_lower_hex_digit(int c) { return std::isdigit(c) || (c >= 'a' && c <= 'f'); }

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

// Whether the comma-separated header `name` lists `token` (case-insensitive, as RFC 7230 says).
bool header_lists(const api::Call& call, std::string_view name, std::string_view token) {
    const auto value = call.header(name);
    if (!value) return false;
    const auto items = split(*value, ',');
    return std::any_of(items.begin(), items.end(), [&](std::string_view item) {
        return equal_ignoring_case(trimmed(item), token);
    });
}

SigV4Principal check_presigned_query(const api::Call& call) {
    if (required(call, "X-Amz-Algorithm") != "AWS4-HMAC-SHA256")
        forbid("X-Amz-Algorithm is not AWS4-HMAC-SHA256");

    const auto credential = required(call, "X-Amz-Credential");
    const auto scope = split(credential, '/');
    if (scope.size() != 5 || scope[0].empty() || scope[1].size() != 8 ||
        !all_of(scope[1], std::isdigit) || scope[2].empty() || scope[4] != "aws4_request")
        forbid("X-Amz-Credential is not <key>/<yyyymmdd>/<region>/<service>/aws4_request");
    // The device gateway's signing name; botocore's iot-data model says iotdata (§0).
    if (scope[3] != "iotdevicegateway" && scope[3] != "iotdata")
        forbid("X-Amz-Credential is not scoped to the service iotdevicegateway");

    const auto date = required(call, "X-Amz-Date");
    const std::string_view day = std::string_view(date).substr(0, 8);
    if (date.size() != 16 || date[8] != 'T' || date[15] != 'Z' || !all_of(day, std::isdigit) ||
        !all_of(std::string_view(date).substr(9, 6), std::isdigit))
        forbid("X-Amz-Date is not yyyymmddThhmmssZ");
    if (day != scope[1]) forbid("X-Amz-Date is not the day of X-Amz-Credential");

    const auto signed_headers = required(call, "X-Amz-SignedHeaders");
    const auto names = split(signed_headers, ';');
    if (std::find(names.begin(), names.end(), "host") == names.end())
        forbid("X-Amz-SignedHeaders does not include host");

    const auto signature = required(call, "X-Amz-Signature");
    if (signature.size() != 64 || !all_of(signature, is_lower_hex_digit))
        forbid("X-Amz-Signature is not 64 lower-case hexadecimal digits");

    return {std::string(scope[0]), std::string(scope[2])};
}

// The first subprotocol offered that is MQTT's: clients differ (docs/aws/data-plane.md §2.1).
std::string choose_subprotocol(const api::Call& call) {
    const auto offered = call.header("sec-websocket-protocol");
    if (!offered) return {};
    constexpr std::array<std::string_view, 3> ours{"mqtt", "mqttv3.1.1", "mqttv3.1"};
    for (const auto name : split(*offered, ','))
        for (const auto our : ours)
            if (trimmed(name) == our) return std::string(our);
    refuse("None of the WebSocket subprotocols offered (" + *offered +
           ") is mqtt, mqttv3.1.1 or mqttv3.1");
}

}  // namespace

WebSocketUpgrade check_websocket_upgrade(const api::Call& call) {
    auto principal = check_presigned_query(call);
    // RFC 6455 §4.2.1: what makes a GET an opening handshake.
    if (!header_lists(call, "upgrade", "websocket") || !header_lists(call, "connection", "upgrade"))
        refuse("GET /mqtt must be a WebSocket upgrade (Connection: Upgrade, Upgrade: websocket)");
    if (trimmed(call.header("sec-websocket-version").value_or("")) != "13")
        refuse("Sec-WebSocket-Version must be 13");
    if (trimmed(call.header("sec-websocket-key").value_or("")).size() != 24)
        refuse("Sec-WebSocket-Key must be 16 bytes in base64");
    return {std::move(principal), choose_subprotocol(call)};
}

}  // namespace iotemu::broker
