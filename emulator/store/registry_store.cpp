// One table, registry_records(kind, key, sequence, body): each map of registry::State is a kind,
// each of its entries a row keyed as in the map, the body its JSON (registry_codec.hpp); the
// scalars (registration code, next sequence, event configurations) are rows of kind "setting".
// Comparing with the last saved State keeps every save to the rows a mutation touched, without the
// registry's operations having to say which they were.
#include "store/registry_store.hpp"

#include "store/registry_codec.hpp"

namespace iotemu::store {
namespace {

template <class T>
std::uint64_t sequence_of(const registry::Entry<T>& entry) {
    return entry.sequence;
}
template <class T>
std::uint64_t sequence_of(const T&) {
    return 0;
}

template <class T>
std::string body_of(const registry::Entry<T>& entry) {
    return encode_record(entry.value);
}
template <class T>
std::string body_of(const T& value) {
    return encode_record(value);
}

template <class T>
void read_body(std::string_view text, std::uint64_t sequence, registry::Entry<T>& entry) {
    entry.sequence = sequence;
    decode_record(text, entry.value);
}
template <class T>
void read_body(std::string_view text, std::uint64_t, T& value) {
    decode_record(text, value);
}

// Every map of State with the kind its rows carry, one list for load and save alike: `visit`
// gets the kind and that map of each state passed.
template <class Visit, class... States>
void for_each_collection(Visit&& visit, States&... states) {
    visit("ca_certificate", states.ca_certificates...);
    visit("certificate", states.certificates...);
    visit("thing", states.things...);
    visit("thing_type", states.thing_types...);
    visit("thing_group", states.thing_groups...);
    visit("policy", states.policies...);
    visit("next_policy_version", states.next_policy_version...);
    visit("provisioning_template", states.provisioning_templates...);
    visit("provisioning_claim", states.provisioning_claims...);
    visit("thing_principals", states.thing_principals...);
    visit("policy_targets", states.policy_targets...);
    visit("group_things", states.group_things...);
}

constexpr std::string_view setting_kind = "setting";
constexpr std::string_view registration_code_key = "registration_code";
constexpr std::string_view next_sequence_key = "next_sequence";
constexpr std::string_view event_configurations_key = "event_configurations";

}  // namespace

SqliteRegistryStore::SqliteRegistryStore(std::shared_ptr<Database> database)
    : database_(std::move(database)),
      upsert_(*database_,
              "INSERT INTO registry_records(kind, key, sequence, body) VALUES (?1, ?2, ?3, ?4) "
              "ON CONFLICT(kind, key) DO UPDATE SET sequence = excluded.sequence, "
              "body = excluded.body"),
      erase_(*database_, "DELETE FROM registry_records WHERE kind = ?1 AND key = ?2") {}

registry::State SqliteRegistryStore::load() {
    registry::State state;
    Statement select(*database_,
                     "SELECT key, sequence, body FROM registry_records WHERE kind = ?1");
    for_each_collection(
        [&](std::string_view kind, auto& map) {
            select.bind(1, kind);
            while (select.step()) {
                const std::string key = select.text(0);
                try {
                    read_body(select.text(2), static_cast<std::uint64_t>(select.integer(1)),
                              map[key]);
                } catch (const StoreError& e) {
                    throw StoreError("state database " + database_->file().string() + ": the " +
                                     std::string(kind) + " record '" + key +
                                     "' is unreadable: " + e.what());
                }
            }
        },
        state);
    select.bind(1, setting_kind);
    while (select.step()) {
        const std::string key = select.text(0);
        if (key == registration_code_key)
            state.registration_code = select.text(2);
        else if (key == next_sequence_key)
            state.next_sequence = static_cast<std::uint64_t>(select.integer(1));
        else if (key == event_configurations_key)
            read_body(select.text(2), 0, state.event_configurations);
    }
    saved_ = state;
    return state;
}

// A failed write leaves saved_ unknown: the next save rewrites every row.
void SqliteRegistryStore::save(const registry::State& state) {
    auto transaction = database_->transaction();
    const auto upsert = [&](std::string_view kind, std::string_view key, std::uint64_t sequence,
                            std::string_view body) {
        upsert_.bind(1, kind)
            .bind(2, key)
            .bind(3, static_cast<std::int64_t>(sequence))
            .bind(4, body)
            .run();
    };
    const auto erase = [&](std::string_view kind, std::string_view key) {
        erase_.bind(1, kind).bind(2, key).run();
    };
    if (!saved_valid_) {
        database_->execute("DELETE FROM registry_records");
        saved_ = {};
        saved_.next_sequence = 0;  // differs from any real value: written below
    }
    saved_valid_ = false;

    // Both maps are sorted by key: one walk finds the rows added, changed and gone, and brings
    // saved_ along.
    for_each_collection(
        [&](std::string_view kind, const auto& now, auto& before) {
            auto old = before.begin();
            for (const auto& [key, value] : now) {
                while (old != before.end() && old->first < key) {
                    erase(kind, old->first);
                    old = before.erase(old);
                }
                if (old != before.end() && old->first == key) {
                    if (!(old->second == value)) {
                        upsert(kind, key, sequence_of(value), body_of(value));
                        old->second = value;
                    }
                    ++old;
                } else {
                    upsert(kind, key, sequence_of(value), body_of(value));
                    before.emplace_hint(old, key, value);
                }
            }
            while (old != before.end()) {
                erase(kind, old->first);
                old = before.erase(old);
            }
        },
        state, saved_);
    if (state.registration_code != saved_.registration_code) {
        if (state.registration_code)
            upsert(setting_kind, registration_code_key, 0, *state.registration_code);
        else
            erase(setting_kind, registration_code_key);
        saved_.registration_code = state.registration_code;
    }
    if (state.next_sequence != saved_.next_sequence) {
        upsert(setting_kind, next_sequence_key, state.next_sequence, "");
        saved_.next_sequence = state.next_sequence;
    }
    if (!(state.event_configurations == saved_.event_configurations)) {
        upsert(setting_kind, event_configurations_key, 0, body_of(state.event_configurations));
        saved_.event_configurations = state.event_configurations;
    }
    transaction.commit();
    saved_valid_ = true;
}

}  // namespace iotemu::store
