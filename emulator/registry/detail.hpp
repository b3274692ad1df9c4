// Internals shared by the registry_*.cpp files: AWS-error helpers, name checks, lookups that throw
// ResourceNotFoundException, the one pagination helper, and principal/target ARN resolution.
// Included only by the registry's sources, never by registry.hpp; takes no lock itself.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/aws_error.hpp"
#include "model/account.hpp"
#include "pki/certificate.hpp"
#include "registry/registry.hpp"
#include "registry/state.hpp"

namespace iotemu::registry::detail {

// ---- errors and names -----------------------------------------------------------------------

[[noreturn]] void throw_error(std::string_view code, std::string message);

// Throws InvalidRequestException unless `name` is valid; `kind` names the field in the message.
enum class NameKind {
    thing,
    thing_type,
    thing_group,
    policy,
    certificate_id,
    policy_version_id,
    template_name
};
void require_valid_name(NameKind kind, std::string_view name);

// Thing and thing group attributes: the IoT model's name/value patterns (InvalidRequestException).
void require_valid_attributes(const model::Attributes& attributes);

// AttributePayload semantics: with merge an empty value removes the key, otherwise the payload
// replaces every attribute; empty values are never stored.
void apply_attribute_payload(model::Attributes& attributes, const AttributePayload& payload);

// A thing may be given a type only if it exists and is not deprecated (DeprecateThingType doc).
void require_usable_thing_type(const State& state, const std::string& name);

// AWS IoT quotas: a thing without a thing type has at most 3 attributes, one with a type 50.
void require_attribute_count(const model::Thing& thing);

// MalformedPolicyException unless policy::parse_document accepts `document`.
void require_well_formed_policy(std::string_view document);

// A new policy with version 1 of `document`, inserted; the caller checked name and document.
model::Policy insert_new_policy(State& state, const model::Account& account,
                                const std::string& name, std::string_view document);

// LimitExceededException when `target` already has the most policies AWS allows (10) attached,
// counting `adding` more that are not attached yet.
void require_policy_room(const State& state, const std::string& target, std::size_t adding = 1);

// InvalidRequestException naming the problem unless `body` is a valid provisioning template.
void require_valid_template(std::string_view body);

// VersionConflictException when the caller expected another version (things, thing groups).
void require_expected_version(std::string_view kind, const std::string& name, std::int64_t version,
                              std::optional<std::int64_t> expected);

// A PEM that must hold one certificate; CertificateValidationException names `what` otherwise.
pki::X509Certificate parse_certificate(std::string_view pem, std::string_view what);

// ---- certificates ---------------------------------------------------------------------------

// A record for a parsed certificate (id, ARN, PEM, validity, dates, a fresh generation id); the
// caller inserts it under the write lock.
model::Certificate new_certificate(const model::Account& account,
                                   const pki::X509Certificate& certificate,
                                   model::CertificateStatus status, model::CertificateMode mode,
                                   std::optional<std::string> ca_certificate_id);

// Whether the registered CA `ca` directly signed `certificate`: its subject is the certificate's
// issuer and its key verifies the signature (docs/aws/iot-core.md §2.4, §3.2). False if its PEM
// does not parse.
bool is_signed_by(const pki::X509Certificate& certificate, const model::CaCertificate& ca);

// ---- lookups --------------------------------------------------------------------------------

// The entry under `key`, or ResourceNotFoundException "<kind> <key> cannot be found."
template <class Map>
auto& find_or_throw(Map& map, std::string_view key, std::string_view kind) {
    const auto it = map.find(std::string(key));
    if (it == map.end())
        throw_error(aws_errors::resource_not_found,
                    std::string(kind) + " " + std::string(key) + " cannot be found.");
    return it->second;
}

template <class T>
std::optional<T> find_value(const Records<Entry<T>>& map, std::string_view key) {
    const auto it = map.find(std::string(key));
    if (it == map.end()) return std::nullopt;
    return it->second.value;
}

// Adds a new entry stamped with the next creation sequence (the order lists page in).
template <class T>
void insert_new(State& state, Records<Entry<T>>& map, std::string key, T value) {
    map.emplace(std::move(key), Entry<T>{state.next_sequence++, std::move(value)});
}

// ---- pagination -----------------------------------------------------------------------------

template <class T>
struct Sequenced {
    std::uint64_t sequence;
    T value;
};

// The window a PageRequest selects from items ordered by sequence (ascending or descending).
// The marker is the decimal sequence of the first item of the next page, so it stays valid when
// items are deleted between pages; a marker that is not one throws InvalidRequestException.
struct Window {
    std::size_t begin = 0;
    std::size_t end = 0;
    std::optional<std::string> next_marker;
};
Window select_window(const std::vector<std::uint64_t>& ordered_sequences, const PageRequest& page);

template <class T>
Page<T> paginate(std::vector<Sequenced<T>> items, const PageRequest& page) {
    std::sort(items.begin(), items.end(), [&](const auto& a, const auto& b) {
        return page.ascending ? a.sequence < b.sequence : a.sequence > b.sequence;
    });
    std::vector<std::uint64_t> sequences;
    sequences.reserve(items.size());
    for (const auto& item : items) sequences.push_back(item.sequence);
    const Window window = select_window(sequences, page);
    Page<T> out;
    for (std::size_t i = window.begin; i < window.end; ++i)
        out.items.push_back(std::move(items[i].value));
    out.next_marker = window.next_marker;
    return out;
}

// Every value of `map` that `keep` accepts, with its sequence, ready for paginate().
template <class T, class Keep>
std::vector<Sequenced<T>> collect(const Records<Entry<T>>& map, Keep keep) {
    std::vector<Sequenced<T>> out;
    for (const auto& [key, entry] : map)
        if (keep(entry.value)) out.push_back({entry.sequence, entry.value});
    return out;
}

// ---- registry events (docs/aws/provisioning-and-services.md §3) -------------------------------

// The events of one mutation, of the types enabled when it was made; filled under the write lock
// and handed to Registry::publish_events once the lock is released.
class EventBatch {
public:
    explicit EventBatch(const State& state) : configurations_(state.event_configurations) {}
    void add(model::RegistryEvent event) {
        if (configurations_.is_enabled(model::event_type_of(event)))
            events_.push_back(std::move(event));
    }
    const std::vector<model::RegistryEvent>& events() const { return events_; }

private:
    model::EventConfigurations configurations_;
    std::vector<model::RegistryEvent> events_;
};

// THING_GROUP_EVENT for `group`, with its ancestors root first.
model::ThingGroupEvent thing_group_event(const State& state, model::EventOperation operation,
                                         const model::ThingGroup& group);
// THING_TYPE_ASSOCIATION events for a thing whose type went from `before` to its current one.
void record_type_change(EventBatch& batch, const model::Thing& thing,
                        const std::optional<std::string>& before);

// ---- principals and policy targets ----------------------------------------------------------

// What a principal or policy target ARN names: a certificate of this account
// ("arn:aws:iot:<region>:<account>:cert/<id>") or, for policy targets, a thing group.
struct Principal {
    enum class Kind { certificate, thing_group } kind;
    std::string key;  // certificate id or thing group name
};

// Parses without looking anything up; InvalidRequestException for any other form.
Principal parse_principal(const model::Account& account, std::string_view arn,
                          bool allow_thing_group);
// Parses and requires the named resource to exist (ResourceNotFoundException otherwise).
Principal resolve_principal(const State& state, const model::Account& account, std::string_view arn,
                            bool allow_thing_group);
// The creation sequence of the resource an attached ARN names (for ordering string lists).
std::optional<std::uint64_t> principal_sequence(const State& state, const model::Account& account,
                                                std::string_view arn);
// The ARNs attached under `key` (none if absent) as a page, in the creation order of the
// resources they name.
Page<std::string> paginate_attached(const State& state, const model::Account& account,
                                    const Records<std::set<std::string>>& sets,
                                    const std::string& key, const PageRequest& page);

// Attachment maps (key -> set of names/ARNs): whether `value` is in any set, and removing it from
// every set (dropping sets that empty) when the resource it names goes away.
bool contains_anywhere(const Records<std::set<std::string>>& sets, const std::string& value);
void erase_everywhere(Records<std::set<std::string>>& sets, const std::string& value);

// Erases `value` from the set under `key`, dropping the set when it empties; true if removed.
bool erase_from(Records<std::set<std::string>>& sets, const std::string& key,
                const std::string& value);

}  // namespace iotemu::registry::detail
