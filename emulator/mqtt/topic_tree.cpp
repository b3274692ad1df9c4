// A trie keyed by topic level; '+' and '#' are ordinary child keys (a topic name never contains
// them, so they cannot collide with a real level). Empty nodes are pruned on erase.
#include "mqtt/topic_tree.hpp"

#include <algorithm>
#include <cassert>
#include <functional>
#include <iterator>

#include "common/text_map.hpp"
#include "mqtt/topic.hpp"

namespace iotemu::mqtt {
namespace {

// Splits "a/b/" into {"a", "b", ""}.
void split_levels(std::string_view text, std::vector<std::string_view>& levels) {
    levels.clear();
    while (true) {
        const auto slash = text.find('/');
        levels.push_back(text.substr(0, slash));
        if (slash == std::string_view::npos) return;
        text.remove_prefix(slash + 1);
    }
}

}  // namespace

struct TopicTree::Node {
    TextMap<std::unique_ptr<Node>> children;
    std::unordered_map<SubscriberId, SubscriptionOptions> subscribers;  // filters ending here

    Node* child(std::string_view level) const {
        const auto found = children.find(level);
        return found == children.end() ? nullptr : found->second.get();
    }
    bool unused() const { return children.empty() && subscribers.empty(); }
};

TopicTree::TopicTree() : root_(std::make_unique<Node>()) {}
TopicTree::~TopicTree() = default;
TopicTree::TopicTree(TopicTree&&) noexcept = default;
TopicTree& TopicTree::operator=(TopicTree&&) noexcept = default;

bool TopicTree::insert(std::string_view filter, SubscriberId subscriber,
                       SubscriptionOptions options) {
    assert(is_valid_topic_filter(filter) && !is_shared_subscription(filter));
    Node* node = root_.get();
    std::vector<std::string_view> levels;
    split_levels(filter, levels);
    for (const auto level : levels) {
        Node* next = node->child(level);
        if (next == nullptr) {
            auto created = std::make_unique<Node>();
            next = created.get();
            node->children.emplace(std::string(level), std::move(created));
        }
        node = next;
    }
    const auto [at, added] = node->subscribers.insert_or_assign(subscriber, options);
    if (added) {
        filters_by_subscriber_[subscriber].emplace_back(filter);
        ++size_;
    }
    return added;
}

bool TopicTree::erase(std::string_view filter, SubscriberId subscriber) {
    std::vector<std::string_view> levels;
    split_levels(filter, levels);
    std::vector<Node*> path{root_.get()};  // path[i] is the parent of levels[i]
    for (const auto level : levels) {
        Node* next = path.back()->child(level);
        if (next == nullptr) return false;
        path.push_back(next);
    }
    if (path.back()->subscribers.erase(subscriber) == 0) return false;
    --size_;

    for (std::size_t i = levels.size(); i > 0 && path[i]->unused(); --i)
        path[i - 1]->children.erase(path[i - 1]->children.find(levels[i - 1]));

    if (const auto held = filters_by_subscriber_.find(subscriber);
        held != filters_by_subscriber_.end()) {
        auto& filters = held->second;
        if (const auto it = std::find(filters.begin(), filters.end(), filter); it != filters.end())
            filters.erase(it);
        if (filters.empty()) filters_by_subscriber_.erase(held);
    }
    return true;
}

std::size_t TopicTree::count(SubscriberId subscriber) const {
    const auto held = filters_by_subscriber_.find(subscriber);
    return held == filters_by_subscriber_.end() ? 0 : held->second.size();
}

std::size_t TopicTree::erase_all(SubscriberId subscriber) {
    const auto held = filters_by_subscriber_.find(subscriber);
    if (held == filters_by_subscriber_.end()) return 0;
    // erase() edits this list, so walk a copy.
    const std::vector<std::string> filters = held->second;
    for (const auto& filter : filters) erase(filter, subscriber);
    return filters.size();
}

void TopicTree::match(std::string_view topic, std::vector<Subscriber>& out,
                      SubscriberId publisher) const {
    out.clear();
    std::vector<std::string_view> levels;
    split_levels(topic, levels);
    // Wildcards at the first level never match a '$' topic [MQTT-4.7.2-1].
    const bool system_topic = topic.starts_with('$');

    auto collect = [&out, publisher](const Node& node) {
        for (const auto& [id, options] : node.subscribers)
            if (!(options.no_local && id == publisher))
                out.push_back({id, options.qos, options.retain_as_published});
    };
    auto visit = [&](auto& self, const Node& node, std::size_t depth) -> void {
        if (depth == levels.size()) {
            collect(node);
            return;
        }
        const bool wildcards = depth > 0 || !system_topic;
        // AWS: '#' matches only when a level remains for it, never the parent
        // (docs/aws/iot-core.md §6.2).
        if (const Node* hash = wildcards ? node.child("#") : nullptr) collect(*hash);
        if (const Node* plus = wildcards ? node.child("+") : nullptr) self(self, *plus, depth + 1);
        if (const Node* exact = node.child(levels[depth])) self(self, *exact, depth + 1);
    };
    visit(visit, *root_, 0);

    // One delivery per subscriber, at the highest granted QoS of its matching filters.
    if (out.size() < 2) return;
    std::sort(out.begin(), out.end(), [](const Subscriber& a, const Subscriber& b) {
        return a.id < b.id || (a.id == b.id && a.qos > b.qos);
    });
    auto kept = out.begin();
    for (auto it = std::next(out.begin()); it != out.end(); ++it) {
        if (it->id == kept->id)
            kept->retain_as_published = kept->retain_as_published || it->retain_as_published;
        else
            *++kept = *it;
    }
    out.erase(std::next(kept), out.end());
}

std::vector<Subscriber> TopicTree::match(std::string_view topic, SubscriberId publisher) const {
    std::vector<Subscriber> out;
    match(topic, out, publisher);
    return out;
}

}  // namespace iotemu::mqtt
