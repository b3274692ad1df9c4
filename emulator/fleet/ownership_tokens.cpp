#include "fleet/ownership_tokens.hpp"

#include "common/base64.hpp"
#include "common/random.hpp"

namespace iotemu::fleet {

OwnershipTokens::OwnershipTokens(std::chrono::seconds lifetime) : lifetime_(lifetime) {}

std::string OwnershipTokens::issue(const std::string& certificate_id,
                                   const std::string& claim_certificate_id, Timestamp now) {
    // Shaped like the tokens AWS hands out (base64 of a small JSON envelope), though clients
    // must treat it as opaque (§1.5); the state stays here, not in the token.
    auto token = base64_encode(R"({"version":"2019-10-23","cipher":")" + random_hex(48) + "\"}");
    std::lock_guard lock(mutex_);
    tokens_[token] = Entry{certificate_id, claim_certificate_id, now + lifetime_};
    return token;
}

Result<std::string, std::string> OwnershipTokens::check(std::string_view token,
                                                        std::string_view claim_certificate_id,
                                                        Timestamp now) const {
    std::lock_guard lock(mutex_);
    const auto found = tokens_.find(token);
    if (found == tokens_.end())
        return Unexpected(std::string("The certificate ownership token is not valid."));
    const Entry& entry = found->second;
    if (entry.expired || entry.expires <= now)
        return Unexpected(std::string("The certificate ownership token has expired."));
    if (entry.used)
        return Unexpected(std::string("The certificate ownership token has already been used."));
    if (entry.claim_certificate_id != claim_certificate_id)
        return Unexpected(
            std::string("The certificate ownership token was issued to a connection with another "
                        "certificate."));
    return entry.certificate_id;
}

void OwnershipTokens::mark_used(std::string_view token) {
    std::lock_guard lock(mutex_);
    if (const auto found = tokens_.find(token); found != tokens_.end()) found->second.used = true;
}

std::vector<std::string> OwnershipTokens::expire(Timestamp now) {
    std::vector<std::string> unclaimed;
    std::lock_guard lock(mutex_);
    for (auto it = tokens_.begin(); it != tokens_.end();) {
        Entry& entry = it->second;
        if (entry.expires + lifetime_ <= now) {  // long gone: forget it
            if (!entry.used && !entry.expired) unclaimed.push_back(entry.certificate_id);
            it = tokens_.erase(it);
            continue;
        }
        if (entry.expires <= now && !entry.expired) {
            entry.expired = true;
            if (!entry.used) unclaimed.push_back(entry.certificate_id);
        }
        ++it;
    }
    return unclaimed;
}

}  // namespace iotemu::fleet
