// Pool: which of one function's processes runs which invocation — the scaling rules of
// docs/aws/provisioning-and-services.md §5.6. Sans-I/O: it owns no process, thread, pipe or clock;
// it takes events (an invocation arrives, a process has loaded its handler or failed to, an
// invocation ended, the function changed or went away) and answers with what to do (start a
// process, hand an invocation to one, stop one, fail an invocation). Not thread-safe: its owner
// locks. std only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <variant>
#include <vector>

namespace iotemu::lambda {

// The pool's own numbers: a process id is never a pid, an invocation id is the caller's.
using PoolProcessId = std::uint64_t;
using PoolInvocationId = std::uint64_t;

struct PoolLimits {
    std::size_t max_processes = 1;  // starting, idle and busy, old code included
    std::size_t max_queued = 1000;  // invocations waiting for a process
};

// Start a process on the function's current code (generation); it reports started().
struct StartProcess {
    PoolProcessId process;
    std::uint64_t generation;
    bool operator==(const StartProcess&) const = default;
};
// Give the invocation to the process, which has loaded its handler and is idle.
struct RunInvocation {
    PoolProcessId process;
    PoolInvocationId invocation;
    bool operator==(const RunInvocation&) const = default;
};
// End the process: it is idle on old code, not reusable, or the function is gone.
struct StopProcess {
    PoolProcessId process;
    bool operator==(const StopProcess&) const = default;
};
// The invocation never gets a process: the process started for it could not load the handler
// (the error is that process's), or the function was retired.
struct FailInvocation {
    PoolInvocationId invocation;
    bool operator==(const FailInvocation&) const = default;
};
using PoolAction = std::variant<StartProcess, RunInvocation, StopProcess, FailInvocation>;
using PoolActions = std::vector<PoolAction>;

class Pool {
public:
    explicit Pool(PoolLimits limits) : limits_(limits) {}

    // An invocation arrives: it goes to an idle process, else waits in the queue (and a process
    // starts when fewer are starting than invocations wait, within max_processes). False when
    // the queue is full: the invocation is throttled and nothing changed.
    [[nodiscard]] bool submit(PoolInvocationId invocation, PoolActions& actions);

    // The process has loaded its handler (`ok`) or failed to. A failed start takes the oldest
    // waiting invocation with it (it was started for one; Lambda runs the init phase again at
    // each invocation until it succeeds) unless it was on old code.
    void started(PoolProcessId process, bool ok, PoolActions& actions);

    // The process's invocation ended; `reusable`: the process is alive and may take another.
    void finished(PoolProcessId process, bool reusable, PoolActions& actions);

    // The function's code or configuration changed: idle processes on the old code stop now,
    // busy ones when their invocation ends, starting ones once started; one process starts on
    // the new code (pre-warm) as soon as the limit allows.
    void update(PoolActions& actions);

    // Start one process if none runs the current code (pre-warm after create or update).
    void warm(PoolActions& actions);

    // The function is gone (or the emulator stops): every waiting invocation fails, idle
    // processes stop now, the others when they report. Later submits are throttled.
    void retire(PoolActions& actions);

    std::uint64_t generation() const { return generation_; }
    std::size_t processes() const { return processes_.size(); }
    std::size_t queued() const { return queue_.size(); }
    bool retired() const { return retired_; }

private:
    enum class State { starting, idle, busy };
    struct Process {
        std::uint64_t generation;
        State state;
    };

    bool current(const Process& process) const { return process.generation == generation_; }
    // Hands the oldest waiting invocation to `id`, or leaves it idle.
    void take_next(PoolProcessId id, Process& process, PoolActions& actions);
    void stop(PoolProcessId id, PoolActions& actions);
    // Starts processes while more invocations wait than processes start, within the limit, and
    // the pre-warm one when wanted.
    void scale(PoolActions& actions);
    void start(PoolActions& actions);

    PoolLimits limits_;
    std::map<PoolProcessId, Process> processes_;
    std::deque<PoolInvocationId> queue_;
    std::uint64_t generation_ = 0;
    PoolProcessId next_process_ = 1;
    bool warm_wanted_ = false;
    bool retired_ = false;
};

}  // namespace iotemu::lambda
