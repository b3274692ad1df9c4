// DistinguishedName: lookups, RFC 2253 one-line text, and UTF-8 values from any ASN.1 string type.
#include "pki/name.hpp"

#include <catch2/catch.hpp>
#include <openssl/asn1.h>

#include "fixtures.hpp"
#include "pki/native_name.hpp"

using namespace iotemu::pki;

TEST_CASE("first and all find attribute values in certificate order") {
    const DistinguishedName name{{{"C", "US"}, {"OU", "one"}, {"OU", "two"}, {"CN", "device"}}};
    CHECK(name.first("OU") == "one");
    CHECK(name.first("CN") == "device");
    CHECK_FALSE(name.first("O").has_value());
    CHECK(name.all("OU") == std::vector<std::string>{"one", "two"});
    CHECK(name.all("O").empty());
}

TEST_CASE("one_line is RFC 2253: last attribute first, special characters escaped") {
    // Expected texts as `openssl x509 -noout -subject -nameopt RFC2253,-esc_msb` prints them.
    const auto [entries, expected] = GENERATE(table<std::vector<NameEntry>, std::string>({
        {std::vector<NameEntry>{}, ""},
        {{{"CN", "device-1"}}, "CN=device-1"},
        {{{"C", "US"}, {"O", "Acme"}, {"CN", "device-1"}}, "CN=device-1,O=Acme,C=US"},
        {{{"O", "Ac,me"}}, "O=Ac\\,me"},
        {{{"OU", "a<b>\\c"}}, "OU=a\\<b\\>\\\\c"},
        {{{"CN", "x+y;\"z\""}}, "CN=x\\+y\\;\\\"z\\\""},
        {{{"CN", " #lead trail "}}, "CN=\\ #lead trail\\ "},
        {{{"CN", "#hash"}}, "CN=\\#hash"},
        {{{"CN", "tab\there"}}, "CN=tab\\09here"},
        {{{"CN", std::string("nul\0byte", 8)}}, "CN=nul\\00byte"},
        {{{"CN", "dëvice"}}, "CN=dëvice"},
        {{{"emailAddress", "a@b.c"}, {"CN", "x"}}, "CN=x,emailAddress=a@b.c"},
    }));
    CAPTURE(expected);
    CHECK(DistinguishedName{entries}.one_line() == expected);
}

TEST_CASE("Equal values read the same whatever ASN.1 string type encodes them") {
    const auto type = GENERATE(V_ASN1_UTF8STRING, V_ASN1_PRINTABLESTRING, V_ASN1_BMPSTRING);
    CAPTURE(type);
    X509NamePtr name(X509_NAME_new());
    // MBSTRING_ASC input converted to the requested type: BMPString stores UTF-16.
    const unsigned long mask = type == V_ASN1_UTF8STRING        ? B_ASN1_UTF8STRING
                               : type == V_ASN1_PRINTABLESTRING ? B_ASN1_PRINTABLESTRING
                                                                : B_ASN1_BMPSTRING;
    ASN1_STRING* raw = nullptr;
    const auto* text = reinterpret_cast<const unsigned char*>("Acme Devices");
    REQUIRE(ASN1_mbstring_copy(&raw, text, -1, MBSTRING_ASC, mask) > 0);
    const std::unique_ptr<ASN1_STRING, Deleter<ASN1_STRING_free>> value(raw);
    REQUIRE(ASN1_STRING_type(value.get()) == type);
    REQUIRE(X509_NAME_add_entry_by_NID(name.get(), NID_organizationName, type,
                                       ASN1_STRING_get0_data(value.get()),
                                       ASN1_STRING_length(value.get()), -1, 0) == 1);

    const DistinguishedName read = detail::to_distinguished_name(name.get());
    REQUIRE(read.entries.size() == 1);
    CHECK(read.entries[0].short_name == "O");
    CHECK(read.entries[0].value == "Acme Devices");
    CHECK(read.one_line() == "O=Acme Devices");
}

TEST_CASE("An attribute OpenSSL has no name for reads as its dotted OID") {
    X509NamePtr name(X509_NAME_new());
    REQUIRE(X509_NAME_add_entry_by_txt(name.get(), "1.3.6.1.4.1.99999.1", MBSTRING_UTF8,
                                       reinterpret_cast<const unsigned char*>("v"), -1, -1,
                                       0) == 1);
    const DistinguishedName read = detail::to_distinguished_name(name.get());
    REQUIRE(read.entries.size() == 1);
    CHECK(read.entries[0].short_name == "1.3.6.1.4.1.99999.1");
    CHECK(read.entries[0].value == "v");
}
