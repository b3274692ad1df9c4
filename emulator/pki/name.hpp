// Distinguished names read out of certificates and CSRs. std only.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace iotemu::pki {

struct NameEntry {
    std::string
        short_name;     // OpenSSL short name: "CN", "O", "OU", "C", "ST", "L", "serialNumber", …
    std::string value;  // UTF-8
};

struct DistinguishedName {
    std::vector<NameEntry> entries;  // in the order the certificate lists them

    // The first value of an attribute, e.g. first("CN").
    std::optional<std::string> first(std::string_view short_name) const;
    // Every value of an attribute, in order (multi-valued OU etc., docs/aws/iot-core.md §5.2).
    std::vector<std::string> all(std::string_view short_name) const;
    // One line, RFC 2253 order and escaping ("CN=device-1,O=Acme"); equal names give equal text.
    std::string one_line() const;
    // The entries AWS IoT's certificate policy variables can name, under AWS's attribute names
    // ("CommonName", "Organization", …, docs/aws/iot-core.md §5.2), in certificate order.
    std::vector<std::pair<std::string, std::string>> policy_attributes() const;
};

}  // namespace iotemu::pki
