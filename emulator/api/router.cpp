// Router: raw request target → route → handler, and every outcome → a Response. Owns splitting,
// percent-decoding and precedence; must never know an operation's shape.
#include "api/router.hpp"

#include <map>
#include <optional>
#include <string_view>

#include "api/errors.hpp"
#include "common/aws_error.hpp"
#include "common/log.hpp"
#include "common/random.hpp"

namespace iotemu::api {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// RFC 3986 decoding; a '%' not followed by two hex digits stays as it is. In query strings a
// '+' is a space (form encoding); in paths it is itself (spec: botocore sends spaces as %20).
std::string percent_decode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%' && i + 2 < text.size()) {
            const int high = hex_value(text[i + 1]);
            const int low = hex_value(text[i + 2]);
            if (high >= 0 && low >= 0) {
                out.push_back(static_cast<char>(high * 16 + low));
                i += 2;
                continue;
            }
        }
        out.push_back(plus_is_space && c == '+' ? ' ' : c);
    }
    return out;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (;;) {
        const auto end = text.find(separator, start);
        parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) return parts;
        start = end + 1;
    }
}

// "/a/b" → {"a", "b"}; "/" and "" → {""}.
std::vector<std::string_view> path_segments(std::string_view path) {
    if (!path.empty() && path.front() == '/') path.remove_prefix(1);
    return split(path, '/');
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query) {
    std::vector<std::pair<std::string, std::string>> out;
    if (query.empty()) return out;
    for (const auto part : split(query, '&')) {
        if (part.empty()) continue;
        const auto equals = part.find('=');
        const auto key = part.substr(0, equals);
        const auto value =
            equals == std::string_view::npos ? std::string_view{} : part.substr(equals + 1);
        out.emplace_back(percent_decode(key, true), percent_decode(value, true));
    }
    return out;
}

bool is_parameter(std::string_view segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}
bool is_greedy(std::string_view segment) {
    return is_parameter(segment) && segment[segment.size() - 2] == '+';
}
// "{name}" and "{name+}" → "name".
std::string parameter_name(std::string_view segment) {
    segment = segment.substr(1, segment.size() - (is_greedy(segment) ? 3 : 2));
    return std::string(segment);
}

// Precedence per segment: a literal beats a parameter, which beats a greedy capture. Routes
// compare by these ranks left to right, so /thing-groups/addThingToThingGroup wins over
// /thing-groups/{thingGroupName}.
enum Rank { literal = 0, parameter = 1, greedy = 2 };

struct Match {
    std::vector<int> ranks;
    std::map<std::string, std::string> parameters;
};

std::optional<Match> match(const std::vector<std::string>& pattern,
                           const std::vector<std::string>& segments) {
    Match result;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const std::string& want = pattern[i];
        if (is_greedy(want)) {
            if (i >= segments.size()) return std::nullopt;
            std::string rest = segments[i];
            for (std::size_t j = i + 1; j < segments.size(); ++j)
                rest.append("/").append(segments[j]);
            if (rest.empty()) return std::nullopt;
            result.parameters[parameter_name(want)] = std::move(rest);
            result.ranks.push_back(greedy);
            return result;
        }
        if (i >= segments.size()) return std::nullopt;
        if (is_parameter(want)) {
            if (segments[i].empty()) return std::nullopt;
            result.parameters[parameter_name(want)] = segments[i];
            result.ranks.push_back(parameter);
        } else {
            if (segments[i] != want) return std::nullopt;
            result.ranks.push_back(literal);
        }
    }
    if (pattern.size() != segments.size()) return std::nullopt;
    return result;
}

}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler) {
    Route route{std::move(method), {}, std::move(handler)};
    for (const auto segment : path_segments(pattern)) route.segments.emplace_back(segment);
    routes_.push_back(std::move(route));
}

Response Router::dispatch(const Request& request) const {
    const std::string request_id = random_uuid();
    const std::string_view target = request.target;
    const auto question = target.find('?');
    const std::string_view raw_path = target.substr(0, question);
    const std::string_view raw_query =
        question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);

    Response response;
    try {
        // Split before decoding: an ARN's encoded '/' (%2F) stays inside its segment.
        std::vector<std::string> segments;
        for (const auto segment : path_segments(raw_path))
            segments.push_back(percent_decode(segment, false));

        const Route* best = nullptr;
        std::optional<Match> best_match;
        for (const auto& route : routes_) {
            if (route.method != request.method) continue;
            auto found = match(route.segments, segments);
            if (found && (!best_match || found->ranks < best_match->ranks)) {
                best = &route;
                best_match = std::move(found);
            }
        }
        // AWS answers an unrouted request (unknown path, or a known path with another method)
        // with UnknownOperationException; we give it 404 (docs/aws/iot-core.md §0.1 has no status
        // for it).
        if (!best)
            throw AwsError(aws_errors::unknown_operation,
                           "No operation matches " + request.method + " " + std::string(raw_path));

        Call call(request, std::move(best_match->parameters), parse_query(raw_query));
        response = best->handler(call);
    } catch (const AwsError& error) {
        log::debug("api", request_id, " ", request.method, " ", raw_path, ": ", error.code(), ": ",
                   error.message());
        response = error_response(error);
    } catch (const std::exception& error) {
        log::error("api", request_id, " ", request.method, " ", raw_path,
                   ": unexpected failure: ", error.what());
        response =
            error_response(AwsError(aws_errors::internal_failure,
                                    "An internal error occurred (request " + request_id + ")."));
    } catch (...) {
        log::error("api", request_id, " ", request.method, " ", raw_path,
                   ": unexpected failure of unknown type");
        response =
            error_response(AwsError(aws_errors::internal_failure,
                                    "An internal error occurred (request " + request_id + ")."));
    }
    response.headers.emplace_back("x-amzn-RequestId", request_id);
    return response;
}

}  // namespace iotemu::api
