// DistinguishedName lookups and its one-line RFC 2253 text, plus the conversions from and to
// OpenSSL's X509_NAME. Holds no state and never fails on odd input: every byte has a rendering.
#include "pki/name.hpp"

#include <array>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include "pki/native_name.hpp"
#include "pki/ossl_util.hpp"

namespace iotemu::pki {

std::optional<std::string> DistinguishedName::first(std::string_view short_name) const {
    for (const auto& entry : entries) {
        if (entry.short_name == short_name) {
            return entry.value;
        }
    }
    return std::nullopt;
}

// OpenSSL short names → AWS's certificate policy-variable attribute names.
constexpr std::array<std::pair<std::string_view, std::string_view>, 13> policy_attribute_names{{
    {"CN", "CommonName"},
    {"C", "Country"},
    {"O", "Organization"},
    {"OU", "OrganizationalUnit"},
    {"ST", "State"},
    {"serialNumber", "SerialNumber"},
    {"dnQualifier", "DistinguishedNameQualifier"},
    {"title", "Title"},
    {"SN", "Surname"},
    {"GN", "GivenName"},
    {"initials", "Initials"},
    {"pseudonym", "Pseudonym"},
    {"generationQualifier", "GenerationQualifier"},
}};

std::vector<std::pair<std::string, std::string>> DistinguishedName::policy_attributes() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& entry : entries)
        for (const auto& [short_name, aws_name] : policy_attribute_names)
            if (entry.short_name == short_name) out.emplace_back(aws_name, entry.value);
    return out;
}

std::vector<std::string> DistinguishedName::all(std::string_view short_name) const {
    std::vector<std::string> values;
    for (const auto& entry : entries) {
        if (entry.short_name == short_name) {
            values.push_back(entry.value);
        }
    }
    return values;
}

namespace {

constexpr char hex_digits[] = "0123456789ABCDEF";

// RFC 2253 §2.4 escaping, as `openssl x509 -nameopt RFC2253,-esc_msb` prints it: special
// characters get a backslash, control bytes become \XX, UTF-8 passes through readable.
void append_escaped(std::string& out, std::string_view value) {
    constexpr std::string_view specials = ",+\"\\<>;";
    for (std::size_t i = 0; i < value.size(); ++i) {
        const auto byte = static_cast<unsigned char>(value[i]);
        const bool first = i == 0;
        const bool last = i + 1 == value.size();
        if (byte < 0x20 || byte == 0x7f) {
            out += '\\';
            out += hex_digits[byte >> 4];
            out += hex_digits[byte & 0x0f];
            continue;
        }
        if (specials.find(value[i]) != std::string_view::npos ||
            (first && (byte == '#' || byte == ' ')) || (last && byte == ' ')) {
            out += '\\';
        }
        out += value[i];
    }
}

}  // namespace

std::string DistinguishedName::one_line() const {
    // RFC 2253 lists the RDNs last-first: the most specific attribute (usually CN) leads.
    std::string line;
    for (auto entry = entries.rbegin(); entry != entries.rend(); ++entry) {
        if (!line.empty()) {
            line += ',';
        }
        line += entry->short_name;
        line += '=';
        append_escaped(line, entry->value);
    }
    return line;
}

namespace detail {

namespace {

// OpenSSL's short name ("CN", "serialNumber"), or the dotted OID for an attribute it has no
// name for.
std::string short_name_of(const ASN1_OBJECT* object) {
    if (const int nid = OBJ_obj2nid(object); nid != NID_undef) {
        if (const char* name = OBJ_nid2sn(nid)) {
            return name;
        }
    }
    const int size = OBJ_obj2txt(nullptr, 0, object, 1);
    if (size <= 0) {
        ERR_clear_error();
        return "?";
    }
    std::string oid(static_cast<std::size_t>(size) + 1, '\0');
    OBJ_obj2txt(oid.data(), size + 1, object, 1);
    oid.resize(static_cast<std::size_t>(size));
    return oid;
}

// The value as UTF-8. A value OpenSSL cannot convert (a non-string type) is rendered as RFC 2253's
// "#" + hex of its bytes rather than dropped, so two different names never print the same.
std::string utf8_value_of(const ASN1_STRING* value) {
    unsigned char* converted = nullptr;
    const int size = ASN1_STRING_to_UTF8(&converted, value);
    const OpensslBytesPtr owned(converted);
    if (size >= 0) {
        return std::string(reinterpret_cast<const char*>(converted),
                           static_cast<std::size_t>(size));
    }
    ERR_clear_error();
    std::string text = "#";
    const unsigned char* bytes = ASN1_STRING_get0_data(value);
    for (int i = 0; i < ASN1_STRING_length(value); ++i) {
        text += hex_digits[bytes[i] >> 4];
        text += hex_digits[bytes[i] & 0x0f];
    }
    return text;
}

}  // namespace

DistinguishedName to_distinguished_name(const X509_NAME* name) {
    DistinguishedName result;
    const int count = X509_NAME_entry_count(name);
    result.entries.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, i);
        result.entries.push_back({short_name_of(X509_NAME_ENTRY_get_object(entry)),
                                  utf8_value_of(X509_NAME_ENTRY_get_data(entry))});
    }
    return result;
}

Result<X509NamePtr, PkiError> to_x509_name(const std::vector<NameEntry>& entries) {
    X509NamePtr name(X509_NAME_new());
    if (!name) {
        throw_openssl_error("cannot allocate an X509_NAME");
    }
    for (const auto& entry : entries) {
        const auto* bytes = reinterpret_cast<const unsigned char*>(entry.value.data());
        const int size = static_cast<int>(entry.value.size());
        // MBSTRING_UTF8 lets OpenSSL pick the standard string type (PrintableString for C) and
        // enforce its size rules; a value those rules refuse (C=USA, taken from a CSR) is kept
        // as a plain UTF8String rather than failing the whole name.
        if (X509_NAME_add_entry_by_txt(name.get(), entry.short_name.c_str(), MBSTRING_UTF8, bytes,
                                       size, -1, 0) == 1) {
            continue;
        }
        ERR_clear_error();
        if (X509_NAME_add_entry_by_txt(name.get(), entry.short_name.c_str(), V_ASN1_UTF8STRING,
                                       bytes, size, -1, 0) != 1) {
            return Unexpected{input_error("unknown name attribute \"" + entry.short_name + "\"")};
        }
    }
    return name;
}

}  // namespace detail

}  // namespace iotemu::pki
