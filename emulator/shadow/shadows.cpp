// The shadow service's requests: validation with AWS's codes and messages, the version check, the
// merge, and the documents AWS answers and publishes (docs/aws/data-plane.md §4.3–4.9).
#include "shadow/shadows.hpp"

#include <algorithm>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "common/json_depth.hpp"
#include "common/log.hpp"
#include "model/names.hpp"
#include "mqtt/utf8.hpp"
#include "shadow/document.hpp"

namespace iotemu::shadow {

using nlohmann::json;

// One shadow's stored document. A deleted shadow stays (without state) while its version is
// remembered (§4.5).
struct Shadows::Shadow {
    json state = json::object();     // {"desired"?: {…}, "reported"?: {…}}
    json metadata = json::object();  // the same shape, {"timestamp": s} per leaf
    std::int64_t version = 0;
    bool exists = false;
    Timestamp deleted_at{};
};

namespace {

// The request document as AWS bounds it before reading it: the largest MQTT message AWS takes
// (docs/aws/iot-core.md §6.3: 128 KB), and nesting well past what any valid request has.
constexpr std::size_t max_request_bytes = 128 * 1024;
constexpr std::size_t max_request_depth = 3 + max_nesting_depth + 4;

constexpr std::string_view sections[] = {"desired", "reported"};

std::int64_t epoch_seconds_of(Timestamp t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// [$a-zA-Z0-9:_-]{1,64} (botocore iot-data ShadowName).
bool is_valid_shadow_name(std::string_view name) {
    return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '$' || c == ':' || c == '_' || c == '-';
    });
}

Message reply(Operation operation, bool accepted, const json& body) {
    std::string suffix{operation_segment(operation)};
    suffix += accepted ? "/accepted" : "/rejected";
    return {std::move(suffix), body.dump()};
}

void add_client_token(json& body, const std::optional<std::string>& client_token) {
    if (client_token) body["clientToken"] = *client_token;
}

// The error document on /rejected (§4.3): code and message, the request's clientToken, no
// timestamp.
Outcome rejected(Operation operation, int code, std::string message,
                 const std::optional<std::string>& client_token = std::nullopt) {
    json body = {{"code", code}, {"message", message}};
    add_client_token(body, client_token);
    return {Rejection{code, std::move(message)}, reply(operation, false, body), {}};
}

Outcome accepted(Operation operation, const json& body, std::vector<Message> events = {}) {
    return {std::nullopt, reply(operation, true, body), std::move(events)};
}

// A valid clientToken of a payload, when it has one (§4.3: a string of at most 64 bytes).
std::optional<std::string> client_token_of(const json& body) {
    if (!body.is_object()) return std::nullopt;
    const auto token = body.find("clientToken");
    if (token == body.end() || !token->is_string()) return std::nullopt;
    const auto& text = token->get_ref<const std::string&>();
    if (text.size() > max_client_token_bytes) return std::nullopt;
    return text;
}

// Get and delete read only a clientToken from their payload, and ignore the rest (§4.2).
std::optional<std::string> client_token_in(std::string_view payload) {
    if (payload.empty() || !json_depth_within(payload, max_request_depth)) return std::nullopt;
    return client_token_of(json::parse(payload, nullptr, /*allow_exceptions=*/false));
}

// The shadow's name as its 404 says it: the thing's for a classic shadow (§4.3).
std::string not_found_message(const ShadowId& id) {
    const auto& name = id.shadow_name.empty() ? id.thing_name : id.shadow_name;
    return "No shadow exists with name: '" + name + "'";
}

// {"state":{"desired"?,"reported"?},"metadata":{…},"version"} as /update/documents shows it.
json snapshot(const json& state, const json& metadata, std::int64_t version) {
    return {{"state", state}, {"metadata", metadata}, {"version", version}};
}

// A stored document's delta (§4.6) and its metadata; both empty objects when there is none.
struct DeltaDocument {
    json state = json::object();
    json metadata = json::object();
};

DeltaDocument delta_of(const json& state, const json& metadata) {
    DeltaDocument delta;
    const auto desired = state.find("desired");
    if (desired == state.end()) return delta;
    static const json none = json::object();
    const auto reported = state.find("reported");
    const auto desired_metadata = metadata.find("desired");
    compute_delta(*desired, desired_metadata == metadata.end() ? none : *desired_metadata,
                  reported == state.end() ? none : *reported, delta.state, delta.metadata);
    return delta;
}

// Why an update document is not one AWS takes (§4.3), checked in AWS's order; nothing when it
// is. `body` is already known to be an object.
std::optional<std::string> invalid_update(const json& body) {
    if (const auto token = body.find("clientToken"); token != body.end()) {
        if (!token->is_string() ||
            token->get_ref<const std::string&>().size() > max_client_token_bytes) {
            return "Invalid clientToken";
        }
    }
    if (const auto version = body.find("version"); version != body.end()) {
        const bool whole = version->is_number_unsigned() ||
                           (version->is_number_integer() && version->get<std::int64_t>() >= 0);
        if (!whole) return "Invalid version";
    }
    const auto state = body.find("state");
    if (state == body.end()) return "Missing required node: state";
    if (state->is_null()) return std::nullopt;  // clears both sections (§4.4)
    if (!state->is_object()) return "State node must be an object";
    for (const auto& [key, value] : state->items()) {
        if (key == "desired" || key == "reported") {
            if (!value.is_object() && !value.is_null()) {
                return key == "desired" ? "Desired node must be an object"
                                        : "Reported node must be an object";
            }
            if (nesting_depth(value) > max_nesting_depth) {
                return "JSON contains too many levels of nesting; maximum is 6";
            }
            // AWS refuses arrays holding null (docs/aws/data-plane.md §4.3); its message for
            // it is not documented, so it reads as any other malformed document.
            if (has_null_in_array(value)) return "Invalid JSON";
        } else {
            return "State contains an invalid node: '" + key + "'";
        }
    }
    return std::nullopt;
}

}  // namespace

Shadows::Shadows(std::unique_ptr<ShadowStorage> storage) : storage_(std::move(storage)) {
    if (!storage_) return;
    for (const auto& stored : storage_->load()) {
        auto shadow = std::make_unique<Shadow>();
        const json document = json::parse(stored.document, nullptr, /*allow_exceptions=*/false);
        if (!document.is_object() || !document.contains("state") ||
            !document.contains("metadata")) {
            throw std::runtime_error("the stored shadow '" + stored.id.shadow_name +
                                     "' of the thing '" + stored.id.thing_name +
                                     "' does not read as a shadow document");
        }
        shadow->state = document["state"];
        shadow->metadata = document["metadata"];
        shadow->version = stored.version;
        shadow->exists = !stored.deleted_at;
        shadow->deleted_at = stored.deleted_at.value_or(Timestamp{});
        things_[stored.id.thing_name][stored.id.shadow_name] = std::move(shadow);
    }
}

void Shadows::store(const ShadowId& id, const Shadow& shadow) {
    if (!storage_) return;
    const json document = {{"state", shadow.state}, {"metadata", shadow.metadata}};
    storage_->put({id, document.dump(), shadow.version,
                   shadow.exists ? std::nullopt : std::optional(shadow.deleted_at)});
}

Shadows::~Shadows() = default;

Outcome Shadows::handle(const Request& request, Timestamp now) {
    if (!model::is_valid_thing_name(request.shadow.thing_name)) {
        return rejected(request.operation, 400, "Invalid thing name");
    }
    if (!request.shadow.shadow_name.empty() && !is_valid_shadow_name(request.shadow.shadow_name)) {
        return rejected(request.operation, 400, "Invalid shadow name");
    }
    std::lock_guard lock{mutex_};
    try {
        switch (request.operation) {
            case Operation::get:
                return get(request, now);
            case Operation::update:
                return update(request, now);
            case Operation::delete_shadow:
                return remove(request, now);
        }
    } catch (const std::exception& e) {  // the storage failed: nothing changed
        log::error("shadow", "a request for the shadow of '", request.shadow.thing_name,
                   "' failed: ", e.what());
    }
    return rejected(request.operation, 500, "Internal service failure");
}

Shadows::Shadow* Shadows::find(const ShadowId& id) {
    const auto thing = things_.find(id.thing_name);
    if (thing == things_.end()) return nullptr;
    const auto shadow = thing->second.find(id.shadow_name);
    return shadow == thing->second.end() ? nullptr : shadow->second.get();
}

Outcome Shadows::get(const Request& request, Timestamp now) {
    const auto client_token = client_token_in(request.payload);
    const Shadow* shadow = find(request.shadow);
    if (!shadow || !shadow->exists) {
        return rejected(request.operation, 404, not_found_message(request.shadow), client_token);
    }
    // §4.7: the sections, the delta when desired and reported differ, their metadata.
    json state = shadow->state;
    if (auto delta = delta_of(shadow->state, shadow->metadata); !delta.state.empty()) {
        state["delta"] = std::move(delta.state);
    }
    json body = {{"state", std::move(state)},
                 {"metadata", shadow->metadata},
                 {"version", shadow->version},
                 {"timestamp", epoch_seconds_of(now)}};
    add_client_token(body, client_token);
    return accepted(request.operation, body);
}

Outcome Shadows::update(const Request& request, Timestamp now) {
    const Operation operation = request.operation;
    if (request.payload.size() > max_request_bytes) {
        return rejected(operation, 413, "The payload exceeds the maximum size allowed");
    }
    if (!mqtt::is_valid_mqtt_utf8(request.payload)) {
        return rejected(operation, 415,
                        "Unsupported documented encoding; supported encoding is UTF-8");
    }
    if (!json_depth_within(request.payload, max_request_depth)) {
        return rejected(operation, 400, "JSON contains too many levels of nesting; maximum is 6");
    }
    const json body = json::parse(request.payload, nullptr, /*allow_exceptions=*/false);
    if (!body.is_object()) return rejected(operation, 400, "Invalid JSON");
    const auto client_token = client_token_of(body);
    if (auto reason = invalid_update(body)) {
        return rejected(operation, 400, std::move(*reason), client_token);
    }

    Shadow* stored = find(request.shadow);
    const bool existed = stored && stored->exists;
    // A shadow deleted long ago starts over from version 1 (§4.5).
    const std::int64_t current_version =
        !stored || (!existed && now - stored->deleted_at > version_memory) ? 0 : stored->version;
    if (const auto version = body.find("version");
        version != body.end() && version->get<std::int64_t>() != current_version) {
        return rejected(operation, 409, "Version conflict", client_token);
    }

    const std::int64_t timestamp = epoch_seconds_of(now);
    const json& patch = body["state"];
    json state = existed ? stored->state : json::object();
    json metadata = existed ? stored->metadata : json::object();
    if (patch.is_null()) {
        state = json::object();
        metadata = json::object();
    }
    for (const auto section : sections) {
        const std::string key{section};
        if (!patch.is_object() || !patch.contains(key)) continue;
        if (patch[key].is_null()) {
            state.erase(key);
            metadata.erase(key);
            continue;
        }
        json merged = state.value(key, json::object());
        json merged_metadata = metadata.value(key, json::object());
        merge(merged, merged_metadata, patch[key], timestamp);
        if (merged.empty()) {
            state.erase(key);
            metadata.erase(key);
        } else {
            state[key] = std::move(merged);
            metadata[key] = std::move(merged_metadata);
        }
    }
    if (state.dump().size() > max_state_bytes) {
        return rejected(operation, 413, "The payload exceeds the maximum size allowed",
                        client_token);
    }

    // Kept before anything changes: a request whose result cannot be kept fails whole.
    Shadow next;
    next.state = std::move(state);
    next.metadata = std::move(metadata);
    next.version = current_version + 1;
    next.exists = true;
    store(request.shadow, next);
    if (!stored) {
        stored = things_[request.shadow.thing_name]
                     .emplace(request.shadow.shadow_name, std::make_unique<Shadow>())
                     .first->second.get();
    }
    const json previous = snapshot(stored->state, stored->metadata, stored->version);
    *stored = std::move(next);

    // §4.7: the request's state as sent, with metadata for the fields it named.
    json reply = {{"state", patch},
                  {"metadata", patch.is_object() ? metadata_of(patch, timestamp) : json::object()},
                  {"version", stored->version},
                  {"timestamp", timestamp}};
    add_client_token(reply, client_token);

    std::vector<Message> events;
    // §4.6: the whole delta after every accepted update that leaves one.
    if (auto delta = delta_of(stored->state, stored->metadata); !delta.state.empty()) {
        json message = {{"version", stored->version},
                        {"timestamp", timestamp},
                        {"state", std::move(delta.state)},
                        {"metadata", std::move(delta.metadata)}};
        add_client_token(message, client_token);
        events.push_back({"update/delta", message.dump()});
    }
    json documents = json::object();
    if (existed) documents["previous"] = previous;
    documents["current"] = snapshot(stored->state, stored->metadata, stored->version);
    documents["timestamp"] = timestamp;
    add_client_token(documents, client_token);
    events.push_back({"update/documents", documents.dump()});
    return accepted(operation, reply, std::move(events));
}

Outcome Shadows::remove(const Request& request, Timestamp now) {
    const auto client_token = client_token_in(request.payload);
    Shadow* shadow = find(request.shadow);
    if (!shadow || !shadow->exists) {
        return rejected(request.operation, 404, not_found_message(request.shadow), client_token);
    }
    Shadow deleted;
    deleted.version = shadow->version;
    deleted.deleted_at = now;
    store(request.shadow, deleted);
    *shadow = std::move(deleted);
    json body = {{"version", shadow->version}, {"timestamp", epoch_seconds_of(now)}};
    add_client_token(body, client_token);
    return accepted(request.operation, body);
}

std::vector<std::string> Shadows::named_shadows(std::string_view thing_name) const {
    std::lock_guard lock{mutex_};
    std::vector<std::string> names;
    if (const auto thing = things_.find(thing_name); thing != things_.end()) {
        for (const auto& [name, shadow] : thing->second) {
            if (!name.empty() && shadow->exists) names.push_back(name);
        }
    }
    return names;
}

void Shadows::forget_thing(std::string_view thing_name) {
    std::lock_guard lock{mutex_};
    if (const auto thing = things_.find(thing_name); thing != things_.end()) things_.erase(thing);
    if (storage_) storage_->erase_thing(thing_name);
}

void Shadows::clear() {
    std::lock_guard lock{mutex_};
    things_.clear();
    if (storage_) storage_->clear();
}

}  // namespace iotemu::shadow
