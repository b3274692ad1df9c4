// Shadows: every thing's classic and named shadows (docs/aws/data-plane.md §4) and the service
// that answers requests about them. It takes one request — get, update or delete, the shadow,
// the payload bytes, the time — and returns what AWS would answer on /accepted or /rejected and
// publish besides (/update/delta, /update/documents). Sans-I/O: it never touches a socket, the
// bus or a clock; one mutex makes it safe to call from the broker and the API at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.hpp"
#include "shadow/topics.hpp"

namespace iotemu::shadow {

// AWS's limits (§4.9).
inline constexpr std::size_t max_state_bytes = 8 * 1024;  // desired + reported, metadata excluded
inline constexpr std::size_t max_nesting_depth = 6;       // levels below desired / reported
inline constexpr std::size_t max_client_token_bytes = 64;
// A deleted shadow created again within this time goes on from its old version (§4.5).
inline constexpr std::chrono::hours version_memory{48};

// One shadow as it is kept between runs (docs/state.md §1): its document ({"state", "metadata"}
// as JSON text), version, and whether it was deleted (its version remembered, §4.5).
struct StoredShadow {
    ShadowId id;
    std::string document;
    std::int64_t version = 0;
    std::optional<Timestamp> deleted_at;  // set for a deleted shadow
};

// Where shadows live between runs. put() and erase() run under the service's lock before it
// answers: an accepted update is kept. A throw fails the request.
class ShadowStorage {
public:
    virtual ~ShadowStorage() = default;
    virtual std::vector<StoredShadow> load() = 0;
    virtual void put(const StoredShadow& shadow) = 0;
    virtual void erase_thing(std::string_view thing_name) = 0;
    virtual void clear() = 0;  // every shadow of every thing
};

struct Request {
    Operation operation;
    ShadowId shadow;
    std::string_view payload;  // JSON text; get and delete may send none
};

// One message of the service: its topic below the shadow's prefix, and its JSON body.
struct Message {
    std::string suffix;  // "update/accepted", "update/delta", "get/rejected", …
    std::string payload;
};

// Why a request was refused: AWS's code (an HTTP status) and message (§4.3).
struct Rejection {
    int code = 0;
    std::string message;
};

struct Outcome {
    std::optional<Rejection> rejection;  // nothing when the request was accepted
    Message reply;                       // on <operation>/accepted or <operation>/rejected
    std::vector<Message> events;         // after an accepted update: update/delta, update/documents
};

class Shadows {
public:
    // Without `storage` shadows live in memory only; with it, they are loaded now.
    explicit Shadows(std::unique_ptr<ShadowStorage> storage = nullptr);
    ~Shadows();
    Shadows(const Shadows&) = delete;
    Shadows& operator=(const Shadows&) = delete;

    Outcome handle(const Request& request, Timestamp now);

    // The names of a thing's named shadows, sorted; never the classic shadow (§4.8).
    std::vector<std::string> named_shadows(std::string_view thing_name) const;

    // Forgets every shadow of a thing (its deletion from the registry).
    void forget_thing(std::string_view thing_name);
    // Forgets every shadow, deleted versions included (the harness's reset, docs/harness.md).
    void clear();

private:
    struct Shadow;

    Outcome get(const Request& request, Timestamp now);
    Outcome update(const Request& request, Timestamp now);
    Outcome remove(const Request& request, Timestamp now);
    // The stored shadow, deleted or not; null when there never was one.
    Shadow* find(const ShadowId& id);
    void store(const ShadowId& id, const Shadow& shadow);

    mutable std::mutex mutex_;
    std::unique_ptr<ShadowStorage> storage_;
    // thing name → shadow name ("" for the classic shadow) → shadow, deleted ones included
    // while their version is remembered.
    std::map<std::string, std::map<std::string, std::unique_ptr<Shadow>, std::less<>>, std::less<>>
        things_;
};

}  // namespace iotemu::shadow
