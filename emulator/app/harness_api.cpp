// Thin handlers: query members in, journal pages and health JSON out. A long-poll blocks its API
// worker on the journal's condition variable, never longer than max_journal_wait_seconds, and
// only max_journal_waiters at once, so ordinary API calls always find a worker.
#include "app/harness_api.hpp"

#include <atomic>
#include <chrono>
#include <limits>
#include <memory>

#include <nlohmann/json.hpp>

#include "common/log.hpp"

namespace iotemu::app {
namespace {

api::Response raw_json(std::string body) {
    api::Response response;
    response.headers.emplace_back("content-type", "application/json");
    response.body = std::move(body);
    return response;
}

}  // namespace

void add_harness_routes(api::Router& router, Harness harness) {
    auto shared = std::make_shared<Harness>(std::move(harness));
    auto waiters = std::make_shared<std::atomic<std::size_t>>(0);

    router.add("GET", "/_emulator/health", [shared](api::Call&) {
        return api::json_response({{"status", "ok"},
                                   {"version", shared->version},
                                   {"endpoints", nlohmann::json::parse(shared->ready_json)},
                                   {"journal",
                                    {{"cursor", shared->journal.cursor()},
                                     {"capacity", journal::Journal::default_capacity}}}});
    });

    router.add("GET", "/_emulator/journal/cursor", [shared](api::Call&) {
        return api::json_response({{"cursor", shared->journal.cursor()}});
    });

    router.add("GET", "/_emulator/journal", [shared, waiters](api::Call& call) {
        journal::Query query;
        query.after = static_cast<std::uint64_t>(
            call.query_int("after", 0, std::numeric_limits<std::int64_t>::max()).value_or(0));
        query.kind = call.query("kind").value_or("");
        query.limit = static_cast<std::size_t>(
            call.query_int("limit", 1, journal::Journal::default_capacity).value_or(1000));
        const auto wait = call.query_int("wait", 0, max_journal_wait_seconds).value_or(0);
        if (wait == 0) return raw_json(journal::to_json(shared->journal.read(query)));
        if (waiters->fetch_add(1) >= max_journal_waiters) {
            waiters->fetch_sub(1);
            return raw_json(journal::to_json(shared->journal.read(query)));
        }
        struct Release {
            std::atomic<std::size_t>& count;
            ~Release() { count.fetch_sub(1); }
        } release{*waiters};
        return raw_json(journal::to_json(shared->journal.wait(query, std::chrono::seconds(wait))));
    });

    router.add("POST", "/_emulator/reset", [shared](api::Call&) {
        shared->reset();
        log::info("emulator",
                  "state reset: every registry, rule, function, retained message, shadow and "
                  "session is gone; the server's TLS identity is kept");
        shared->journal.record("emulator.reset", {});
        return api::json_response({{"status", "reset"}, {"cursor", shared->journal.cursor()}});
    });
}

}  // namespace iotemu::app
