// Helpers shared by the fuzz targets: a fuzz input read as text fields separated by NUL bytes, so
// seed files stay readable (a SQL statement, NUL, a payload). Test-only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace iotemu::fuzz {

// The input as text; next() returns the part up to the next NUL (or the rest), then the rest.
class Fields {
public:
    Fields(const std::uint8_t* data, std::size_t size)
        : rest_(reinterpret_cast<const char*>(data), size) {}
    std::string_view next() {
        const auto end = rest_.find('\0');
        const auto field = rest_.substr(0, end);
        rest_ = end == std::string_view::npos ? std::string_view{} : rest_.substr(end + 1);
        return field;
    }
    bool empty() const { return rest_.empty(); }

private:
    std::string_view rest_;
};

}  // namespace iotemu::fuzz
