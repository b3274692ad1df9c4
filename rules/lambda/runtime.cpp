// Runtime: a queue of invocations served by the runtime's own threads, and per function a pool
// of warm processes keyed by the function's revision. One invocation at a time per process; a
// process is reused only when its invocation ended cleanly and its revision is still current.
#include "rules/lambda/runtime.hpp"

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <signal.h>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/json_depth.hpp"
#include "common/log.hpp"
#include "common/random.hpp"
#include "common/time.hpp"
#include "rules/lambda/bootstrap.hpp"
#include "rules/lambda/limits.hpp"
#include "rules/lambda/process.hpp"
#include "rules/lambda/process_spec.hpp"

namespace iotemu::lambda {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

constexpr std::size_t log_tail_size = 4096;  // X-Amz-Log-Result carries the last 4 KB

struct Job {
    Function function;
    std::string event;
    InvokeCallback done;
};

std::string error_payload(std::string_view type, std::string_view message) {
    return json{{"errorMessage", message}, {"errorType", type}}.dump();
}

std::string two_decimals(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", value);
    return text;
}

std::string tail_of(const std::string& log) {
    return log.size() <= log_tail_size ? log : log.substr(log.size() - log_tail_size);
}

// The request line: the event is spliced in as the caller's JSON text (numbers keep their
// spelling); its raw newlines can only be whitespace, so they become spaces.
std::string request_line(const Function& function, const std::string& request_id,
                         const std::string& event) {
    const auto deadline = epoch_millis(now()) + std::int64_t{function.timeout} * 1000;
    std::string line =
        json{{"id", request_id}, {"deadline_ms", deadline}, {"function_arn", function.arn}}.dump();
    std::string spliced = event.empty() ? std::string("{}") : event;
    for (char& c : spliced)
        if (c == '\n' || c == '\r') c = ' ';
    line.pop_back();
    return line + ",\"event\":" + spliced + "}";
}

}  // namespace

struct Runtime::Impl {
    struct Pool {
        std::string revision;
        std::vector<std::unique_ptr<RuntimeProcess>> idle;
        std::size_t processes = 0;  // idle + busy
    };
    struct Lease {
        std::unique_ptr<RuntimeProcess> process;
        bool fresh = false;
    };

    RuntimeConfig config;
    BootstrapFiles bootstrap;
    std::mutex mutex;
    std::condition_variable work;
    std::condition_variable capacity;
    std::deque<Job> queue;
    bool stopping = false;
    std::map<std::string, Pool, std::less<>> pools;
    // Busy processes and their functions: killed at shutdown and when their function is deleted;
    // a pid leaves before it is reaped, so no reused pid is ever signalled.
    std::map<pid_t, std::string> busy;
    std::vector<std::thread> threads;

    explicit Impl(RuntimeConfig c)
        : config(std::move(c)), bootstrap(write_bootstrap_files(config.bootstrap_directory)) {
        for (std::size_t i = 0; i < std::max<std::size_t>(config.threads, 1); ++i)
            threads.emplace_back([this] { loop(); });
    }

    ~Impl() {
        std::deque<Job> abandoned;
        std::vector<std::unique_ptr<RuntimeProcess>> idle;
        {
            std::lock_guard lock(mutex);
            stopping = true;
            for (const auto& [pid, name] : busy) ::kill(-pid, SIGKILL);
            abandoned.swap(queue);
            for (auto& [name, pool] : pools)
                for (auto& process : pool.idle) idle.push_back(std::move(process));
        }
        work.notify_all();
        capacity.notify_all();
        for (auto& thread : threads) thread.join();
        for (auto& job : abandoned)
            complete(job, {error_payload("Runtime.Shutdown", "The emulator is shutting down"),
                           "Unhandled",
                           {}});
    }

    void loop() {
        // Writes to a pipe whose reader died must fail with EPIPE, not kill the emulator.
        sigset_t pipe_signal;
        sigemptyset(&pipe_signal);
        sigaddset(&pipe_signal, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);
        for (;;) {
            Job job;
            {
                std::unique_lock lock(mutex);
                work.wait(lock, [&] { return stopping || !queue.empty(); });
                if (stopping) return;
                job = std::move(queue.front());
                queue.pop_front();
            }
            InvokeResult result;
            try {
                result = run(job.function, job.event);
            } catch (const std::exception& error) {
                log::error(job.function.name, "invocation failed: ", error.what());
                result = {error_payload("Runtime.Unknown", error.what()), "Unhandled", {}};
            }
            complete(job, std::move(result));
        }
    }

    static void complete(Job& job, InvokeResult result) {
        try {
            job.done(std::move(result));
        } catch (const std::exception& error) {
            log::error("lambda", "an invocation's completion handler threw: ", error.what());
        }
    }

    std::optional<Lease> acquire(const Function& function) {
        std::vector<std::unique_ptr<RuntimeProcess>> retired;  // ended outside the lock
        std::unique_lock lock(mutex);
        for (;;) {
            if (stopping) return std::nullopt;
            Pool& pool = pools[function.name];
            if (pool.revision != function.revision_id) {
                for (auto& process : pool.idle) retired.push_back(std::move(process));
                pool.processes -= pool.idle.size();
                pool.idle.clear();
                pool.revision = function.revision_id;
            }
            while (!pool.idle.empty()) {
                auto process = std::move(pool.idle.back());
                pool.idle.pop_back();
                if (process->alive()) {
                    busy.emplace(process->pid(), function.name);
                    return Lease{std::move(process), false};
                }
                retired.push_back(std::move(process));
                --pool.processes;
            }
            if (pool.processes < std::max<std::size_t>(config.max_processes_per_function, 1)) {
                ++pool.processes;
                break;
            }
            capacity.wait(lock);
        }
        lock.unlock();
        retired.clear();
        try {
            auto process = RuntimeProcess::spawn(process_spec(function, config, bootstrap));
            std::lock_guard relock(mutex);
            busy.emplace(process->pid(), function.name);
            return Lease{std::move(process), true};
        } catch (...) {
            std::lock_guard relock(mutex);
            --pools[function.name].processes;
            capacity.notify_all();
            throw;
        }
    }

    // Called before a busy process is reaped, so shutdown never signals a reused pid.
    void forget(const RuntimeProcess& process) {
        std::lock_guard lock(mutex);
        busy.erase(process.pid());
    }

    void release(const Function& function, std::unique_ptr<RuntimeProcess> process, bool reusable) {
        std::unique_ptr<RuntimeProcess> doomed;
        {
            std::lock_guard lock(mutex);
            busy.erase(process->pid());
            Pool& pool = pools[function.name];
            if (reusable && !stopping && pool.revision == function.revision_id && process->alive())
                pool.idle.push_back(std::move(process));
            else {
                --pool.processes;
                doomed = std::move(process);
            }
        }
        capacity.notify_all();
    }

    // Waits for the bootstrap's "ready"; an error object (as JSON text) when the handler could not
    // be loaded.
    // Lambda gives the init phase 10 s and, past them, runs it again within the first
    // invocation under the function's timeout (docs/aws/provisioning-and-services.md §5.4); here
    // the same process keeps loading for that long.
    std::optional<std::string> initialize(RuntimeProcess& process, const Function& function,
                                          std::string& log) {
        auto reply = process.exchange({}, Clock::now() + config.init_timeout, log);
        if (reply.outcome == RuntimeProcess::Outcome::timed_out)
            reply =
                process.exchange({}, Clock::now() + std::chrono::seconds(function.timeout), log);
        if (reply.outcome == RuntimeProcess::Outcome::timed_out)
            return error_payload(
                "Runtime.InitTimeout",
                "The handler did not load within " +
                    two_decimals(config.init_timeout.count() / 1000.0 + function.timeout) +
                    " seconds");
        if (reply.outcome == RuntimeProcess::Outcome::exited) {
            forget(process);
            return error_payload("Runtime.ExitError",
                                 "Runtime exited during initialization: " + process.finish());
        }
        const auto message = json::parse(reply.line, nullptr, false);
        if (message.is_object() && message.value("type", "") == "ready") return std::nullopt;
        if (message.is_object() && message.contains("error")) return message["error"].dump();
        return error_payload("Runtime.InvalidResponse", "The bootstrap answered: " + reply.line);
    }

    InvokeResult run(const Function& function, const std::string& event) {
        const std::string id = random_uuid();
        const auto started = Clock::now();
        std::string log = "START RequestId: " + id + " Version: " + function.version + "\n";
        InvokeResult result;
        auto lease = acquire(function);
        if (!lease)
            return {error_payload("Runtime.Shutdown", "The emulator is shutting down"),
                    "Unhandled",
                    {}};
        auto& process = *lease->process;
        std::optional<std::string> failure;
        bool reusable = false;
        if (lease->fresh) failure = initialize(process, function, log);
        const auto invoked = Clock::now();
        if (!failure) {
            const auto reply =
                process.exchange(request_line(function, id, event),
                                 invoked + std::chrono::seconds(function.timeout), log);
            if (reply.outcome == RuntimeProcess::Outcome::line) {
                const auto message = json_depth_within(reply.line)
                                         ? json::parse(reply.line, nullptr, false)
                                         : json(json::value_t::discarded);
                const auto type = message.is_object() ? message.value("type", "") : "";
                reusable = message.is_object() && !message.value("retire", false);
                if (type == "result" && message["payload"].is_string())
                    result.payload = message["payload"].get<std::string>();
                else if (type == "error")
                    failure = message["error"].dump();
                else
                    failure = error_payload("Runtime.InvalidResponse",
                                            "The bootstrap answered: " + reply.line);
            } else if (reply.outcome == RuntimeProcess::Outcome::oversized) {
                failure = response_too_large();
                forget(process);
                process.kill();
            } else if (reply.outcome == RuntimeProcess::Outcome::timed_out) {
                const std::string text =
                    "Task timed out after " + two_decimals(function.timeout) + " seconds";
                log += id + " " + text + "\n";
                failure = error_payload("Sandbox.Timedout", "RequestId: " + id + " Error: " + text);
                forget(process);
                process.kill();
            } else {
                forget(process);
                failure = error_payload(
                    "Runtime.ExitError",
                    "RequestId: " + id + " Error: Runtime exited with error: " + process.finish());
            }
        }
        release(function, std::move(lease->process), reusable);
        if (failure) {
            result.payload = *failure;
            result.function_error = "Unhandled";
            const auto error = json::parse(*failure, nullptr, false);
            log::warn(function.name, "invocation ", id,
                      " failed: ", error.is_object() ? error.value("errorType", "?") : "?", ": ",
                      error.is_object() ? error.value("errorMessage", "") : *failure);
        }
        const auto ms = [](Clock::duration d) {
            return std::chrono::duration<double, std::milli>(d).count();
        };
        const double duration = ms(Clock::now() - invoked);
        log += "END RequestId: " + id + "\nREPORT RequestId: " + id +
               "\tDuration: " + two_decimals(duration) +
               " ms\tBilled Duration: " + std::to_string(static_cast<long long>(duration) + 1) +
               " ms\tMemory Size: " + std::to_string(function.memory_size) + " MB\t";
        if (lease->fresh) log += "Init Duration: " + two_decimals(ms(invoked - started)) + " ms\t";
        log += "\n";
        result.log_tail = tail_of(log);
        record(function, id, duration, failure, log);
        return result;
    }

    // lambda.invoked: the outcome, and the handler's own lines (START/END/REPORT left out).
    void record(const Function& function, const std::string& id, double duration_ms,
                const std::optional<std::string>& failure, const std::string& log) const {
        constexpr std::size_t max_lines = 100;
        std::vector<std::string> lines;
        for (std::size_t at = 0; at < log.size();) {
            auto end = log.find('\n', at);
            if (end == std::string::npos) end = log.size();
            const std::string_view line(log.data() + at, end - at);
            at = end + 1;
            if (line.empty() || line.starts_with("START RequestId: ") ||
                line.starts_with("END RequestId: ") || line.starts_with("REPORT RequestId: "))
                continue;
            lines.emplace_back(line);
        }
        if (lines.size() > max_lines) lines.erase(lines.begin(), lines.end() - max_lines);
        std::string outcome = "success";
        std::optional<std::string> error_text;
        if (failure) {
            const auto error = json::parse(*failure, nullptr, false);
            const std::string type = error.is_object() ? error.value("errorType", "") : "";
            outcome = type == "Sandbox.Timedout" ? "timeout" : "error";
            error_text =
                error.is_object() ? type + ": " + error.value("errorMessage", "") : *failure;
        }
        journal::Fields fields{{"functionName", function.name},
                               {"requestId", id},
                               {"result", outcome},
                               {"durationMs", static_cast<std::int64_t>(duration_ms)}};
        if (error_text) fields.emplace_back("error", *error_text);
        fields.emplace_back("logLines", std::move(lines));
        config.journal->record("lambda.invoked", std::move(fields));
    }
};

std::string response_too_large() {
    return error_payload("Function.ResponseSizeTooLarge",
                         "Response payload size exceeded maximum allowed payload size (" +
                             std::to_string(reported_response_limit) + " bytes).");
}

Runtime::Runtime(RuntimeConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

Runtime::~Runtime() = default;

void Runtime::invoke(Function function, std::string event, InvokeCallback done) {
    {
        std::lock_guard lock(impl_->mutex);
        if (!impl_->stopping) {
            impl_->queue.push_back({std::move(function), std::move(event), std::move(done)});
            impl_->work.notify_one();
            return;
        }
    }
    done({error_payload("Runtime.Shutdown", "The emulator is shutting down"), "Unhandled", {}});
}

InvokeResult Runtime::invoke_and_wait(Function function, std::string event) {
    auto promise = std::make_shared<std::promise<InvokeResult>>();
    auto future = promise->get_future();
    invoke(std::move(function), std::move(event),
           [promise](InvokeResult result) { promise->set_value(std::move(result)); });
    return future.get();
}

void Runtime::retire(std::string_view function_name, Busy running) {
    std::vector<std::unique_ptr<RuntimeProcess>> retired;
    {
        std::lock_guard lock(impl_->mutex);
        const auto it = impl_->pools.find(function_name);
        if (it == impl_->pools.end()) return;
        auto& pool = it->second;
        for (auto& process : pool.idle) retired.push_back(std::move(process));
        pool.processes -= pool.idle.size();
        pool.idle.clear();
        pool.revision.clear();      // busy processes are ended when they come back
        if (running == Busy::kill)  // their invocations end as a crashed handler's do
            for (const auto& [pid, name] : impl_->busy)
                if (name == function_name) ::kill(-pid, SIGKILL);
    }
    impl_->capacity.notify_all();
}

}  // namespace iotemu::lambda
