// One table, registry_records(kind, key, sequence, body): each map of registry::State is a kind,
// each of its entries a row keyed as in the map, the body its JSON (registry_codec.hpp); the
// scalars (registration code, next sequence, event configurations) are rows of kind "setting".
// The State's maps remember which keys an operation may have changed (registry/records.hpp); each
// of those is compared with the last saved State, so a save costs what the operation touched, not
// what the registry holds.
#include "store/registry_store.hpp"

#include <set>
#include <string>
#include <utility>

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
}

// The attachment maps (key -> set), a row per member (schema version 5): kind, key
// "<key> <member>" (names and ARNs have no space), body the member. A policy attached to a whole
// fleet is then not rewritten whole at every attachment.
template <class Visit, class... States>
void for_each_attachments(Visit&& visit, States&... states) {
    visit("thing_principal", states.thing_principals...);
    visit("policy_target", states.policy_targets...);
    visit("group_thing", states.group_things...);
}

std::string member_key(std::string_view key, std::string_view member) {
    std::string out;
    out.reserve(key.size() + 1 + member.size());
    return out.append(key).append(1, ' ').append(member);
}

// Brings `before` (and the file) to `now` by one walk of both: both are sorted by key, so the walk
// finds the rows added, changed and gone. For a map whose changes are not known key by key.
template <class Records, class Upsert, class Erase>
void save_all(std::string_view kind, const Records& now, Records& before, const Upsert& upsert,
              const Erase& erase) {
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
    for_each_attachments(
        [&](std::string_view kind, auto& sets) {
            select.bind(1, kind);
            while (select.step()) {
                const std::string key = select.text(0);
                const auto space = key.find(' ');
                if (space == std::string::npos)
                    throw StoreError("state database " + database_->file().string() + ": the " +
                                     std::string(kind) + " record '" + key + "' is unreadable");
                sets[key.substr(0, space)].insert(select.text(2));
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
    const bool rewrite = !saved_valid_;
    if (rewrite) {
        database_->execute("DELETE FROM registry_records");
        saved_ = {};
        saved_.next_sequence = 0;  // differs from any real value: written below
    }
    saved_valid_ = false;

    for_each_collection(
        [&](std::string_view kind, const auto& now, auto& before) {
            if (rewrite || now.all_changed()) return save_all(kind, now, before, upsert, erase);
            // The keys the operation may have changed (records.hpp), each compared with the row.
            for (const auto& key : now.changed_keys()) {
                const auto current = now.find(key);
                const auto old = std::as_const(before).find(key);
                if (current == now.end()) {
                    if (old == before.end()) continue;
                    erase(kind, key);
                    before.erase(key);
                } else if (old == before.end() || !(old->second == current->second)) {
                    upsert(kind, key, sequence_of(current->second), body_of(current->second));
                    before.insert_or_assign(key, current->second);
                }
            }
        },
        state, saved_);
    for_each_attachments(
        [&](std::string_view kind, const auto& now, auto& before) {
            // Brings the rows of the set under `key` to `now`'s members, and `before` along.
            const auto save_set = [&](const std::string& key) {
                static const std::set<std::string> none;
                const auto current = now.find(key);
                const auto& members = current == now.end() ? none : current->second;
                auto& saved = before[key];
                for (auto it = saved.begin(); it != saved.end();)
                    if (members.contains(*it)) {
                        ++it;
                    } else {
                        erase(kind, member_key(key, *it));
                        it = saved.erase(it);
                    }
                for (const auto& member : members)
                    if (saved.insert(member).second)
                        upsert(kind, member_key(key, member), 0, member);
                if (saved.empty()) before.erase(key);
            };
            if (rewrite || now.all_changed()) {
                std::set<std::string> keys;
                for (const auto& [key, members] : now) keys.insert(key);
                for (const auto& [key, members] : std::as_const(before)) keys.insert(key);
                for (const auto& key : keys) save_set(key);
            } else {
                for (const auto& key : now.changed_keys()) save_set(key);
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
