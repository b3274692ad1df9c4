// Helpers shared by the iam operation files: case-folding, ids, IAM's marker paging. Internal
// to iam/. std only.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/random.hpp"
#include "services/iam/iam.hpp"
#include "services/iam/validation.hpp"

namespace iotemu::services::iam::detail {

// IAM names are unique regardless of case.
inline std::string folded(std::string_view name) {
    std::string out(name);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// A unique id as IAM makes them: a four-letter kind ("AROA" role, "ANPA" policy) + 17 more.
inline std::string unique_id(std::string_view prefix) {
    return std::string(prefix) + random_text(17, upper_alphanumeric);
}

// One page of `items`, given as (key, item) in key order: those from `marker` on, at most
// max_items (default 100); the next page's marker is the key of the first item left out.
template <class T>
Page<T> paginate(std::vector<std::pair<std::string, T>> items, const PageRequest& request) {
    const std::int64_t max_items = request.max_items.value_or(100);
    check_range("maxItems", max_items, 1, 1000);
    Page<T> page;
    auto it = items.begin();
    if (request.marker)
        it = std::find_if(items.begin(), items.end(),
                          [&](const auto& item) { return item.first >= *request.marker; });
    for (; it != items.end(); ++it) {
        if (static_cast<std::int64_t>(page.items.size()) == max_items) {
            page.marker = it->first;
            break;
        }
        page.items.push_back(std::move(it->second));
    }
    return page;
}

inline bool in_path(std::string_view path, const PageRequest& request) {
    return !request.path_prefix ||
           path.substr(0, request.path_prefix->size()) == *request.path_prefix;
}

}  // namespace iotemu::services::iam::detail
