// Shared by the registry tests: the AWS-error assertion, a Store that counts saves (or starts from
// a given State), and PKI fixtures (CAs, verification certificates, device certificates, CSRs)
// issued through pki. Test-only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/aws_error.hpp"
#include "pki/issue.hpp"
#include "pki/ossl.hpp"
#include "registry/registry.hpp"

namespace iotemu::registry::testing {

// ---- assertions -----------------------------------------------------------------------------

class AwsErrorCode : public Catch::MatcherBase<AwsError> {
public:
    explicit AwsErrorCode(std::string code, std::string fragment = "")
        : code_(std::move(code)), fragment_(std::move(fragment)) {}
    bool match(const AwsError& error) const override {
        return error.code() == code_ &&
               std::string(error.message()).find(fragment_) != std::string::npos;
    }
    std::string describe() const override {
        return "is " + code_ +
               (fragment_.empty() ? "" : " with a message containing \"" + fragment_ + "\"");
    }

private:
    std::string code_;
    std::string fragment_;
};

}  // namespace iotemu::registry::testing

namespace Catch {
template <>
struct StringMaker<iotemu::AwsError> {
    static std::string convert(const iotemu::AwsError& e) {
        return e.code() + ": " + std::string(e.message());
    }
};
}  // namespace Catch

// `expr` throws AwsError with this AWS error code (and, for the _MESSAGE form, message text).
#define CHECK_AWS_ERROR(expr, code) \
    CHECK_THROWS_MATCHES(expr, ::iotemu::AwsError, ::iotemu::registry::testing::AwsErrorCode(code))
#define CHECK_AWS_ERROR_MESSAGE(expr, code, fragment) \
    CHECK_THROWS_MATCHES(expr, ::iotemu::AwsError,    \
                         ::iotemu::registry::testing::AwsErrorCode(code, fragment))

namespace iotemu::registry::testing {

// ---- stores ---------------------------------------------------------------------------------

// Starts from `initial` and counts saves: a successful mutation saves once, a failure never.
class CountingStore final : public Store {
public:
    explicit CountingStore(State initial = {}) : initial_(std::move(initial)) {}
    State load() override { return initial_; }
    void save(const State& state) override {
        ++saves;
        last = state;
    }
    int saves = 0;
    State last;

private:
    State initial_;
};

// ---- pki fixtures ---------------------------------------------------------------------------

// One EC key per process: fast, and nothing here depends on which key signs what.
inline const pki::PrivateKey& shared_key() {
    static const pki::PrivateKey key = pki::PrivateKey::generate(pki::KeyType::ec_p256);
    return key;
}

inline pki::PrivateKey new_key() { return pki::PrivateKey::generate(pki::KeyType::ec_p256); }

inline pki::CertificateProfile profile(std::vector<pki::NameEntry> subject, bool is_ca) {
    pki::CertificateProfile out;
    out.subject = std::move(subject);
    out.is_ca = is_ca;
    out.client_auth = !is_ca;
    return out;
}

inline pki::Issuer make_root_ca(const std::string& common_name,
                                const pki::PrivateKey& key = new_key()) {
    return {pki::issue_self_signed(profile({{"O", "Acme"}, {"CN", common_name}}, true), key), key};
}

inline pki::Issuer make_intermediate_ca(const std::string& common_name, const pki::Issuer& parent,
                                        const pki::PrivateKey& key = new_key()) {
    return {pki::issue_certificate(profile({{"O", "Acme"}, {"CN", common_name}}, true),
                                   pki::PublicKey::from_private(key), parent),
            key};
}

inline pki::X509Certificate make_device(const std::string& common_name, const pki::Issuer& issuer,
                                        std::chrono::hours lifetime = std::chrono::hours{24}) {
    auto p = profile({{"CN", common_name}}, false);
    p.lifetime = lifetime;
    // An already expired certificate (a negative lifetime) still needs notBefore < notAfter.
    if (lifetime <= std::chrono::hours{0}) p.backdate = std::chrono::hours{1} - lifetime;
    return pki::issue_certificate(p, pki::PublicKey::from_private(shared_key()), issuer);
}

// The proof-of-possession certificate of docs/aws/iot-core.md §1.2: CN = registration code, signed
// by the CA.
inline std::string verification_pem(const pki::Issuer& ca, const std::string& common_name) {
    return make_device(common_name, ca).to_pem();
}

inline const pki::Issuer& aws_issuer() {
    static const pki::Issuer issuer = make_root_ca("Emulated AWS IoT CA", shared_key());
    return issuer;
}

// A PKCS#10 request for `key` with `subject`, as PEM.
inline std::string make_csr_pem(const pki::PrivateKey& key,
                                const std::vector<pki::NameEntry>& subject) {
    pki::X509ReqPtr req(X509_REQ_new());
    X509_NAME* name = X509_REQ_get_subject_name(req.get());
    for (const auto& entry : subject)
        REQUIRE(X509_NAME_add_entry_by_txt(
                    name, entry.short_name.c_str(), MBSTRING_UTF8,
                    reinterpret_cast<const unsigned char*>(entry.value.c_str()), -1, -1, 0) == 1);
    REQUIRE(X509_REQ_set_pubkey(req.get(), key.native()) == 1);
    REQUIRE(X509_REQ_sign(req.get(), key.native(), EVP_sha256()) > 0);
    pki::BioPtr bio(BIO_new(BIO_s_mem()));
    REQUIRE(PEM_write_bio_X509_REQ(bio.get(), req.get()) == 1);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

// ---- registry fixtures ----------------------------------------------------------------------

inline const model::Account& account() {
    static const model::Account value{};
    return value;
}

// A registry over a CountingStore the test can inspect.
struct Fixture {
    explicit Fixture(State initial = {}) {
        auto owned = std::make_unique<CountingStore>(std::move(initial));
        store = owned.get();
        registry = std::make_unique<Registry>(account(), aws_issuer(), std::move(owned));
    }
    CountingStore* store = nullptr;
    std::unique_ptr<Registry> registry;

    // Registers `ca` in DEFAULT mode with a valid verification certificate (and a JITP
    // configuration when `config` has one).
    model::CaCertificate register_ca(const pki::Issuer& ca, bool active = true,
                                     bool auto_registration = false,
                                     model::RegistrationConfig config = {}) {
        RegisterCaCertificateRequest request;
        request.ca_certificate_pem = ca.certificate.to_pem();
        request.verification_certificate_pem =
            verification_pem(ca, registry->get_registration_code());
        request.set_as_active = active;
        request.allow_auto_registration = auto_registration;
        request.registration_config = std::move(config);
        return registry->register_ca_certificate(request);
    }

    // A certificate registered under a fresh active CA, in `status`.
    model::Certificate device_certificate(const std::string& common_name,
                                          model::CertificateStatus status) {
        const auto ca = make_root_ca("CA for " + common_name);
        register_ca(ca);
        RegisterCertificateRequest request;
        request.certificate_pem = make_device(common_name, ca).to_pem();
        request.status = status;
        return registry->register_certificate(request);
    }

    model::Thing thing(const std::string& name) {
        CreateThingRequest request;
        request.thing_name = name;
        return registry->create_thing(request);
    }

    model::ThingGroup group(const std::string& name, std::optional<std::string> parent = {}) {
        CreateThingGroupRequest request;
        request.thing_group_name = name;
        request.parent_group_name = std::move(parent);
        return registry->create_thing_group(request);
    }
};

inline constexpr const char* allow_all_policy =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]})";

inline PageRequest page_of(int size, std::optional<std::string> marker = {},
                           bool ascending = true) {
    PageRequest page;
    page.page_size = size;
    page.marker = std::move(marker);
    page.ascending = ascending;
    return page;
}

}  // namespace iotemu::registry::testing
