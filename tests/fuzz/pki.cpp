// Fuzzes what the PKI reads from users: certificates (PEM chains and DER), CSRs and keys in PEM,
// read the way RegisterCertificate, the TLS listeners, JITP and CreateCertificateFromCsr read
// them, and a CSR signed as AWS signs one. The first byte picks the reader. OpenSSL underneath.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "pki/certificate.hpp"
#include "pki/csr.hpp"
#include "pki/issue.hpp"
#include "pki/key.hpp"
#include "provisioning/jitp_parameters.hpp"

using namespace iotemu::pki;

namespace {

const Issuer& aws_issuer() {
    static const Issuer issuer = [] {
        auto key = PrivateKey::generate(KeyType::ec_p256);
        CertificateProfile profile;
        profile.subject = {{"CN", "Fuzz Root CA"}};
        profile.is_ca = true;
        return Issuer{issue_self_signed(profile, key), key};
    }();
    return issuer;
}

void read_certificate(const X509Certificate& certificate) {
    (void)certificate.subject().one_line();
    (void)certificate.issuer().all("CN");
    (void)certificate.validity();
    (void)certificate.serial_number_hex();
    (void)certificate.public_key().unsupported_by_aws_iot();
    (void)certificate.is_ca();
    (void)certificate.is_self_signed();
    (void)certificate.is_signed_by(aws_issuer().certificate);
    (void)certificate.to_pem();
    (void)iotemu::provisioning::jitp_parameters(certificate);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    switch (data[0] % 4) {
        case 0:
            if (const auto chain = X509Certificate::chain_from_pem(text))
                for (const auto& certificate : *chain) read_certificate(certificate);
            break;
        case 1:
            if (const auto certificate = X509Certificate::from_der(text))
                read_certificate(*certificate);
            break;
        case 2: {
            const auto csr = CertificateRequest::from_pem(text);
            if (!csr || csr->public_key().unsupported_by_aws_iot()) break;
            CertificateProfile profile;
            profile.subject = csr->subject().entries;
            profile.subject_alt_name_der = csr->subject_alt_name_der();
            try {  // OpenSSL may refuse a subject it parsed: issuing throws, callers answer it
                read_certificate(issue_certificate(profile, csr->public_key(), aws_issuer()));
            } catch (const std::runtime_error&) {
            }
            break;
        }
        case 3:
            if (const auto key = PrivateKey::from_pem(text)) (void)key->public_key_pem();
            if (const auto key = PublicKey::from_pem(text)) (void)key->unsupported_by_aws_iot();
            break;
    }
    return 0;
}
