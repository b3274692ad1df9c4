// X509Certificate: parsing (PEM, DER, native), the IoT id, names, validity, CA-ness and signer
// checks. Bad input becomes a PkiError and never an exception; no I/O.
#include "pki/certificate.hpp"

#include <chrono>
#include <climits>
#include <ctime>
#include <optional>
#include <stdexcept>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "pki/digest.hpp"
#include "pki/native_name.hpp"
#include "pki/ossl.hpp"
#include "pki/ossl_util.hpp"

namespace iotemu::pki {

namespace {

// An ASN1_TIME (UTCTime or GeneralizedTime, always UTC in certificates) as a time point; empty
// when OpenSSL cannot read it. system_clock counts nanoseconds in 64 bits and so ends in 2262,
// before RFC 5280's "no expiry" notAfter of 99991231235959Z: such dates clamp to the clock's ends.
std::optional<Timestamp> to_timestamp(const ASN1_TIME* time) {
    using namespace std::chrono;
    std::tm utc{};
    if (time == nullptr || ASN1_TIME_to_tm(time, &utc) != 1) {
        ERR_clear_error();
        return std::nullopt;
    }
    const year_month_day date{year{utc.tm_year + 1900},
                              month{static_cast<unsigned>(utc.tm_mon + 1)},
                              day{static_cast<unsigned>(utc.tm_mday)}};
    const sys_seconds at =
        sys_days{date} + hours{utc.tm_hour} + minutes{utc.tm_min} + seconds{utc.tm_sec};
    if (at >= time_point_cast<seconds>(Timestamp::max())) {
        return Timestamp::max();
    }
    if (at <= time_point_cast<seconds>(Timestamp::min())) {
        return Timestamp::min();
    }
    return time_point_cast<Timestamp::duration>(at);
}

bool has_readable_validity(X509* cert) {
    return to_timestamp(X509_get0_notBefore(cert)) && to_timestamp(X509_get0_notAfter(cert));
}

// The one check shared by every parser: validity() and public_key() cannot report errors, so a
// certificate whose dates or key OpenSSL cannot read is refused here. (OpenSSL parses a
// certificate whose key does not decode, e.g. an EC point with a bad prefix, and fails later.)
Result<std::shared_ptr<X509>, PkiError> adopt(X509Ptr cert) {
    if (!has_readable_validity(cert.get())) {
        return Unexpected{PkiError{"certificate has an unreadable validity period"}};
    }
    if (X509_get0_pubkey(cert.get()) == nullptr) {
        ERR_clear_error();
        return Unexpected{PkiError{"certificate has a public key that cannot be decoded"}};
    }
    return std::shared_ptr<X509>(std::move(cert));
}

// The next certificate in `bio`, skipping text and other PEM blocks before it, as openssl does.
X509Ptr read_pem_certificate(BIO* bio) {
    return X509Ptr(PEM_read_bio_X509(bio, nullptr, detail::no_passphrase, nullptr));
}

// After a failed read: true when the BIO simply held no further PEM block (the normal end of a
// chain), false when a block was there but broken.
bool ran_out_of_pem_blocks() {
    const unsigned long code = ERR_peek_last_error();
    return ERR_GET_LIB(code) == ERR_LIB_PEM && ERR_GET_REASON(code) == PEM_R_NO_START_LINE;
}

}  // namespace

X509Certificate::X509Certificate(std::shared_ptr<X509> cert)
    : cert_(std::move(cert)), id_(sha256_hex(der())) {}

// A parsed certificate keeps its original encoding, so this is the DER exactly as received: the id
// must match `openssl x509 -outform der | sha256sum` (docs/aws/iot-core.md §0.2).
std::string X509Certificate::der() const {
    const int size = i2d_X509(cert_.get(), nullptr);
    if (size <= 0) detail::throw_openssl_error("cannot DER-encode certificate");
    std::string der(static_cast<std::size_t>(size), '\0');
    auto* out = reinterpret_cast<unsigned char*>(der.data());
    if (i2d_X509(cert_.get(), &out) != size)
        detail::throw_openssl_error("cannot DER-encode certificate");
    return der;
}

Result<X509Certificate, PkiError> X509Certificate::from_pem(std::string_view pem) {
    if (pem.empty()) {
        return Unexpected{PkiError{"certificate PEM is empty"}};
    }
    const BioPtr bio = detail::read_only_bio(pem);
    if (!bio) {
        return Unexpected{detail::input_error("certificate PEM is too large")};
    }
    X509Ptr cert = read_pem_certificate(bio.get());
    if (!cert) {
        return Unexpected{detail::input_error(
            ran_out_of_pem_blocks() ? "no certificate found in PEM" : "malformed certificate PEM")};
    }
    auto shared = adopt(std::move(cert));
    if (!shared) {
        return Unexpected{std::move(shared).error()};
    }
    return X509Certificate(std::move(*shared));
}

Result<std::vector<X509Certificate>, PkiError> X509Certificate::chain_from_pem(
    std::string_view pem) {
    if (pem.empty()) {
        return Unexpected{PkiError{"certificate PEM is empty"}};
    }
    const BioPtr bio = detail::read_only_bio(pem);
    if (!bio) {
        return Unexpected{detail::input_error("certificate PEM is too large")};
    }
    std::vector<X509Certificate> chain;
    while (X509Ptr cert = read_pem_certificate(bio.get())) {
        auto shared = adopt(std::move(cert));
        if (!shared) {
            return Unexpected{PkiError{"certificate " + std::to_string(chain.size() + 1) +
                                       " of the chain: " + shared.error().message}};
        }
        chain.push_back(X509Certificate(std::move(*shared)));
    }
    if (!ran_out_of_pem_blocks()) {
        return Unexpected{detail::input_error("certificate " + std::to_string(chain.size() + 1) +
                                              " of the chain: malformed certificate PEM")};
    }
    ERR_clear_error();
    if (chain.empty()) {
        return Unexpected{PkiError{"no certificate found in PEM"}};
    }
    return chain;
}

Result<X509Certificate, PkiError> X509Certificate::from_der(std::string_view der) {
    if (der.empty()) {
        return Unexpected{PkiError{"certificate DER is empty"}};
    }
    if (der.size() > static_cast<std::size_t>(LONG_MAX)) {
        return Unexpected{PkiError{"certificate DER is too large"}};
    }
    const auto* begin = reinterpret_cast<const unsigned char*>(der.data());
    const unsigned char* next = begin;
    X509Ptr cert(d2i_X509(nullptr, &next, static_cast<long>(der.size())));
    if (!cert) {
        return Unexpected{detail::input_error("malformed certificate DER")};
    }
    // Bytes after the certificate would make the id (a hash of the whole input) ambiguous.
    if (next != begin + der.size()) {
        return Unexpected{PkiError{"unexpected bytes after the certificate DER"}};
    }
    auto shared = adopt(std::move(cert));
    if (!shared) {
        return Unexpected{std::move(shared).error()};
    }
    return X509Certificate(std::move(*shared));
}

X509Certificate X509Certificate::from_native(X509* cert) {
    if (cert == nullptr || X509_up_ref(cert) != 1) {
        throw std::invalid_argument("X509Certificate::from_native: no certificate");
    }
    return X509Certificate(std::shared_ptr<X509>(X509Ptr(cert)));
}

std::string X509Certificate::to_pem() const {
    const BioPtr bio = detail::writable_bio();
    if (PEM_write_bio_X509(bio.get(), cert_.get()) != 1) {
        detail::throw_openssl_error("cannot write certificate PEM");
    }
    return detail::bio_contents(bio.get());
}

DistinguishedName X509Certificate::subject() const {
    return detail::to_distinguished_name(X509_get_subject_name(cert_.get()));
}

DistinguishedName X509Certificate::issuer() const {
    return detail::to_distinguished_name(X509_get_issuer_name(cert_.get()));
}

PublicKey X509Certificate::public_key() const {
    // Non-null: a certificate whose key OpenSSL cannot read does not parse (adopt).
    EVP_PKEY* key = X509_get0_pubkey(cert_.get());
    if (key == nullptr) detail::throw_openssl_error("certificate has no usable public key");
    return PublicKey::from_native(key);
}

model::Validity X509Certificate::validity() const {
    // Readable by construction (adopt); a native certificate with broken dates reads as epoch.
    return model::Validity{to_timestamp(X509_get0_notBefore(cert_.get())).value_or(Timestamp{}),
                           to_timestamp(X509_get0_notAfter(cert_.get())).value_or(Timestamp{})};
}

std::string X509Certificate::serial_number_hex() const {
    // ASN1_INTEGER keeps the magnitude big-endian without DER's sign padding: hex of those bytes
    // is `openssl x509 -serial` lower-cased.
    const ASN1_INTEGER* serial = X509_get0_serialNumber(cert_.get());
    const int size = ASN1_STRING_length(serial);
    if (size <= 0) {
        return "00";
    }
    const std::string sign = ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER ? "-" : "";
    return sign +
           detail::lowercase_hex(ASN1_STRING_get0_data(serial), static_cast<std::size_t>(size));
}

bool X509Certificate::is_ca() const {
    // EXFLAG_CA is exactly basicConstraints CA:TRUE; unlike X509_check_ca it does not count v1
    // self-signed certificates or bare keyCertSign as CAs.
    const bool ca = (X509_get_extension_flags(cert_.get()) & EXFLAG_CA) != 0;
    ERR_clear_error();  // caching a malformed extension leaves an error behind
    return ca;
}

bool X509Certificate::is_self_signed() const { return is_signed_by(*this); }

bool X509Certificate::is_signed_by(const X509Certificate& issuer) const {
    // Name match plus signature, nothing more: X509_check_issued would also reject a CA whose
    // keyUsage lacks keyCertSign or whose SKID differs from our AKID, which AWS does not check.
    const bool names_match = X509_NAME_cmp(X509_get_issuer_name(cert_.get()),
                                           X509_get_subject_name(issuer.native())) == 0;
    EVP_PKEY* key = names_match ? X509_get0_pubkey(issuer.native()) : nullptr;
    const bool verified = key != nullptr && X509_verify(cert_.get(), key) == 1;
    ERR_clear_error();
    return verified;
}

bool X509Certificate::is_valid_at(Timestamp when) const {
    const model::Validity range = validity();
    return range.not_before <= when && when <= range.not_after;
}

}  // namespace iotemu::pki
