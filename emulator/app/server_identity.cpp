// Files: <data-dir>/tls/{ca.pem,ca.key,server.pem,server.key,server.hosts}; keys are written 0600.
// server.hosts lists the names the server certificate was issued for, so a changed --host
// reissues it. ECDSA P-256 keys: a TLS handshake costs half of RSA-2048's (bench/README.md).
#include "app/server_identity.hpp"

#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "common/log.hpp"
#include "common/time.hpp"

namespace iotemu::app {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

// Writes atomically (temp file + rename) so a crash never leaves half a key behind.
void write_file(const fs::path& path, const std::string& content, bool secret) {
    const fs::path temporary = path.string() + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out) throw std::runtime_error("cannot write " + temporary.string());
        out << content;
        if (!out.flush()) throw std::runtime_error("cannot write " + temporary.string());
    }
    if (secret) fs::permissions(temporary, fs::perms::owner_read | fs::perms::owner_write);
    fs::rename(temporary, path);
}

std::string join_lines(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& line : lines) out.append(line).append("\n");
    return out;
}

bool is_ip_address(const std::string& host) {
    return host.find(':') != std::string::npos ||
           host.find_first_not_of("0123456789.") == std::string::npos;
}

struct KeyedCertificate {
    pki::X509Certificate certificate;
    pki::PrivateKey key;
};

std::optional<KeyedCertificate> load_pair(const fs::path& cert_file, const fs::path& key_file) {
    const auto cert_pem = read_file(cert_file);
    const auto key_pem = read_file(key_file);
    if (!cert_pem || !key_pem) return std::nullopt;
    auto cert = pki::X509Certificate::from_pem(*cert_pem);
    auto key = pki::PrivateKey::from_pem(*key_pem);
    if (!cert || !key) {
        log::warn("tls", "unreadable ", cert_file.string(), " or its key; creating a new one");
        return std::nullopt;
    }
    return KeyedCertificate{std::move(*cert), std::move(*key)};
}

pki::Issuer create_ca(const fs::path& dir) {
    auto key = pki::PrivateKey::generate(pki::KeyType::ec_p256);
    pki::CertificateProfile profile;
    profile.subject = {{"CN", "iot-emulator Local CA"}, {"O", "iot-emulator"}};
    profile.lifetime = std::chrono::hours(24 * 365 * 10);
    profile.is_ca = true;
    auto cert = pki::issue_self_signed(profile, key);
    write_file(dir / "ca.key", key.to_pem(), true);
    write_file(dir / "ca.pem", cert.to_pem(), false);
    log::info("tls", "created the local CA ", (dir / "ca.pem").string());
    return pki::Issuer{std::move(cert), std::move(key)};
}

KeyedCertificate create_server_certificate(const fs::path& dir, const pki::Issuer& ca,
                                           const std::vector<std::string>& hosts) {
    auto key = pki::PrivateKey::generate(pki::KeyType::ec_p256);
    pki::CertificateProfile profile;
    profile.subject = {{"CN", hosts.front()}, {"O", "iot-emulator"}};
    profile.lifetime = std::chrono::hours(24 * 825);  // the longest life TLS clients accept
    profile.server_auth = true;
    for (const auto& host : hosts)
        (is_ip_address(host) ? profile.ip_addresses : profile.dns_names).push_back(host);
    auto cert = pki::issue_certificate(profile, pki::PublicKey::from_private(key), ca);
    write_file(dir / "server.key", key.to_pem(), true);
    write_file(dir / "server.pem", cert.to_pem(), false);
    write_file(dir / "server.hosts", join_lines(hosts), false);
    log::info("tls", "issued the server certificate ", (dir / "server.pem").string());
    return KeyedCertificate{std::move(cert), std::move(key)};
}

// Reuse only a certificate from this CA, for exactly these hosts, with a month of life left.
bool still_fits(const KeyedCertificate& server, const pki::Issuer& ca, const fs::path& dir,
                const std::vector<std::string>& hosts) {
    return server.certificate.is_signed_by(ca.certificate) &&
           server.certificate.validity().not_after > now() + std::chrono::hours(24 * 30) &&
           read_file(dir / "server.hosts") == join_lines(hosts);
}

}  // namespace

ServerIdentity load_or_create_server_identity(const fs::path& data_dir,
                                              const std::vector<std::string>& host_names) {
    if (host_names.empty()) throw std::invalid_argument("server identity needs a host name");
    const fs::path dir = data_dir / "tls";
    fs::create_directories(dir);

    std::optional<pki::Issuer> ca;
    if (auto loaded = load_pair(dir / "ca.pem", dir / "ca.key"))
        ca = pki::Issuer{std::move(loaded->certificate), std::move(loaded->key)};
    else
        ca = create_ca(dir);

    auto server = load_pair(dir / "server.pem", dir / "server.key");
    if (!server || !still_fits(*server, *ca, dir, host_names))
        server = create_server_certificate(dir, *ca, host_names);

    return ServerIdentity{std::move(*ca),         std::move(server->certificate),
                          std::move(server->key), dir / "ca.pem",
                          dir / "server.pem",     dir / "server.key"};
}

}  // namespace iotemu::app
