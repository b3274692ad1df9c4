// Pool: which process takes which invocation, when processes start and stop, the queue's bound,
// replacement on update and retirement — as transcripts of events in and actions out.
#include "rules/lambda/pool.hpp"

#include <catch2/catch.hpp>

using namespace iotemu::lambda;

namespace {

// Runs one event and returns the actions it produced.
template <class Event>
PoolActions after(Event&& event) {
    PoolActions actions;
    event(actions);
    return actions;
}

bool admitted(Pool& pool, PoolInvocationId invocation, PoolActions& actions) {
    return pool.submit(invocation, actions);
}

PoolActions submit(Pool& pool, PoolInvocationId invocation) {
    PoolActions actions;
    REQUIRE(admitted(pool, invocation, actions));
    return actions;
}

PoolActions started(Pool& pool, PoolProcessId process, bool ok = true) {
    return after([&](PoolActions& a) { pool.started(process, ok, a); });
}

PoolActions finished(Pool& pool, PoolProcessId process, bool reusable = true) {
    return after([&](PoolActions& a) { pool.finished(process, reusable, a); });
}

PoolAction start(PoolProcessId process, std::uint64_t generation = 0) {
    return StartProcess{process, generation};
}
PoolAction run(PoolProcessId process, PoolInvocationId invocation) {
    return RunInvocation{process, invocation};
}
PoolAction stop(PoolProcessId process) { return StopProcess{process}; }
PoolAction fail(PoolInvocationId invocation) { return FailInvocation{invocation}; }

}  // namespace

namespace Catch {
template <>
struct StringMaker<PoolAction> {
    static std::string convert(const PoolAction& action) {
        return std::visit(
            [](const auto& a) -> std::string {
                using A = std::decay_t<decltype(a)>;
                if constexpr (std::is_same_v<A, StartProcess>)
                    return "start " + std::to_string(a.process) + " on generation " +
                           std::to_string(a.generation);
                else if constexpr (std::is_same_v<A, RunInvocation>)
                    return "run " + std::to_string(a.invocation) + " on " +
                           std::to_string(a.process);
                else if constexpr (std::is_same_v<A, StopProcess>)
                    return "stop " + std::to_string(a.process);
                else
                    return "fail " + std::to_string(a.invocation);
            },
            action);
    }
};
}  // namespace Catch

TEST_CASE("the first invocation starts a process and runs on it once it has loaded") {
    Pool pool({.max_processes = 4, .max_queued = 10});
    CHECK(submit(pool, 100) == PoolActions{start(1)});
    CHECK(pool.queued() == 1);
    CHECK(started(pool, 1) == PoolActions{run(1, 100)});
    CHECK(finished(pool, 1).empty());  // idle, warm
    CHECK(submit(pool, 101) == PoolActions{run(1, 101)});
    CHECK(pool.processes() == 1);
}

TEST_CASE("overlapping invocations start one process each up to the limit, then wait") {
    Pool pool({.max_processes = 3, .max_queued = 10});
    CHECK(submit(pool, 1) == PoolActions{start(1)});
    CHECK(submit(pool, 2) == PoolActions{start(2)});
    CHECK(submit(pool, 3) == PoolActions{start(3)});
    CHECK(submit(pool, 4).empty());
    CHECK(submit(pool, 5).empty());
    CHECK(pool.processes() == 3);
    CHECK(pool.queued() == 5);
    // Whichever process is ready first takes the oldest invocation.
    CHECK(started(pool, 2) == PoolActions{run(2, 1)});
    CHECK(started(pool, 3) == PoolActions{run(3, 2)});
    CHECK(finished(pool, 2) == PoolActions{run(2, 3)});
    CHECK(started(pool, 1) == PoolActions{run(1, 4)});
    CHECK(finished(pool, 3) == PoolActions{run(3, 5)});
    CHECK(finished(pool, 1).empty());
    CHECK(pool.queued() == 0);
}

TEST_CASE("an invocation goes to an idle process before any new one starts") {
    Pool pool({.max_processes = 4, .max_queued = 10});
    (void)submit(pool, 1);
    (void)started(pool, 1);
    (void)submit(pool, 2);  // starts process 2
    (void)started(pool, 2);
    (void)finished(pool, 1);
    CHECK(submit(pool, 3) == PoolActions{run(1, 3)});
}

TEST_CASE("a full queue throttles and changes nothing") {
    Pool pool({.max_processes = 1, .max_queued = 2});
    (void)submit(pool, 1);
    (void)submit(pool, 2);
    PoolActions actions;
    CHECK_FALSE(pool.submit(3, actions));
    CHECK(actions.empty());
    CHECK(pool.queued() == 2);
    CHECK(started(pool, 1) == PoolActions{run(1, 1)});
    CHECK(submit(pool, 3).empty());  // room again
}

TEST_CASE("a process that is not reusable stops and another starts for waiting invocations") {
    Pool pool({.max_processes = 1, .max_queued = 10});
    (void)submit(pool, 1);
    (void)started(pool, 1);
    (void)submit(pool, 2);
    CHECK(finished(pool, 1, false) == PoolActions{stop(1), start(2)});
    CHECK(started(pool, 2) == PoolActions{run(2, 2)});
}

TEST_CASE("a failed start fails the oldest waiting invocation, and the next one starts again") {
    Pool pool({.max_processes = 1, .max_queued = 10});
    (void)submit(pool, 1);
    (void)submit(pool, 2);
    CHECK(started(pool, 1, false) == PoolActions{fail(1), start(2)});
    CHECK(started(pool, 2, false) == PoolActions{fail(2)});
    CHECK(pool.processes() == 0);
}

TEST_CASE("pre-warm starts one process before any invocation, and only one") {
    Pool pool({.max_processes = 4, .max_queued = 10});
    CHECK(after([&](PoolActions& a) { pool.warm(a); }) == PoolActions{start(1)});
    CHECK(after([&](PoolActions& a) { pool.warm(a); }).empty());
    CHECK(started(pool, 1).empty());                   // warm and idle
    CHECK(submit(pool, 7) == PoolActions{run(1, 7)});  // the first event pays no start
    // A pre-warm that cannot load fails no invocation.
    Pool broken({.max_processes = 4, .max_queued = 10});
    (void)after([&](PoolActions& a) { broken.warm(a); });
    CHECK(started(broken, 1, false).empty());
}

TEST_CASE("an invocation arriving while the pre-warm process loads waits for it") {
    Pool pool({.max_processes = 4, .max_queued = 10});
    (void)after([&](PoolActions& a) { pool.warm(a); });
    CHECK(submit(pool, 1).empty());  // process 1 is starting: no second start
    CHECK(submit(pool, 2) == PoolActions{start(2)});
    CHECK(started(pool, 1) == PoolActions{run(1, 1)});
}

TEST_CASE("an update replaces idle processes at once and busy ones when they finish") {
    Pool pool({.max_processes = 3, .max_queued = 10});
    (void)submit(pool, 1);
    (void)submit(pool, 2);
    (void)started(pool, 1);   // runs 1
    (void)started(pool, 2);   // runs 2
    (void)finished(pool, 2);  // 2 idle, 1 busy
    CHECK(after([&](PoolActions& a) { pool.update(a); }) == PoolActions{stop(2), start(3, 1)});
    CHECK(pool.generation() == 1);
    // New invocations wait for the new code, never the old process.
    CHECK(submit(pool, 3).empty());
    CHECK(finished(pool, 1) == PoolActions{stop(1)});  // in-flight invocation done on old code
    CHECK(started(pool, 3) == PoolActions{run(3, 3)});
}

TEST_CASE("an update with every slot busy pre-warms once a slot frees") {
    Pool pool({.max_processes = 1, .max_queued = 10});
    (void)submit(pool, 1);
    (void)started(pool, 1);
    CHECK(after([&](PoolActions& a) { pool.update(a); }).empty());
    CHECK(finished(pool, 1) == PoolActions{stop(1), start(2, 1)});
}

TEST_CASE("a process that was starting on old code stops once started") {
    Pool pool({.max_processes = 2, .max_queued = 10});
    (void)submit(pool, 1);  // start 1 on generation 0
    CHECK(after([&](PoolActions& a) { pool.update(a); }) == PoolActions{start(2, 1)});
    CHECK(started(pool, 1) == PoolActions{stop(1)});
    CHECK(started(pool, 2) == PoolActions{run(2, 1)});
}

TEST_CASE("retire fails waiting invocations, stops idle processes and busy ones when done") {
    Pool pool({.max_processes = 2, .max_queued = 10});
    (void)submit(pool, 1);
    (void)submit(pool, 2);
    (void)started(pool, 1);  // runs 1
    (void)submit(pool, 3);
    (void)submit(pool, 4);
    CHECK(after([&](PoolActions& a) { pool.retire(a); }) == PoolActions{fail(2), fail(3), fail(4)});
    CHECK(finished(pool, 1) == PoolActions{stop(1)});
    CHECK(started(pool, 2) == PoolActions{stop(2)});
    PoolActions actions;
    CHECK_FALSE(pool.submit(5, actions));
    CHECK(actions.empty());
    CHECK(pool.processes() == 0);
}

TEST_CASE("retire stops an idle process at once") {
    Pool pool({.max_processes = 2, .max_queued = 10});
    (void)after([&](PoolActions& a) { pool.warm(a); });
    (void)started(pool, 1);
    CHECK(after([&](PoolActions& a) { pool.retire(a); }) == PoolActions{stop(1)});
}
