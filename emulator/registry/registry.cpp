// The registry's core: construction, the commit step, the registration code
// (docs/aws/iot-core.md §1.1), and the helpers every resource file shares (detail.hpp). Resource
// rules live in registry_*.cpp; nothing here does I/O except through the Store.
#include "registry/registry.hpp"

#include <charconv>
#include <mutex>
#include <utility>
#include <vector>

#include "common/random.hpp"
#include "model/names.hpp"
#include "registry/detail.hpp"

namespace iotemu::registry {

Registry::Registry(model::Account account, pki::Issuer aws_issuer, std::unique_ptr<Store> store)
    : account_(std::move(account)),
      aws_issuer_(std::move(aws_issuer)),
      store_(std::move(store)),
      state_(store_->load()) {}

// Release: a reader that sees the new generation and then takes the lock sees this change.
void Registry::commit() {
    store_->save(state_);
    state_.forget_changes();
    generation_.fetch_add(1, std::memory_order_release);
}

void Registry::reset() {
    std::unique_lock lock(mutex_);
    state_ = State{};
    {
        std::lock_guard compiled(compiled_mutex_);
        compiled_.clear();
    }
    commit();
}

// Spec §1.1: minted on the first call, the same until deleted.
std::string Registry::get_registration_code() {
    {
        std::shared_lock lock(mutex_);
        if (state_.registration_code) return *state_.registration_code;
    }
    std::unique_lock lock(mutex_);
    if (!state_.registration_code) {  // another caller may have minted it meanwhile
        state_.registration_code = random_hex(32);
        commit();
    }
    return *state_.registration_code;
}

void Registry::delete_registration_code() {
    std::unique_lock lock(mutex_);
    if (!state_.registration_code)
        detail::throw_error(aws_errors::resource_not_found,
                            "There is no registration code to delete.");
    state_.registration_code.reset();
    commit();
}

namespace detail {

void throw_error(std::string_view code, std::string message) {
    throw AwsError(code, std::move(message));
}

namespace {

struct NameRule {
    bool (*valid)(std::string_view);
    std::string_view field;
    std::string_view rule;
};

bool is_valid_version_id(std::string_view id) {
    return !id.empty() && id.size() <= 10 &&
           std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

NameRule rule_for(NameKind kind) {
    switch (kind) {
        case NameKind::thing:
            return {model::is_valid_thing_name, "thing name", "1-128 characters of [a-zA-Z0-9:_-]"};
        case NameKind::thing_type:
            return {model::is_valid_thing_type_name, "thing type name",
                    "1-128 characters of [a-zA-Z0-9:_-]"};
        case NameKind::thing_group:
            return {model::is_valid_thing_group_name, "thing group name",
                    "1-128 characters of [a-zA-Z0-9:_-]"};
        case NameKind::policy:
            return {model::is_valid_policy_name, "policy name", "1-128 characters of [\\w+=,.@-]"};
        case NameKind::certificate_id:
            return {model::is_valid_certificate_id, "certificate id", "64 hexadecimal characters"};
        case NameKind::policy_version_id:
            return {is_valid_version_id, "policy version id", "a decimal number"};
        case NameKind::template_name:
            return {model::is_valid_template_name, "provisioning template name",
                    "1-36 characters of [0-9A-Za-z_-]"};
    }
    return {nullptr, "", ""};
}

bool attribute_char(char c, std::string_view extra) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           extra.find(c) != std::string_view::npos;
}

bool all_attribute_chars(std::string_view text, std::string_view extra) {
    return std::all_of(text.begin(), text.end(), [&](char c) { return attribute_char(c, extra); });
}

}  // namespace

void require_valid_name(NameKind kind, std::string_view name) {
    const NameRule rule = rule_for(kind);
    if (!rule.valid(name))
        throw_error(aws_errors::invalid_request, "Invalid " + std::string(rule.field) + " '" +
                                                     std::string(name) + "': expected " +
                                                     std::string(rule.rule) + ".");
}

// AttributeName [a-zA-Z0-9_.,@/:#-]+ (≤128) and AttributeValue [a-zA-Z0-9_.,@/:#=\[\]-]* (≤800)
// in the IoT model.
void require_valid_attributes(const model::Attributes& attributes) {
    for (const auto& [name, value] : attributes) {
        if (name.empty() || name.size() > 128 || !all_attribute_chars(name, "_.,@/:#-"))
            throw_error(aws_errors::invalid_request,
                        "Invalid attribute name '" + name +
                            "': expected 1-128 characters of [a-zA-Z0-9_.,@/:#-].");
        if (value.size() > 800 || !all_attribute_chars(value, "_.,@/:#=[]-"))
            throw_error(aws_errors::invalid_request,
                        "Invalid value for attribute '" + name +
                            "': expected up to 800 characters of [a-zA-Z0-9_.,@/:#=\\[\\]-].");
    }
}

void apply_attribute_payload(model::Attributes& attributes, const AttributePayload& payload) {
    if (!payload.merge) attributes.clear();
    for (const auto& [name, value] : payload.attributes) {
        if (value.empty())
            attributes.erase(name);
        else
            attributes[name] = value;
    }
}

void require_expected_version(std::string_view kind, const std::string& name, std::int64_t version,
                              std::optional<std::int64_t> expected) {
    if (expected && *expected != version)
        throw_error(aws_errors::version_conflict,
                    std::string(kind) + " " + name + " is at version " + std::to_string(version) +
                        ", not the expected version " + std::to_string(*expected) + ".");
}

pki::X509Certificate parse_certificate(std::string_view pem, std::string_view what) {
    auto parsed = pki::X509Certificate::from_pem(pem);
    if (!parsed)
        throw_error(aws_errors::certificate_validation,
                    "The " + std::string(what) +
                        " is not a valid PEM certificate: " + parsed.error().message);
    return std::move(parsed).value();
}

Window select_window(const std::vector<std::uint64_t>& ordered_sequences, const PageRequest& page) {
    if (page.page_size < 1)
        throw_error(aws_errors::invalid_request, "The page size must be at least 1.");
    std::size_t begin = 0;
    if (page.marker) {
        std::uint64_t start = 0;
        const std::string& text = *page.marker;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), start);
        if (text.empty() || error != std::errc{} || end != text.data() + text.size())
            throw_error(aws_errors::invalid_request,
                        "The marker '" + text + "' is not one a previous page returned.");
        // Resume at the first item at or after the marker in the page order, even if the item
        // the marker named has been deleted since.
        while (
            begin < ordered_sequences.size() &&
            (page.ascending ? ordered_sequences[begin] < start : ordered_sequences[begin] > start))
            ++begin;
    }
    Window window;
    window.begin = begin;
    window.end =
        std::min(ordered_sequences.size(), begin + static_cast<std::size_t>(page.page_size));
    if (window.end < ordered_sequences.size())
        window.next_marker = std::to_string(ordered_sequences[window.end]);
    return window;
}

Principal parse_principal(const model::Account& account, std::string_view arn,
                          bool allow_thing_group) {
    const std::string cert_prefix = account.arn("cert", "");
    if (arn.starts_with(cert_prefix)) {
        const auto id = arn.substr(cert_prefix.size());
        require_valid_name(NameKind::certificate_id, id);
        return {Principal::Kind::certificate, std::string(id)};
    }
    const std::string group_prefix = account.arn("thinggroup", "");
    if (allow_thing_group && arn.starts_with(group_prefix)) {
        const auto name = arn.substr(group_prefix.size());
        require_valid_name(NameKind::thing_group, name);
        return {Principal::Kind::thing_group, std::string(name)};
    }
    throw_error(
        aws_errors::invalid_request,
        "'" + std::string(arn) + "' is not a certificate ARN of this account (" + cert_prefix +
            "<certificateId>)" +
            (allow_thing_group ? " or a thing group ARN (" + group_prefix + "<name>)." : "."));
}

Principal resolve_principal(const State& state, const model::Account& account, std::string_view arn,
                            bool allow_thing_group) {
    Principal principal = parse_principal(account, arn, allow_thing_group);
    if (principal.kind == Principal::Kind::certificate)
        find_or_throw(state.certificates, principal.key, "Certificate");
    else
        find_or_throw(state.thing_groups, principal.key, "Thing group");
    return principal;
}

std::optional<std::uint64_t> principal_sequence(const State& state, const model::Account& account,
                                                std::string_view arn) {
    const auto sequence_in = [](const auto& map, const std::string& key) {
        const auto it = map.find(key);
        return it == map.end() ? std::nullopt : std::optional<std::uint64_t>(it->second.sequence);
    };
    const std::string cert_prefix = account.arn("cert", "");
    const std::string group_prefix = account.arn("thinggroup", "");
    if (arn.starts_with(cert_prefix))
        return sequence_in(state.certificates, std::string(arn.substr(cert_prefix.size())));
    if (arn.starts_with(group_prefix))
        return sequence_in(state.thing_groups, std::string(arn.substr(group_prefix.size())));
    return std::nullopt;
}

Page<std::string> paginate_attached(const State& state, const model::Account& account,
                                    const Records<std::set<std::string>>& sets,
                                    const std::string& key, const PageRequest& page) {
    std::vector<Sequenced<std::string>> items;
    if (const auto it = sets.find(key); it != sets.end())
        for (const auto& arn : it->second)
            if (const auto sequence = principal_sequence(state, account, arn))
                items.push_back({*sequence, arn});
    return paginate(std::move(items), page);
}

bool contains_anywhere(const Records<std::set<std::string>>& sets, const std::string& value) {
    return std::any_of(sets.begin(), sets.end(),
                       [&](const auto& entry) { return entry.second.contains(value); });
}

void erase_everywhere(Records<std::set<std::string>>& sets, const std::string& value) {
    // Found without a non-const walk, so only the sets that held it count as changed.
    std::vector<std::string> holding;
    for (const auto& [key, set] : std::as_const(sets))
        if (set.contains(value)) holding.push_back(key);
    for (const auto& key : holding) erase_from(sets, key, value);
}

bool erase_from(Records<std::set<std::string>>& sets, const std::string& key,
                const std::string& value) {
    const auto it = sets.find(key);
    if (it == sets.end() || it->second.erase(value) == 0) return false;
    if (it->second.empty()) sets.erase(it);
    return true;
}

}  // namespace detail
}  // namespace iotemu::registry
