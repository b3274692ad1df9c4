// Router: which service a request is for, which handler of that service, and every outcome → a
// Response in that service's protocol. Owns splitting, percent-decoding, precedence and the one
// catch; must never know an operation's shape.
#include "api/router.hpp"

#include <array>
#include <cctype>
#include <optional>

#include <nlohmann/json.hpp>

#include "api/errors.hpp"
#include "api/json_protocol.hpp"
#include "api/query_protocol.hpp"
#include "api/sigv4.hpp"
#include "api/url.hpp"
#include "common/log.hpp"
#include "common/random.hpp"

namespace iotemu::api {
namespace {

// SigV4 signing names answered by method and path. iot-data signs as "iotdata" (botocore) or
// "iotdevicegateway" (AWS's REST shadow guide), LocalStack-style clients as "execute-api".
constexpr std::array<std::string_view, 6> rest_json_signing_names{
    "iot", "iotdata", "iotdevicegateway", "iot-jobs-data", "lambda", "execute-api"};

bool is_rest_json_signing_name(std::string_view name) {
    for (const auto known : rest_json_signing_names)
        if (known == name) return true;
    return false;
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

std::string_view raw_path(const Request& request) {
    const std::string_view target = request.target;
    return target.substr(0, target.find('?'));
}

std::string_view raw_query(const Request& request) {
    const std::string_view target = request.target;
    const auto question = target.find('?');
    return question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
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

std::string too_large_message(std::size_t limit, std::string_view operation) {
    if (operation.empty())
        return "Request body exceeds the limit of " + std::to_string(limit) + " bytes";
    return "Request must be smaller than " + std::to_string(limit) + " bytes for the " +
           std::string(operation) + " operation";
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
    return true;
}

}  // namespace

// Where a request goes: its protocol, and for JSON 1.1 and query the service when known.
struct Router::Resolution {
    Protocol protocol = Protocol::rest_json;
    const Service* service = nullptr;
    std::optional<Parameters> form;  // query: URL query + form body members; nullopt if malformed
    std::string unserved;            // a SigV4 service name the emulator does not serve
};

Router::Service& Router::service_for(const RpcService& description) {
    for (auto& service : services_)
        if (service.description.signing_name == description.signing_name) return service;
    services_.push_back(Service{description, {}, {}});
    return services_.back();
}

void Router::add(std::string method, std::string pattern, Handler handler, BodyLimit limit) {
    Route route{std::move(method), {}, std::move(handler), limit};
    for (const auto segment : path_segments(pattern)) route.segments.emplace_back(segment);
    routes_.push_back(std::move(route));
}

void Router::add_json_operation(const RpcService& service, std::string operation,
                                JsonHandler handler) {
    service_for(service).json_operations.emplace(std::move(operation), std::move(handler));
}

void Router::add_query_operation(const RpcService& service, std::string action,
                                 QueryHandler handler) {
    service_for(service).query_operations.emplace(std::move(action), std::move(handler));
}

Router::Resolution Router::resolve(const Request& request) const {
    Resolution where;
    const auto find = [&](auto&& matches) -> const Service* {
        for (const auto& service : services_)
            if (matches(service.description)) return &service;
        return nullptr;
    };
    // A query call's members: the URL query's, then the form body's; nullopt when malformed.
    const auto query_members = [&]() -> std::optional<Parameters> {
        auto members = parse_query(raw_query(request));
        auto body = parse_form(request.body);
        if (!body) return std::nullopt;
        members.insert(members.end(), body->begin(), body->end());
        return members;
    };

    if (const auto scope = credential_scope(request)) {
        where.service = find([&](const RpcService& s) { return s.signing_name == scope->service; });
        if (where.service) {
            where.protocol = where.service->description.protocol;
            if (where.protocol == Protocol::query) where.form = query_members();
            return where;
        }
        if (is_rest_json_signing_name(scope->service)) return where;
        where.unserved = scope->service;  // then look for the other hints
    }
    // JSON 1.1 and query services are all called on "/"; iot-data's form-typed POSTs (curl -d)
    // to /topics/… stay rest-json.
    if (raw_path(request) != "/") return where;
    if (const std::string* target = request.header("x-amz-target")) {
        const std::string_view prefix = std::string_view(*target).substr(0, target->find('.'));
        where.protocol = Protocol::json;
        where.service = find([&](const RpcService& s) {
            return s.protocol == Protocol::json && s.target_prefix == prefix;
        });
        return where;
    }
    const std::string* content_type = request.header("content-type");
    const bool form_body =
        content_type != nullptr &&
        starts_with_ignoring_case(*content_type, "application/x-www-form-urlencoded");
    if (!form_body && !find_parameter(parse_query(raw_query(request)), "Action")) return where;
    where.protocol = Protocol::query;
    where.form = query_members();
    if (!where.form) return where;
    // Version names the service; without one, the service that has the action.
    const auto version = find_parameter(*where.form, "Version");
    const auto action = find_parameter(*where.form, "Action").value_or("");
    where.service = find([&](const RpcService& s) {
        return s.protocol == Protocol::query && version && s.version == *version;
    });
    for (const auto& service : services_)
        if (!where.service && service.query_operations.count(action)) where.service = &service;
    return where;
}

const Router::Service* Router::error_namespace_for(const Resolution& where) const {
    if (where.service) return where.service;
    for (const auto& service : services_)
        if (service.description.protocol == where.protocol) return &service;
    return nullptr;
}

const Router::Route* Router::find_route(const Request& request,
                                        std::map<std::string, std::string>* parameters) const {
    // Split before decoding: an ARN's encoded '/' (%2F) stays inside its segment.
    std::vector<std::string> segments;
    for (const auto segment : path_segments(raw_path(request)))
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
    if (best && parameters) *parameters = std::move(best_match->parameters);
    return best;
}

std::size_t Router::body_limit(const Request& head) const {
    const auto where = resolve(head);
    if (where.service) return where.service->description.body_limit;
    if (where.protocol != Protocol::rest_json) return default_body_limit;
    const Route* route = find_route(head, nullptr);
    return route ? route->limit.bytes : default_body_limit;
}

AwsError Router::too_large(const Request& request, const Resolution& where) const {
    if (where.service)
        return AwsError(aws_errors::request_entity_too_large,
                        too_large_message(where.service->description.body_limit, {}));
    const Route* route =
        where.protocol == Protocol::rest_json ? find_route(request, nullptr) : nullptr;
    const BodyLimit limit = route ? route->limit : BodyLimit{};
    return AwsError(limit.error_code, too_large_message(limit.bytes, limit.operation));
}

Response Router::route_rest_json(const Request& request, const Resolution& where) const {
    std::map<std::string, std::string> parameters;
    const Route* route = find_route(request, &parameters);
    // AWS answers an unrouted request (unknown path, or a known path with another method) with
    // UnknownOperationException; we give it 404 (docs/aws/iot-core.md §0.1 has no status for it).
    if (!route) {
        std::string message =
            "No operation matches " + request.method + " " + std::string(raw_path(request));
        if (!where.unserved.empty())
            message += " (the request is signed for the service '" + where.unserved +
                       "', which iot-emulator does not serve)";
        throw AwsError(aws_errors::unknown_operation, std::move(message));
    }
    Call call(request, std::move(parameters), parse_query(raw_query(request)));
    return route->handler(call);
}

Response Router::route_json(const Request& request, const Resolution& where) const {
    const std::string* target = request.header("x-amz-target");
    if (!where.service)
        throw AwsError(aws_errors::unknown_operation,
                       "iot-emulator serves no JSON service for X-Amz-Target '" +
                           (target ? *target : std::string()) + "'");
    const auto& description = where.service->description;
    const std::string prefix = description.target_prefix + ".";
    if (!target || target->compare(0, prefix.size(), prefix) != 0)
        throw AwsError(aws_errors::unknown_operation,
                       "X-Amz-Target must name an operation as " + prefix + "<Operation>");
    const auto operation = where.service->json_operations.find(target->substr(prefix.size()));
    if (operation == where.service->json_operations.end())
        throw AwsError(aws_errors::unknown_operation,
                       "Unknown operation " + *target + " (" + description.name + ")");
    Call call(request, {}, parse_query(raw_query(request)), Protocol::json);
    return json_protocol::response(operation->second(call));
}

Response Router::route_query(const Request& request, const Resolution& where,
                             const std::string& request_id) const {
    if (!where.form)
        throw AwsError(aws_errors::query::malformed_query_string,
                       "The request body is not a well-formed form "
                       "(application/x-www-form-urlencoded)");
    const auto action = find_parameter(*where.form, "Action");
    if (!action || action->empty())
        throw AwsError(aws_errors::query::missing_action,
                       "The request is missing an action or a required parameter");
    const auto version = find_parameter(*where.form, "Version").value_or("");
    const auto not_found = [&] {
        return AwsError(aws_errors::query::invalid_action,
                        "Could not find operation " + *action + " for version " +
                            (version.empty() ? std::string("(none)") : version));
    };
    if (!where.service) throw not_found();
    const auto operation = where.service->query_operations.find(*action);
    if (operation == where.service->query_operations.end()) throw not_found();
    Call call(request, {}, *where.form, Protocol::query);
    return query_protocol::response(where.service->description, *action, operation->second(call),
                                    request_id);
}

Response Router::dispatch(const Request& request) const {
    const std::string request_id = random_uuid();
    const auto where = resolve(request);
    const auto path = raw_path(request);
    const auto render = [&](const AwsError& error) {
        switch (where.protocol) {
            case Protocol::json:
                return json_protocol::error_response(error);
            case Protocol::query: {
                // An unknown query service still answers in the query shape, under some
                // service's namespace (botocore ignores it).
                const Service* service = error_namespace_for(where);
                return query_protocol::error_response(
                    service ? std::string_view(service->description.xml_namespace) : "", error,
                    request_id);
            }
            case Protocol::rest_json:
                break;
        }
        return error_response(error);
    };
    const auto internal_failure = [&] {
        return render(AwsError(aws_errors::internal_failure,
                               "An internal error occurred (request " + request_id + ")."));
    };

    Response response;
    try {
        if (request.body_too_large) throw too_large(request, where);
        switch (where.protocol) {
            case Protocol::rest_json:
                response = route_rest_json(request, where);
                break;
            case Protocol::json:
                response = route_json(request, where);
                break;
            case Protocol::query:
                response = route_query(request, where, request_id);
                break;
        }
    } catch (const AwsError& error) {
        log::debug("api", request_id, " ", request.method, " ", path, ": ", error.code(), ": ",
                   error.message());
        response = render(error);
    } catch (const std::exception& error) {
        log::error("api", request_id, " ", request.method, " ", path,
                   ": unexpected failure: ", error.what());
        response = internal_failure();
    } catch (...) {
        log::error("api", request_id, " ", request.method, " ", path,
                   ": unexpected failure of unknown type");
        response = internal_failure();
    }
    response.headers.emplace_back("x-amzn-RequestId", request_id);
    return response;
}

}  // namespace iotemu::api
