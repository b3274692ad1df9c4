// The table of reserved topics a client may publish to, matched level by level. Only request
// topics are listed: AWS's replies on the same trees are published by AWS alone
// (docs/aws/iot-core.md §6.2).
#include "mqtt/reserved_topics.hpp"

#include <array>
#include <cstddef>
#include <initializer_list>

namespace iotemu::mqtt {
namespace {

// The first levels of a topic, enough for every reserved form; `count` is the true total.
struct Levels {
    static constexpr std::size_t kept = 8;
    std::array<std::string_view, kept> level{};
    std::size_t count = 0;

    explicit Levels(std::string_view topic) {
        while (true) {
            const auto slash = topic.find('/');
            if (count < kept) level[count] = topic.substr(0, slash);
            ++count;
            if (slash == std::string_view::npos) break;
            topic.remove_prefix(slash + 1);
        }
    }
    std::string_view operator[](std::size_t index) const {
        return index < kept ? level[index] : std::string_view{};
    }
};

bool one_of(std::string_view level, std::initializer_list<std::string_view> names) {
    for (const auto name : names)
        if (level == name) return true;
    return false;
}

// $aws/things/<thing>/shadow/<op> or $aws/things/<thing>/shadow/name/<shadow>/<op>, levels
// counted from `shadow`'s successor at index 4 [DG device-shadow-mqtt].
bool is_shadow_request(const Levels& levels) {
    std::size_t op = 4;
    if (levels[4] == "name") {
        if (levels[5].empty()) return false;
        op = 6;
    }
    return levels.count == op + 1 && one_of(levels[op], {"get", "update", "delete"});
}

// $aws/things/<thing>/jobs/get|start-next and $aws/things/<thing>/jobs/<job>/get|update
// [DG jobs-mqtt-api]; notify, notify-next and the /accepted|/rejected replies are AWS's.
bool is_jobs_request(const Levels& levels) {
    if (levels.count == 5) return one_of(levels[4], {"get", "start-next"});
    return levels.count == 6 && !levels[4].empty() && one_of(levels[5], {"get", "update"});
}

}  // namespace

bool is_reserved_topic(std::string_view topic) { return topic.starts_with('$'); }

bool client_may_publish(std::string_view topic) {
    if (!is_reserved_topic(topic)) return true;
    const Levels levels{topic};
    if (levels[0] != "$aws") return false;
    const auto api = levels[1];
    if (api == "rules")  // Basic Ingest: $aws/rules/<rule>/<topic…> [DG iot-basic-ingest]
        return levels.count >= 4 && !levels[2].empty();
    if (api == "things") {
        if (levels[2].empty()) return false;
        if (levels[3] == "shadow") return is_shadow_request(levels);
        if (levels[3] == "jobs") return is_jobs_request(levels);
        return false;
    }
    if (api == "certificates")  // fleet provisioning by claim, docs/aws/iot-core.md §8
        return levels.count == 4 && one_of(levels[2], {"create", "create-from-csr"}) &&
               !levels[3].empty();
    if (api == "provisioning-templates")  // $aws/provisioning-templates/<name>/provision/<fmt>
        return levels.count == 5 && !levels[2].empty() && levels[3] == "provision" &&
               !levels[4].empty();
    return false;
}

}  // namespace iotemu::mqtt
