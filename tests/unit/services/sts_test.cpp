// sts::Service: the caller's identity and role sessions (docs/aws/provisioning-and-services.md
// §5.1).
#include "services/sts/sts.hpp"

#include <catch2/catch.hpp>

#include "support.hpp"

using namespace iotemu;
using namespace iotemu::services;
using namespace iotemu::services::test;

TEST_CASE("any caller is the account's root user") {
    sts::Service service("210987654321");
    for (const auto* key : {"", "AKIAIOSFODNN7EXAMPLE", "test"}) {
        const auto identity = service.caller_identity(key);
        CHECK(identity.account == "210987654321");
        CHECK(identity.arn == "arn:aws:iam::210987654321:root");
        CHECK(identity.user_id == "210987654321");
    }
}

TEST_CASE("AssumeRole hands out well-formed credentials for a role session") {
    sts::Service service("123456789012");
    const auto assumed = service.assume_role(
        {"arn:aws:iam::123456789012:role/service-role/jitr_role", "provisioning", 900});
    CHECK(assumed.arn == "arn:aws:sts::123456789012:assumed-role/jitr_role/provisioning");
    CHECK(assumed.assumed_role_id.rfind("AROA", 0) == 0);
    CHECK(assumed.assumed_role_id.substr(21) == ":provisioning");
    const auto& credentials = assumed.credentials;
    CHECK(credentials.access_key_id.rfind("ASIA", 0) == 0);
    CHECK(credentials.access_key_id.size() == 20);
    CHECK(credentials.secret_access_key.size() == 40);
    CHECK_FALSE(credentials.session_token.empty());
    CHECK(credentials.expiration > now() + std::chrono::seconds(890));
    CHECK(credentials.expiration <= now() + std::chrono::seconds(900));

    // The same role keeps its id; the session's keys say who their caller is.
    const auto again = service.assume_role(
        {"arn:aws:iam::123456789012:role/service-role/jitr_role", "other", std::nullopt});
    CHECK(again.assumed_role_id.substr(0, 21) == assumed.assumed_role_id.substr(0, 21));
    const auto identity = service.caller_identity(credentials.access_key_id);
    CHECK(identity.arn == assumed.arn);
    CHECK(identity.user_id == assumed.assumed_role_id);
    CHECK(identity.account == "123456789012");
}

TEST_CASE("AssumeRole refuses what the model does not allow") {
    sts::Service service("123456789012");
    const auto [arn, session, duration] = GENERATE(table<std::string, std::string, std::int64_t>({
        {"arn:aws:iam::123456789012:role/r", "x", 3600},
        {"arn:aws:iam::123456789012:role/r", "has space", 3600},
        {"arn:aws:iam::123456789012:role/r", "ok", 60},
        {"arn:aws:iam::123456789012:role/r", "ok", 50000},
        {"arn:aws:iam::12345:role/r-is-long-enough", "ok", 3600},
        {"arn:aws:iam::123456789012:user/someone", "ok", 3600},
        {"short", "ok", 3600},
    }));
    CAPTURE(arn, session, duration);
    CHECK(error_code([&] { service.assume_role({arn, session, duration}); }) == "ValidationError");
}
