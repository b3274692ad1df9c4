// Records: one map of State that remembers which of its keys may have changed since it was last
// told to forget, so that saving the registry after an operation writes what the operation touched
// without comparing every record (docs/state.md §2). Any non-const access to a key counts as a
// change of that key (an over-estimate the store checks by comparing); a non-const walk, an
// assignment or a clear counts as a change of them all. std only.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace iotemu::registry {

template <class V>
class Records {
    using Map = std::map<std::string, V, std::less<>>;

public:
    using key_type = std::string;
    using mapped_type = V;
    using value_type = typename Map::value_type;
    using size_type = typename Map::size_type;
    using iterator = typename Map::iterator;
    using const_iterator = typename Map::const_iterator;

    Records() = default;
    Records(const Records& other) : map_(other.map_), all_changed_(true) {}
    Records(Records&& other) noexcept : map_(std::move(other.map_)), all_changed_(true) {}
    Records& operator=(const Records& other) {
        if (this != &other) assign(Map(other.map_));
        return *this;
    }
    Records& operator=(Records&& other) noexcept {
        assign(std::move(other.map_));
        return *this;
    }

    bool operator==(const Records& other) const { return map_ == other.map_; }

    // ---- reading: changes nothing ----
    const_iterator begin() const { return map_.begin(); }
    const_iterator end() const { return map_.end(); }
    const_iterator find(std::string_view key) const { return map_.find(key); }
    const_iterator lower_bound(std::string_view key) const { return map_.lower_bound(key); }
    bool contains(std::string_view key) const { return map_.contains(key); }
    const V& at(std::string_view key) const { return at_or_throw(map_, key); }
    size_type size() const { return map_.size(); }
    bool empty() const { return map_.empty(); }

    // ---- writing: each records the key it may change ----
    // end() only marks where a search failed: nothing is reached through it.
    iterator end() { return map_.end(); }
    iterator begin() {
        touch_all();
        return map_.begin();
    }
    iterator find(std::string_view key) {
        touch(key);
        return map_.find(key);
    }
    V& at(std::string_view key) {
        touch(key);
        return at_or_throw(map_, key);
    }
    V& operator[](const std::string& key) {
        touch(key);
        return map_[key];
    }
    template <class K, class... Args>
    std::pair<iterator, bool> emplace(K&& key, Args&&... args) {
        touch(key);
        return map_.try_emplace(std::string(std::forward<K>(key)), std::forward<Args>(args)...);
    }
    template <class K, class... Args>
    iterator emplace_hint(const_iterator hint, K&& key, Args&&... args) {
        touch(key);
        return map_.try_emplace(hint, std::string(std::forward<K>(key)),
                                std::forward<Args>(args)...);
    }
    template <class K, class M>
    std::pair<iterator, bool> insert_or_assign(K&& key, M&& value) {
        touch(key);
        return map_.insert_or_assign(std::string(std::forward<K>(key)), std::forward<M>(value));
    }
    size_type erase(std::string_view key) {
        touch(key);
        const auto found = map_.find(key);
        if (found == map_.end()) return 0;
        map_.erase(found);
        return 1;
    }
    iterator erase(iterator position) {
        touch(position->first);
        return map_.erase(position);
    }
    void clear() {
        touch_all();
        map_.clear();
    }
    // Erases the records `remove(record)` holds for; only theirs count as changed.
    template <class Remove>
    size_type erase_if(Remove remove) {
        std::vector<std::string> removing;
        for (const auto& record : map_)
            if (remove(record)) removing.push_back(record.first);
        for (const auto& key : removing) erase(key);
        return removing.size();
    }

    // ---- for the store ----
    // Whether any key may have changed in ways changed_keys() does not list.
    bool all_changed() const {
        std::lock_guard lock(mutex_);
        return all_changed_;
    }
    std::vector<std::string> changed_keys() const {
        std::lock_guard lock(mutex_);
        return {changed_.begin(), changed_.end()};
    }
    void forget_changes() {
        std::lock_guard lock(mutex_);
        changed_.clear();
        all_changed_ = false;
    }

private:
    static auto& at_or_throw(auto& map, std::string_view key) {
        const auto found = map.find(key);
        if (found == map.end()) throw std::out_of_range("no record '" + std::string(key) + "'");
        return found->second;
    }
    // Touched under the registry's shared lock too (a lookup through a non-const State), hence
    // the mutex of its own.
    void touch(std::string_view key) {
        std::lock_guard lock(mutex_);
        if (!all_changed_) changed_.emplace(key);
    }
    void touch_all() {
        std::lock_guard lock(mutex_);
        all_changed_ = true;
        changed_.clear();
    }
    void assign(Map map) {
        map_ = std::move(map);
        touch_all();
    }

    Map map_;
    mutable std::mutex mutex_;
    std::set<std::string, std::less<>> changed_;
    bool all_changed_ = false;
};

}  // namespace iotemu::registry
