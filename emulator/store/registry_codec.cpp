// JSON for the registry's records: one list of members per model type, read both ways
// (nlohmann's NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE), with field names in the model's own words.
// Optionals are null when absent, time points the clock's ticks since the epoch, enumerations
// their wire spelling (model/statuses.hpp), so a record stays readable if one is reordered.
#include "store/registry_codec.hpp"

#include <nlohmann/json.hpp>

#include "model/statuses.hpp"
#include "store/database.hpp"

namespace nlohmann {

template <class T>
struct adl_serializer<std::optional<T>> {
    static void to_json(json& j, const std::optional<T>& value) {
        if (value)
            j = *value;
        else
            j = nullptr;
    }
    static void from_json(const json& j, std::optional<T>& value) {
        if (j.is_null())
            value.reset();
        else
            value = j.get<T>();
    }
};

// Full precision, so a record read back compares equal to the one written.
template <>
struct adl_serializer<iotemu::Timestamp> {
    static void to_json(json& j, iotemu::Timestamp t) { j = t.time_since_epoch().count(); }
    static void from_json(const json& j, iotemu::Timestamp& t) {
        t = iotemu::Timestamp(iotemu::Timestamp::duration(j.get<std::int64_t>()));
    }
};

}  // namespace nlohmann

namespace iotemu {
namespace {

template <class Enum>
Enum parse_enum(const nlohmann::json& j, std::optional<Enum> (*parse)(std::string_view)) {
    const auto text = j.get<std::string>();
    const auto value = parse(text);
    if (!value) throw store::StoreError("unknown value '" + text + "'");
    return *value;
}

}  // namespace

namespace model {

using nlohmann::json;

void to_json(json& j, CertificateStatus v) { j = to_string(v); }
void from_json(const json& j, CertificateStatus& v) { v = parse_enum(j, parse_certificate_status); }
void to_json(json& j, CaCertificateStatus v) { j = to_string(v); }
void from_json(const json& j, CaCertificateStatus& v) {
    v = parse_enum(j, parse_ca_certificate_status);
}
void to_json(json& j, AutoRegistrationStatus v) { j = to_string(v); }
void from_json(const json& j, AutoRegistrationStatus& v) {
    v = parse_enum(j, parse_auto_registration_status);
}
void to_json(json& j, CertificateMode v) { j = to_string(v); }
void from_json(const json& j, CertificateMode& v) { v = parse_enum(j, parse_certificate_mode); }
void to_json(json& j, TemplateType v) { j = to_string(v); }
void from_json(const json& j, TemplateType& v) { v = parse_enum(j, parse_template_type); }

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Validity, not_before, not_after)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RegistrationConfig, template_body, role_arn, template_name)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(CaCertificate, id, arn, pem, subject, status,
                                   auto_registration_status, mode, owned_by, creation_date,
                                   last_modified_date, customer_version, generation_id, validity,
                                   registration_config, tags)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Certificate, id, arn, pem, ca_certificate_id, status, mode,
                                   owned_by, previous_owned_by, creation_date, last_modified_date,
                                   customer_version, generation_id, validity)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Thing, name, id, arn, thing_type_name, billing_group_name,
                                   attributes, version)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ThingType, name, id, arn, description, searchable_attributes,
                                   deprecated, deprecation_date, creation_date)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ThingGroup, name, id, arn, version, description, attributes,
                                   parent_group_name, creation_date)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(PolicyVersion, version_id, document, creation_date)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Policy, name, arn, versions, default_version_id, generation_id,
                                   creation_date, last_modified_date)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ProvisioningHook, target_arn, payload_version)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ProvisioningTemplateVersion, version_id, body, creation_date)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ProvisioningTemplate, name, arn, description, type, enabled,
                                   provisioning_role_arn, pre_provisioning_hook, tags,
                                   creation_date, last_modified_date, versions, default_version_id,
                                   next_version_id)

// Each event type by its UpdateEventConfigurations key, so a reordered enumeration reads back.
void to_json(json& j, const EventConfigurations& v) {
    json enabled = json::object();
    for (std::size_t i = 0; i < event_type_count; ++i)
        enabled[std::string(to_string(static_cast<EventType>(i)))] = v.enabled[i];
    j = {{"enabled", std::move(enabled)},
         {"creation_date", v.creation_date},
         {"last_modified_date", v.last_modified_date}};
}
void from_json(const json& j, EventConfigurations& v) {
    v = {};
    for (const auto& [key, value] : j.at("enabled").items()) {
        const auto type = parse_event_type(key);
        if (!type) throw store::StoreError("unknown event type '" + key + "'");
        v.enabled[static_cast<std::size_t>(*type)] = value.get<bool>();
    }
    j.at("creation_date").get_to(v.creation_date);
    j.at("last_modified_date").get_to(v.last_modified_date);
}

}  // namespace model

namespace registry {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ProvisioningClaim, certificate, template_name, expiration)

}  // namespace registry

namespace store {
namespace {

using nlohmann::json;

template <class T>
std::string encode(const T& value) {
    return json(value).dump();
}

// Every number in a record is whole (clock ticks, versions, counters): a fraction or an exponent
// is a damaged file, refused before it reaches an integer (a double out of an integer's range
// does not convert: undefined behaviour).
bool whole_numbers_only(int /*depth*/, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::value && parsed.is_number_float())
        throw StoreError("a number that is not a whole number: " + parsed.dump());
    return true;
}

template <class T>
void decode(std::string_view text, T& value) {
    try {
        json::parse(text, whole_numbers_only).get_to(value);
    } catch (const json::exception& e) {
        throw StoreError(e.what());
    }
}

}  // namespace

std::string encode_record(const model::CaCertificate& value) { return encode(value); }
std::string encode_record(const model::Certificate& value) { return encode(value); }
std::string encode_record(const model::Thing& value) { return encode(value); }
std::string encode_record(const model::ThingType& value) { return encode(value); }
std::string encode_record(const model::ThingGroup& value) { return encode(value); }
std::string encode_record(const model::Policy& value) { return encode(value); }
std::string encode_record(const model::ProvisioningTemplate& value) { return encode(value); }
std::string encode_record(const registry::ProvisioningClaim& value) { return encode(value); }
std::string encode_record(const std::set<std::string>& value) { return encode(value); }
std::string encode_record(std::uint64_t value) { return encode(value); }
std::string encode_record(const model::EventConfigurations& value) { return encode(value); }

void decode_record(std::string_view text, model::CaCertificate& value) { decode(text, value); }
void decode_record(std::string_view text, model::Certificate& value) { decode(text, value); }
void decode_record(std::string_view text, model::Thing& value) { decode(text, value); }
void decode_record(std::string_view text, model::ThingType& value) { decode(text, value); }
void decode_record(std::string_view text, model::ThingGroup& value) { decode(text, value); }
void decode_record(std::string_view text, model::Policy& value) { decode(text, value); }
void decode_record(std::string_view text, model::ProvisioningTemplate& value) {
    decode(text, value);
}
void decode_record(std::string_view text, registry::ProvisioningClaim& value) {
    decode(text, value);
}
void decode_record(std::string_view text, std::set<std::string>& value) { decode(text, value); }
void decode_record(std::string_view text, std::uint64_t& value) { decode(text, value); }
void decode_record(std::string_view text, model::EventConfigurations& value) {
    decode(text, value);
}

}  // namespace store
}  // namespace iotemu
