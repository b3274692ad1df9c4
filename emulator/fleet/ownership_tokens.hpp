// OwnershipTokens: the certificateOwnershipToken of each certificate fleet provisioning minted
// (docs/aws/provisioning-and-services.md §1.5) — opaque, bound to the new certificate and to the
// claim certificate that asked for it, good for one successful RegisterThing within an hour.
// Thread-safe; time comes in as arguments. std only.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "common/time.hpp"

namespace iotemu::fleet {

class OwnershipTokens {
public:
    explicit OwnershipTokens(std::chrono::seconds lifetime = std::chrono::hours{1});

    // A new token for `certificate_id`, minted at `now` for a connection presenting
    // `claim_certificate_id`.
    std::string issue(const std::string& certificate_id, const std::string& claim_certificate_id,
                      Timestamp now);

    // The certificate id `token` stands for, when `claim_certificate_id` may use it at `now`;
    // otherwise why not, in words for the rejection's errorMessage.
    Result<std::string, std::string> check(std::string_view token,
                                           std::string_view claim_certificate_id,
                                           Timestamp now) const;
    // Spends a token: RegisterThing succeeded with it.
    void mark_used(std::string_view token);

    // Tokens that expired unused by `now`: their certificates, which AWS deletes when nothing
    // claimed them. Each is returned once; the token is remembered a while longer, so that using
    // it says "expired" rather than "unknown".
    std::vector<std::string> expire(Timestamp now);

private:
    struct Entry {
        std::string certificate_id;
        std::string claim_certificate_id;
        Timestamp expires;
        bool used = false;
        bool expired = false;
    };

    const std::chrono::seconds lifetime_;
    mutable std::mutex mutex_;
    std::map<std::string, Entry, std::less<>> tokens_;
};

}  // namespace iotemu::fleet
