// The http action {"url": "…", "headers": [{"key", "value"}], …} [DG https-rule-action]: POSTs
// the SELECT output through the engine's HttpPoster, so the worker moves on at once. URL and header
// values may hold substitution templates. Only loopback hosts unless HttpOptions allows any (an
// emulator should not reach out by surprise); `https://` URLs load but fail when they fire, since
// the emulator speaks plain HTTP only. confirmationUrl, auth and batching are accepted and ignored
// (no destination confirmation offline).
#include <cctype>
#include <optional>

#include <nlohmann/json.hpp>

#include "rules/engine/action_config.hpp"
#include "rules/engine/http_post.hpp"

namespace iotemu::rules::detail {
namespace {

constexpr std::size_t max_url = 2000;     // [M Url]
constexpr std::size_t max_headers = 100;  // [M HeaderList]

struct Url {
    std::string scheme;
    std::string host;
    std::string port;
    std::string target;
};

std::optional<Url> parse_url(std::string_view text) {
    Url url;
    const auto colon = text.find("://");
    if (colon == std::string_view::npos) return std::nullopt;
    url.scheme = std::string(text.substr(0, colon));
    for (auto& c : url.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto rest = text.substr(colon + 3);
    const auto slash = rest.find_first_of("/?");
    auto authority = rest.substr(0, slash);
    url.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    if (url.target.front() == '?') url.target.insert(0, "/");
    if (authority.find('@') != std::string_view::npos) return std::nullopt;
    if (authority.starts_with("[")) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        url.host = std::string(authority.substr(1, close - 1));
        authority.remove_prefix(close + 1);
        if (!authority.empty() && authority.front() != ':') return std::nullopt;
        if (!authority.empty()) url.port = std::string(authority.substr(1));
    } else {
        const auto port = authority.rfind(':');
        url.host = std::string(authority.substr(0, port));
        if (port != std::string_view::npos) url.port = std::string(authority.substr(port + 1));
    }
    if (url.host.empty()) return std::nullopt;
    if (url.port.empty()) url.port = url.scheme == "https" ? "443" : "80";
    for (const char c : url.port)
        if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    return url;
}

bool is_loopback(std::string host) {
    for (auto& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return host == "localhost" || host == "127.0.0.1" || host == "::1";
}

struct Header {
    std::string key;
    sql::Template value;
};

class HttpAction final : public Action {
public:
    HttpAction(sql::Template url, std::vector<Header> headers)
        : url_(std::move(url)), headers_(std::move(headers)) {}

    std::string_view kind() const override { return "http"; }
    std::string_view failed_action_name() const override { return "HttpAction"; }

    void run(const Firing& firing, const ActionEnv& env,
             std::function<void(ActionResult)> done) const override {
        std::string text = sql::render(url_, firing.payload, firing.context);
        const auto url = parse_url(text);
        if (!url || (url->scheme != "http" && url->scheme != "https"))
            return done({false, text, "'" + text + "' is not an http(s) URL"});
        if (url->scheme == "https")
            return done({false, text, "the emulator's http action speaks plain HTTP only"});
        if (!env.http.allow_any_host && !is_loopback(url->host))
            return done({false, text,
                         "host '" + url->host +
                             "' is not loopback; the emulator posts only to localhost unless "
                             "allowed to post anywhere"});
        HttpRequest request{url->host, url->port, url->target, {}, firing.output};
        request.headers.emplace_back("content-type", firing.output_is_json
                                                         ? "application/json"
                                                         : "application/octet-stream");
        for (const auto& header : headers_)
            request.headers.emplace_back(header.key,
                                         sql::render(header.value, firing.payload, firing.context));
        if (!env.http_poster) return done({false, text, "no http client is available"});
        env.http_poster->post(std::move(request), env.http.timeout,
                              [text, done = std::move(done)](HttpOutcome outcome) {
                                  done({outcome.ok, text, std::move(outcome.error)});
                              });
    }

private:
    sql::Template url_;
    std::vector<Header> headers_;
};

}  // namespace

std::shared_ptr<const Action> parse_http_action(const nlohmann::json& config,
                                                std::string_view where, sql::SqlVersion version) {
    const auto url = required_string(config, "url", where);
    if (url.size() > max_url)
        invalid_action("1 validation error detected: Value at '" + std::string(where) +
                       ".url' failed to satisfy constraint: Member must have length less than or "
                       "equal to 2000");
    auto url_template = template_of(url, "url", where, version);
    if (!url_template.has_substitutions()) {
        const auto parsed = parse_url(url);
        if (!parsed || (parsed->scheme != "http" && parsed->scheme != "https"))
            invalid_action("Invalid " + std::string(where) + ".url '" + url +
                           "': expected an http:// or https:// URL");
    }
    optional_string(config, "confirmationUrl", where);
    std::vector<Header> headers;
    const std::string headers_where = std::string(where) + ".headers";
    if (const auto it = config.find("headers"); it != config.end() && !it->is_null()) {
        if (!it->is_array())
            invalid_action("Invalid type for member '" + headers_where + "': expected a list");
        if (it->size() > max_headers)
            invalid_action("1 validation error detected: Value at '" + headers_where +
                           "' failed to satisfy constraint: Member must have length less than "
                           "or equal to 100");
        for (std::size_t i = 0; i < it->size(); ++i) {
            const auto& header = (*it)[i];
            const std::string at = headers_where + "[" + std::to_string(i + 1) + "]";
            if (!header.is_object())
                invalid_action("Invalid type for member '" + at + "': expected an object");
            auto key = required_string(header, "key", at);
            if (key.empty() || key.size() > 256)
                invalid_action("1 validation error detected: Value '" + key + "' at '" + at +
                               ".key' failed to satisfy constraint: Member must have length "
                               "between 1 and 256");
            const auto value = required_string(header, "value", at);
            headers.push_back(Header{std::move(key), template_of(value, "value", at, version)});
        }
    }
    return std::make_shared<HttpAction>(std::move(url_template), std::move(headers));
}

}  // namespace iotemu::rules::detail
