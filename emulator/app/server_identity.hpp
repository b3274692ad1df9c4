// The emulator's own TLS identity in the data dir: a local CA and a server certificate it signs.
// Created on first start and reused afterwards; the server certificate is reissued when it no
// longer covers the host names or is near expiry. The same CA signs the certificates AWS itself
// would issue (CreateKeysAndCertificate), so devices using them chain to it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "pki/issue.hpp"

namespace iotemu::app {

struct ServerIdentity {
    pki::Issuer ca;
    pki::X509Certificate server_certificate;
    pki::PrivateKey server_key;
    std::filesystem::path ca_file;           // PEM of the CA: what clients pass as --cafile
    std::filesystem::path certificate_file;  // PEM of the server certificate
    std::filesystem::path key_file;          // PEM of the server key
};

// Host names and addresses the server certificate must cover: localhost, 127.0.0.1, ::1 and the
// host the emulator binds and answers DescribeEndpoint with.
ServerIdentity load_or_create_server_identity(const std::filesystem::path& data_dir,
                                              const std::vector<std::string>& host_names);

}  // namespace iotemu::app
