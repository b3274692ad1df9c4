// An init file's entries as API requests, and their application in order. Every member a file
// may hold is read here; anything else is an error naming where it is, so a typo never passes
// silently.
#include "app/init_file.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "api/url.hpp"
#include "common/base64.hpp"
#include "pki/certificate.hpp"
#include "pki/issue.hpp"
#include "pki/key.hpp"

namespace iotemu::app {
namespace {

using nlohmann::json;

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// One entry of one section, with the context its errors need.
class Entry {
public:
    Entry(const json& value, std::string where, const std::filesystem::path& base)
        : value_(value), where_(std::move(where)), base_(base) {
        if (!value_.is_object()) fail("must be a JSON object");
    }

    const std::string& where() const { return where_; }
    [[noreturn]] void fail(const std::string& message) const {
        throw InitError(where_ + ": " + message);
    }

    // Refuses members outside `allowed` (a typo would otherwise be ignored).
    void only(std::initializer_list<std::string_view> allowed) const {
        for (const auto& [name, member] : value_.items())
            if (std::find(allowed.begin(), allowed.end(), name) == allowed.end())
                fail("unknown member \"" + name + "\"");
    }
    bool has(const char* name) const { return value_.contains(name); }
    std::optional<std::string> string(const char* name) const {
        if (!has(name)) return std::nullopt;
        if (!value_[name].is_string()) fail(std::string("\"") + name + "\" must be a string");
        return value_[name].get<std::string>();
    }
    std::string required(const char* name) const {
        auto text = string(name);
        if (!text) fail(std::string("\"") + name + "\" is missing");
        return *text;
    }
    const json& member(const char* name) const { return value_[name]; }
    // A PEM given inline ("-----BEGIN …") or as a path relative to the init file.
    std::optional<std::string> pem(const char* name) const {
        auto text = string(name);
        if (!text || text->starts_with("-----BEGIN")) return text;
        try {
            return read_file(path(*text));
        } catch (const std::exception& e) {
            fail(std::string("\"") + name + "\": " + e.what());
        }
    }
    std::filesystem::path path(const std::string& relative) const {
        return (base_ / relative).lexically_normal();
    }

private:
    const json& value_;
    std::string where_;
    std::filesystem::path base_;
};

api::Request request(std::string method, std::string target, const json& body = json::object()) {
    api::Request r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.headers.emplace_back("content-type", "application/json");
    r.body = body.dump();
    r.remote_address = "--init";
    return r;
}

std::string certificate_arn(const Entry& entry, const std::string& pem,
                            const model::Account& account) {
    auto certificate = pki::X509Certificate::from_pem(pem);
    if (!certificate) entry.fail("\"certificate\": " + certificate.error().message);
    return account.arn("cert", certificate.value().id());
}

// The sections, in the order they are applied (each may refer to the ones before it).
const std::vector<std::string_view> sections = {"caCertificates", "certificates", "things",
                                                "policies",       "attachments",  "topicRules",
                                                "functions"};

}  // namespace

InitPlan parse_init_file(const std::filesystem::path& file, const model::Account& account) {
    const std::string prefix = "init file " + file.string() + ": ";
    json document;
    try {
        document = json::parse(read_file(file));
    } catch (const std::exception& e) {
        throw InitError(prefix + e.what());
    }
    if (!document.is_object()) throw InitError(prefix + "must be a JSON object");
    for (const auto& [name, value] : document.items()) {
        if (std::find(sections.begin(), sections.end(), name) == sections.end())
            throw InitError(prefix + "unknown section \"" + name +
                            "\" (known: caCertificates, "
                            "certificates, things, policies, attachments, topicRules, "
                            "functions)");
        if (!value.is_array()) throw InitError(prefix + "\"" + name + "\" must be an array");
    }
    const auto base = std::filesystem::absolute(file).parent_path();
    InitPlan plan;
    const auto each = [&](const char* section, auto&& parse) {
        if (!document.contains(section)) return;
        const auto& list = document[section];
        for (std::size_t i = 0; i < list.size(); ++i) {
            const auto where = prefix + section + "[" + std::to_string(i) + "]";
            try {
                parse(Entry(list[i], where, base));
            } catch (const InitError&) {
                throw;
            } catch (const std::exception& e) {
                throw InitError(where + ": " + e.what());
            }
        }
    };

    each("caCertificates", [&](const Entry& e) {
        e.only({"certificate", "key", "verificationCertificate", "status", "autoRegistration",
                "registrationConfig"});
        if (!e.has("certificate")) e.fail("\"certificate\" is missing");
        InitCa ca;
        ca.entry = e.where();
        ca.certificate_pem = *e.pem("certificate");
        ca.key_pem = e.pem("key");
        ca.verification_certificate = e.pem("verificationCertificate");
        if (!ca.key_pem && !ca.verification_certificate)
            e.fail(
                "needs \"key\" (the loader signs the verification certificate with it) or "
                "\"verificationCertificate\"");
        const auto status = e.string("status").value_or("ACTIVE");
        if (status != "ACTIVE" && status != "INACTIVE")
            e.fail("\"status\" must be ACTIVE or INACTIVE");
        ca.set_as_active = status == "ACTIVE";
        const auto auto_registration = e.string("autoRegistration").value_or("DISABLE");
        if (auto_registration != "ENABLE" && auto_registration != "DISABLE")
            e.fail("\"autoRegistration\" must be ENABLE or DISABLE");
        ca.allow_auto_registration = auto_registration == "ENABLE";
        if (e.has("registrationConfig"))
            ca.body_extra = json{{"registrationConfig", e.member("registrationConfig")}}.dump();
        plan.ca_certificates.push_back(std::move(ca));
    });

    each("certificates", [&](const Entry& e) {
        e.only({"certificate", "caCertificate", "status"});
        if (!e.has("certificate")) e.fail("\"certificate\" is missing");
        json body{{"certificatePem", *e.pem("certificate")},
                  {"status", e.string("status").value_or("ACTIVE")}};
        if (auto ca = e.pem("caCertificate")) {
            body["caCertificatePem"] = *ca;
            plan.requests.push_back({e.where(), request("POST", "/certificate/register", body)});
        } else {
            plan.requests.push_back(
                {e.where(), request("POST", "/certificate/register-no-ca", body)});
        }
    });

    each("things", [&](const Entry& e) {
        e.only({"thingName", "thingTypeName", "attributes"});
        const auto name = e.required("thingName");
        json body = json::object();
        if (auto type = e.string("thingTypeName")) body["thingTypeName"] = *type;
        if (e.has("attributes"))
            body["attributePayload"] = {{"attributes", e.member("attributes")}};
        plan.requests.push_back({e.where() + " (\"" + name + "\")",
                                 request("POST", "/things/" + api::percent_encode(name), body)});
    });

    each("policies", [&](const Entry& e) {
        e.only({"policyName", "policyDocument"});
        const auto name = e.required("policyName");
        if (!e.has("policyDocument")) e.fail("\"policyDocument\" is missing");
        const auto& document = e.member("policyDocument");
        // An object, as people write it, or the string the API takes.
        const auto text = document.is_string() ? document.get<std::string>() : document.dump();
        plan.requests.push_back({e.where() + " (\"" + name + "\")",
                                 request("POST", "/policies/" + api::percent_encode(name),
                                         {{"policyDocument", text}})});
    });

    each("attachments", [&](const Entry& e) {
        e.only({"certificate", "policyName", "thingName"});
        if (!e.has("certificate")) e.fail("\"certificate\" is missing");
        const auto arn = certificate_arn(e, *e.pem("certificate"), account);
        const auto policy = e.string("policyName");
        const auto thing = e.string("thingName");
        if (!policy && !thing) e.fail("needs \"policyName\" or \"thingName\" (or both)");
        if (policy)
            plan.requests.push_back(
                {e.where() + " (policy \"" + *policy + "\")",
                 request("PUT", "/target-policies/" + api::percent_encode(*policy),
                         {{"target", arn}})});
        if (thing) {
            auto attach = request("PUT", "/things/" + api::percent_encode(*thing) + "/principals");
            attach.headers.emplace_back("x-amzn-principal", arn);
            plan.requests.push_back({e.where() + " (thing \"" + *thing + "\")", std::move(attach)});
        }
    });

    each("topicRules", [&](const Entry& e) {
        e.only({"ruleName", "topicRulePayload"});
        const auto name = e.required("ruleName");
        if (!e.has("topicRulePayload")) e.fail("\"topicRulePayload\" is missing");
        plan.requests.push_back(
            {e.where() + " (\"" + name + "\")",
             request("POST", "/rules/" + api::percent_encode(name), e.member("topicRulePayload"))});
    });

    each("functions", [&](const Entry& e) {
        e.only({"functionName", "runtime", "handler", "code", "timeout", "role"});
        const auto name = e.required("functionName");
        const auto runtime = e.required("runtime");
        const auto handler = e.required("handler");
        const auto code = e.path(e.required("code"));
        const auto where = e.where() + " (\"" + name + "\")";
        if (std::filesystem::is_directory(code)) {
            if (e.has("timeout") || e.has("role"))
                e.fail("\"timeout\" and \"role\" need \"code\" to be a zip file");
            plan.functions.push_back({where, {name, runtime, handler, code}});
            return;
        }
        if (!std::filesystem::is_regular_file(code))
            e.fail("\"code\": " + code.string() + " is neither a folder nor a zip file");
        json body{{"FunctionName", name},
                  {"Runtime", runtime},
                  {"Handler", handler},
                  {"Role", e.string("role").value_or("arn:aws:iam::" + account.account_id +
                                                     ":role/" + name)},
                  {"Code", {{"ZipFile", base64_encode(read_file(code))}}}};
        if (e.has("timeout")) body["Timeout"] = e.member("timeout");
        plan.requests.push_back({where, request("POST", "/2015-03-31/functions", body)});
    });
    return plan;
}

namespace {

// The API's answer, or InitError with its error code and message.
json dispatch(const api::Router& router, const api::Request& request, const std::string& entry) {
    const auto response = router.dispatch(request);
    const auto body = json::parse(response.body, nullptr, false);
    if (response.status < 300) return body;
    std::string code = "error " + std::to_string(response.status);
    for (const auto& [name, value] : response.headers)
        if (name == "x-amzn-ErrorType") code = value.substr(0, value.find(':'));
    const auto message = body.is_object() && body.contains("message") && body["message"].is_string()
                             ? body["message"].get<std::string>()
                             : response.body;
    throw InitError(entry + ": " + code + ": " + message);
}

std::string verification_certificate(const InitCa& ca, const std::string& registration_code) {
    if (ca.verification_certificate) return *ca.verification_certificate;
    auto certificate = pki::X509Certificate::from_pem(ca.certificate_pem);
    if (!certificate)
        throw InitError(ca.entry + ": \"certificate\": " + certificate.error().message);
    auto key = pki::PrivateKey::from_pem(*ca.key_pem);
    if (!key) throw InitError(ca.entry + ": \"key\": " + key.error().message);
    pki::CertificateProfile profile;
    profile.subject = {{"CN", registration_code}};
    const auto subject_key = pki::PrivateKey::generate(pki::KeyType::ec_p256);
    return pki::issue_certificate(profile, pki::PublicKey::from_private(subject_key),
                                  {std::move(certificate).value(), std::move(key).value()})
        .to_pem();
}

}  // namespace

void apply_init(const InitPlan& plan, const api::Router& router, lambda::Service& functions) {
    if (!plan.ca_certificates.empty()) {
        const auto code = dispatch(router, request("GET", "/registrationcode"), "registration code")
                              .value("registrationCode", "");
        for (const auto& ca : plan.ca_certificates) {
            json body = ca.body_extra.empty() ? json::object() : json::parse(ca.body_extra);
            body["caCertificate"] = ca.certificate_pem;
            body["verificationCertificate"] = verification_certificate(ca, code);
            dispatch(router,
                     request("POST",
                             std::string("/cacertificate?setAsActive=") +
                                 (ca.set_as_active ? "true" : "false") + "&allowAutoRegistration=" +
                                 (ca.allow_auto_registration ? "true" : "false"),
                             body),
                     ca.entry);
        }
    }
    for (const auto& step : plan.requests) dispatch(router, step.request, step.entry);
    for (const auto& function : plan.functions) {
        try {
            functions.declare_function(function.declared);
        } catch (const std::exception& e) {
            throw InitError(function.entry + ": " + e.what());
        }
    }
}

}  // namespace iotemu::app
