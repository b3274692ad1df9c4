// Internal glue shared by the pki sources: memory BIOs in and out, and turning OpenSSL's error
// queue into a PkiError or an exception. Not part of the pki interface: never include it from a
// public header.
#pragma once

#include <string>
#include <string_view>

#include "pki/digest.hpp"
#include "pki/error.hpp"
#include "pki/ossl.hpp"

namespace iotemu::pki::detail {

// A read-only memory BIO over `text`, which must outlive it; null when `text` is too large for a
// BIO (more than INT_MAX bytes).
BioPtr read_only_bio(std::string_view text);
// An empty, growable memory BIO to write into. Throws std::runtime_error if OpenSSL fails.
BioPtr writable_bio();
// Everything written so far to a memory BIO.
std::string bio_contents(BIO* bio);

// Bytes as lowercase hexadecimal, two digits each, no separators.
std::string lowercase_hex(const unsigned char* bytes, std::size_t size);

// `what`, followed by OpenSSL's reason for its latest failure when there is one. Both empty the
// error queue, so one failure never shows up as the cause of an unrelated later call.
PkiError input_error(std::string_view what);
[[noreturn]] void throw_openssl_error(std::string_view what);

const EVP_MD* message_digest(Digest digest);

// The passphrase callback for every PEM read: it supplies none, so an encrypted PEM fails cleanly
// instead of OpenSSL's default of prompting on the process's terminal.
int no_passphrase(char* buffer, int size, int rwflag, void* user);

}  // namespace iotemu::pki::detail
