// Topic aliases both ways: a table indexed by alias, and (outbound) its reverse by topic.
#include "mqtt/topic_aliases.hpp"

namespace iotemu::mqtt {

std::optional<ReasonCode> InboundTopicAliases::resolve(Publish& publish) {
    if (!publish.topic_alias) return std::nullopt;
    const auto alias = *publish.topic_alias;
    if (alias == 0 || alias > topics_.size()) return ReasonCode::topic_alias_invalid;
    auto& topic = topics_[alias - 1];
    if (!publish.topic.empty()) {
        topic = publish.topic;
    } else if (topic.empty()) {
        return ReasonCode::protocol_error;
    } else {
        publish.topic = topic;
    }
    publish.topic_alias.reset();  // used up on this hop
    return std::nullopt;
}

void OutboundTopicAliases::apply(Publish& publish) {
    if (maximum_ == 0) return;
    if (const auto known = aliases_.find(publish.topic); known != aliases_.end()) {
        publish.topic_alias = known->second;
        publish.topic.clear();
        return;
    }
    std::uint16_t alias;
    if (topics_.size() < maximum_) {
        topics_.push_back(publish.topic);
        alias = static_cast<std::uint16_t>(topics_.size());
    } else {
        alias = static_cast<std::uint16_t>(next_reused_ + 1);
        next_reused_ = static_cast<std::uint16_t>((next_reused_ + 1) % maximum_);
        aliases_.erase(topics_[alias - 1]);
        topics_[alias - 1] = publish.topic;
    }
    aliases_.emplace(publish.topic, alias);
    publish.topic_alias = alias;
}

}  // namespace iotemu::mqtt
