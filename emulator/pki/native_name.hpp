// Converting between OpenSSL's X509_NAME and our DistinguishedName. Internal to pki: never include
// it from a public header. Defined in name.cpp.
#pragma once

#include <vector>

#include "common/result.hpp"
#include "pki/error.hpp"
#include "pki/name.hpp"
#include "pki/ossl.hpp"

namespace iotemu::pki::detail {

// Every attribute of `name` in encoded order, values converted to UTF-8 whatever their ASN.1
// string type (PrintableString, BMPString, …), so equal text means equal value.
DistinguishedName to_distinguished_name(const X509_NAME* name);

// A name with one RDN per entry, in order. Fails on an attribute OpenSSL does not know.
Result<X509NamePtr, PkiError> to_x509_name(const std::vector<NameEntry>& entries);

}  // namespace iotemu::pki::detail
