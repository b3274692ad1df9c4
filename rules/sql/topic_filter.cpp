// Topic filter validation for FROM: '+' fills a whole level, '#' a whole last level, no NUL, valid
// UTF-8, at most 256 bytes. Pure.
#include "rules/sql/topic_filter.hpp"

namespace iotemu::rules::sql::detail {
namespace {

constexpr std::size_t max_filter_bytes = 256;

// Length of the UTF-8 sequence starting at `i`, or 0 when it is malformed.
std::size_t utf8_length(std::string_view text, std::size_t i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    if (lead < 0x80) return 1;
    if ((lead & 0xe0) == 0xc0 && lead >= 0xc2)
        length = 2;
    else if ((lead & 0xf0) == 0xe0)
        length = 3;
    else if ((lead & 0xf8) == 0xf0 && lead <= 0xf4)
        length = 4;
    else
        return 0;
    if (i + length > text.size()) return 0;
    for (std::size_t k = 1; k < length; ++k) {
        if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) return 0;
    }
    return length;
}

}  // namespace

std::optional<FilterProblem> check_topic_filter(std::string_view filter) {
    if (filter.empty()) return FilterProblem{"empty topic filter", 0};
    if (filter.size() > max_filter_bytes)
        return FilterProblem{"topic filter longer than 256 bytes", max_filter_bytes};
    std::size_t level_start = 0;
    for (std::size_t i = 0; i < filter.size();) {
        const char c = filter[i];
        if (c == '\0') return FilterProblem{"NUL character in topic filter", i};
        const bool alone = i == level_start && (i + 1 == filter.size() || filter[i + 1] == '/');
        if (c == '+' && !alone) return FilterProblem{"'+' must fill a whole topic level", i};
        if (c == '#' && !(alone && i + 1 == filter.size()))
            return FilterProblem{"'#' must be the whole last topic level", i};
        if (c == '/') level_start = i + 1;
        const auto length = utf8_length(filter, i);
        if (length == 0) return FilterProblem{"invalid UTF-8 in topic filter", i};
        i += length;
    }
    return std::nullopt;
}

}  // namespace iotemu::rules::sql::detail
