// Runtime: per function a Pool (pool.hpp) decides, and this file carries out its decisions with
// real processes, one thread each. One invocation at a time per process; a process is reused
// only when its invocation ended cleanly and its revision is still current.
#include "rules/lambda/runtime.hpp"

#include <condition_variable>
#include <cstdio>
#include <future>
#include <map>
#include <mutex>
#include <signal.h>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/aws_error.hpp"
#include "common/json_depth.hpp"
#include "common/log.hpp"
#include "common/random.hpp"
#include "common/time.hpp"
#include "rules/lambda/bootstrap.hpp"
#include "rules/lambda/limits.hpp"
#include "rules/lambda/pool.hpp"
#include "rules/lambda/process.hpp"
#include "rules/lambda/process_spec.hpp"

namespace iotemu::lambda {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

constexpr std::size_t log_tail_size = 4096;  // X-Amz-Log-Result carries the last 4 KB

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
    struct Job {
        Function function;  // as invoked: names the function in a failure before any process
        std::string event;
        InvokeCallback done;
    };
    // What the pool handed one process: an invocation to run, or the order to end.
    struct Mailbox {
        std::optional<Job> job;
        bool stop = false;
        std::condition_variable wake;
    };
    // One function: its current revision, the pool's decisions and what they refer to.
    struct Entry {
        Entry(Function f, PoolLimits limits) : function(std::move(f)), pool(limits) {}
        Function function;
        Pool pool;
        std::map<PoolInvocationId, Job> waiting;  // submitted, not yet given to a process
        std::map<PoolProcessId, std::shared_ptr<Mailbox>> mailboxes;
    };
    // A process with its handler loaded, and what loading it left for its first invocation.
    struct Loaded {
        std::unique_ptr<RuntimeProcess> process;
        std::string init_log;           // what it printed while loading
        std::optional<double> init_ms;  // Lambda reports the init phase with the first one
    };

    RuntimeConfig config;
    BootstrapFiles bootstrap;
    std::mutex mutex;
    bool stopping = false;
    std::map<std::string, std::shared_ptr<Entry>, std::less<>> entries;
    PoolInvocationId next_invocation = 1;
    // Every live process and its function: killed at shutdown and when the function is deleted.
    // Signals are sent under `mutex`, and a pid leaves under it before its process is reaped, so
    // no reused pid is ever signalled.
    std::map<pid_t, const Entry*> pids;
    // One thread per process; a thread that has ended waits in `ended` to be joined.
    std::map<std::uint64_t, std::thread> threads;
    std::vector<std::uint64_t> ended;
    std::uint64_t next_thread = 0;

    explicit Impl(RuntimeConfig c)
        : config(std::move(c)), bootstrap(write_bootstrap_files(config.bootstrap_directory)) {}

    ~Impl() {
        std::vector<Job> abandoned;
        std::map<std::uint64_t, std::thread> running;
        {
            std::lock_guard lock(mutex);
            stopping = true;
            for (const auto& [pid, entry] : pids) ::kill(-pid, SIGKILL);
            for (auto& [name, entry] : entries) {
                PoolActions actions;
                entry->pool.retire(actions);
                carry_out(entry, actions, abandoned);
                for (auto& [id, mailbox] : entry->mailboxes) {  // busy: they end when they report
                    mailbox->stop = true;
                    mailbox->wake.notify_all();
                }
            }
            running.swap(threads);
        }
        for (auto& [key, thread] : running) thread.join();
        for (auto& job : abandoned) complete(job, shutdown_result());
    }

    static InvokeResult shutdown_result() {
        return {
            error_payload("Runtime.Shutdown", "The emulator is shutting down"), "Unhandled", {}};
    }

    static void complete(Job& job, InvokeResult result) {
        try {
            job.done(std::move(result));
        } catch (const std::exception& error) {
            log::error("lambda", "an invocation's completion handler threw: ", error.what());
        }
    }

    PoolLimits limits() const {
        return {.max_processes = std::max<std::size_t>(config.concurrency, 1),
                .max_queued = config.max_queued};
    }

    // The function's entry, made for `function` if it has none; a new revision replaces the old.
    std::shared_ptr<Entry> entry_for(const Function& function, PoolActions& actions) {
        auto it = entries.find(function.name);
        if (it == entries.end()) {
            it = entries.emplace(function.name, std::make_shared<Entry>(function, limits())).first;
        } else if (it->second->function.revision_id != function.revision_id) {
            it->second->function = function;
            it->second->pool.update(actions);
        }
        return it->second;
    }

    // Carries out the pool's decisions (under `mutex`); the invocations it failed are moved to
    // `failed` for the caller to complete, outside the lock, with the error it knows.
    void carry_out(const std::shared_ptr<Entry>& entry, PoolActions& actions,
                   std::vector<Job>& failed) {
        for (auto& action : actions) {
            if (const auto* start = std::get_if<StartProcess>(&action)) {
                auto mailbox = std::make_shared<Mailbox>();
                entry->mailboxes[start->process] = mailbox;
                if (stopping) continue;
                const auto key = next_thread++;
                threads.emplace(key, std::thread([this, entry, id = start->process,
                                                  function = entry->function, mailbox, key] {
                                    serve(entry, id, function, mailbox);
                                    std::lock_guard lock(mutex);
                                    ended.push_back(key);
                                }));
            } else if (const auto* run = std::get_if<RunInvocation>(&action)) {
                const auto mailbox = entry->mailboxes.at(run->process);
                mailbox->job = std::move(entry->waiting.at(run->invocation));
                entry->waiting.erase(run->invocation);
                mailbox->wake.notify_all();
            } else if (const auto* stop = std::get_if<StopProcess>(&action)) {
                if (const auto it = entry->mailboxes.find(stop->process);
                    it != entry->mailboxes.end()) {
                    it->second->stop = true;
                    it->second->wake.notify_all();
                    entry->mailboxes.erase(it);
                }
            } else if (const auto* fail = std::get_if<FailInvocation>(&action)) {
                failed.push_back(std::move(entry->waiting.at(fail->invocation)));
                entry->waiting.erase(fail->invocation);
            }
        }
        actions.clear();
    }

    // Threads that have ended, taken out to be joined outside the lock.
    std::vector<std::thread> take_ended() {
        std::vector<std::thread> done;
        for (const auto key : ended)
            if (const auto it = threads.find(key); it != threads.end()) {
                done.push_back(std::move(it->second));
                threads.erase(it);
            }
        ended.clear();
        return done;
    }

    void submit(Function function, std::string event, InvokeCallback done) {
        std::vector<Job> failed;
        std::vector<std::thread> finished_threads;
        {
            std::unique_lock lock(mutex);
            if (stopping) {
                lock.unlock();
                done(shutdown_result());
                return;
            }
            finished_threads = take_ended();
            PoolActions actions;
            const auto entry = entry_for(function, actions);
            const auto id = next_invocation++;
            entry->waiting.emplace(id, Job{std::move(function), std::move(event), std::move(done)});
            if (!entry->pool.submit(id, actions)) {
                const auto name = entry->function.name;
                entry->waiting.erase(id);
                carry_out(entry, actions, failed);
                lock.unlock();
                for (auto& thread : finished_threads) thread.join();
                throttled(name);
            }
            carry_out(entry, actions, failed);
        }
        for (auto& thread : finished_threads) thread.join();
        for (auto& job : failed) complete(job, not_found(job.function));
    }

    [[noreturn]] void throttled(const std::string& name) {
        log::warn(name, "invocation throttled: ", config.max_queued,
                  " invocations already wait for one of its ", config.concurrency,
                  " processes (--lambda-concurrency)");
        config.journal->record("lambda.throttled",
                               {{"functionName", name},
                                {"concurrency", static_cast<std::int64_t>(config.concurrency)},
                                {"queued", static_cast<std::int64_t>(config.max_queued)}});
        throw AwsError(aws_errors::too_many_requests,
                       "Rate Exceeded. (iot-emulator: " + std::to_string(config.max_queued) +
                           " invocations of " + name + " already wait for one of its " +
                           std::to_string(config.concurrency) +
                           " processes; see --lambda-concurrency)");
    }

    static InvokeResult not_found(const Function& function) {
        return {error_payload("ResourceNotFoundException", "Function not found: " + function.arn),
                "Unhandled",
                {}};
    }

    void deploy(Function function) {
        std::vector<Job> failed;
        std::vector<std::thread> finished_threads;
        {
            std::lock_guard lock(mutex);
            if (stopping) return;
            finished_threads = take_ended();
            PoolActions actions;
            const auto entry = entry_for(function, actions);
            entry->pool.warm(actions);
            carry_out(entry, actions, failed);
        }
        for (auto& thread : finished_threads) thread.join();
        for (auto& job : failed) complete(job, not_found(job.function));
    }

    void retire(std::string_view function_name, Busy running) {
        std::vector<Job> failed;
        {
            std::lock_guard lock(mutex);
            const auto it = entries.find(function_name);
            if (it == entries.end()) return;
            const auto entry = it->second;
            entries.erase(it);
            PoolActions actions;
            entry->pool.retire(actions);
            carry_out(entry, actions, failed);
            if (running == Busy::kill)  // their invocations end as a crashed handler's do
                for (const auto& [pid, owner] : pids)
                    if (owner == entry.get()) ::kill(-pid, SIGKILL);
        }
        for (auto& job : failed) complete(job, not_found(job.function));
    }

    // One process's life: start it and load the handler, then run what the pool hands it until
    // told to stop. Runs on the process's own thread.
    void serve(const std::shared_ptr<Entry>& entry, PoolProcessId id, const Function& function,
               const std::shared_ptr<Mailbox>& mailbox) {
        // Writes to a pipe whose reader died must fail with EPIPE, not kill the emulator.
        sigset_t pipe_signal;
        sigemptyset(&pipe_signal);
        sigaddset(&pipe_signal, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);

        Loaded loaded;
        const auto failure = load(*entry, function, loaded);
        std::vector<Job> failed;
        {
            std::lock_guard lock(mutex);
            PoolActions actions;
            entry->pool.started(id, !failure, actions);
            carry_out(entry, actions, failed);
        }
        const bool failed_one = !failed.empty();
        for (auto& job : failed) complete(job, failed_start(function, *failure, loaded));
        failed.clear();
        if (failure) {
            if (!failed_one)
                log::warn(function.name,
                          "a process could not load the handler: ", error_text(*failure));
            return;
        }
        for (;;) {
            Job job;
            {
                std::unique_lock lock(mutex);
                mailbox->wake.wait(lock, [&] { return mailbox->job || mailbox->stop; });
                if (!mailbox->job) break;
                job = std::move(*mailbox->job);
                mailbox->job.reset();
            }
            bool reusable = false;
            InvokeResult result;
            try {
                result = run_on(*entry, loaded, function, job, reusable);
            } catch (const std::exception& error) {
                log::error(function.name, "invocation failed: ", error.what());
                result = {error_payload("Runtime.Unknown", error.what()), "Unhandled", {}};
            }
            {
                std::lock_guard lock(mutex);
                PoolActions actions;
                entry->pool.finished(id, reusable && loaded.process, actions);
                carry_out(entry, actions, failed);
            }
            complete(job, std::move(result));
            if (!loaded.process) break;
        }
        end(loaded);
    }

    // Spawns and loads the handler; the error object (as JSON text) when that failed.
    std::optional<std::string> load(const Entry& entry, const Function& function, Loaded& loaded) {
        const auto began = Clock::now();
        loaded.init_log.clear();
        try {
            auto process = RuntimeProcess::spawn(process_spec(function, config, bootstrap));
            std::lock_guard lock(mutex);
            if (stopping) return error_payload("Runtime.Shutdown", "The emulator is shutting down");
            pids.emplace(process->pid(), &entry);
            loaded.process = std::move(process);
        } catch (const std::exception& error) {
            log::error(function.name, "cannot start a process: ", error.what());
            return error_payload("Runtime.Unknown", error.what());
        }
        auto failure = initialize(*loaded.process, function, loaded.init_log);
        loaded.init_ms = ms(Clock::now() - began);
        if (failure) end(loaded);
        return failure;
    }

    // Forgets the process's pid, then kills its group and reaps it.
    void end(Loaded& loaded) {
        if (!loaded.process) return;
        forget(*loaded.process);
        loaded.process.reset();
    }

    void forget(const RuntimeProcess& process) {
        std::lock_guard lock(mutex);
        pids.erase(process.pid());
    }

    static double ms(Clock::duration d) {
        return std::chrono::duration<double, std::milli>(d).count();
    }

    static std::string error_text(const std::string& failure) {
        const auto error = json::parse(failure, nullptr, false);
        return error.is_object()
                   ? error.value("errorType", "?") + ": " + error.value("errorMessage", "")
                   : failure;
    }

    // A process that died while idle is started again for the invocation it was given.
    bool still_alive(Loaded& loaded) {
        std::lock_guard lock(mutex);
        if (loaded.process->alive()) return true;
        pids.erase(loaded.process->pid());
        loaded.process.reset();
        return false;
    }

    InvokeResult run_on(const Entry& entry, Loaded& loaded, const Function& function,
                        const Job& job, bool& reusable) {
        if (!still_alive(loaded))
            if (const auto failure = load(entry, function, loaded))
                return failed_start(function, *failure, loaded);
        auto& process = *loaded.process;
        const std::string id = random_uuid();
        std::string log = "START RequestId: " + id + " Version: " + function.version + "\n" +
                          std::exchange(loaded.init_log, {});
        const auto init_ms = std::exchange(loaded.init_ms, std::nullopt);
        InvokeResult result;
        std::optional<std::string> failure;
        const auto invoked = Clock::now();
        const auto reply = process.exchange(request_line(function, id, job.event),
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
            end(loaded);
        } else if (reply.outcome == RuntimeProcess::Outcome::timed_out) {
            const std::string text =
                "Task timed out after " + two_decimals(function.timeout) + " seconds";
            log += id + " " + text + "\n";
            failure = error_payload("Sandbox.Timedout", "RequestId: " + id + " Error: " + text);
            end(loaded);
        } else {
            forget(process);
            failure = error_payload(
                "Runtime.ExitError",
                "RequestId: " + id + " Error: Runtime exited with error: " + process.finish());
            loaded.process.reset();
        }
        return finish(function, id, log, failure, ms(Clock::now() - invoked), init_ms,
                      std::move(result));
    }

    // The invocation a process was started for, when it could not load the handler.
    InvokeResult failed_start(const Function& function, const std::string& failure,
                              Loaded& loaded) {
        const std::string id = random_uuid();
        std::string log = "START RequestId: " + id + " Version: " + function.version + "\n" +
                          std::exchange(loaded.init_log, {});
        return finish(function, id, log, failure, 0.0, std::exchange(loaded.init_ms, std::nullopt),
                      {});
    }

    // The result's error, log tail and REPORT line, and its journal entry.
    InvokeResult finish(const Function& function, const std::string& id, std::string& log,
                        const std::optional<std::string>& failure, double duration,
                        std::optional<double> init_ms, InvokeResult result) const {
        if (failure) {
            result.payload = *failure;
            result.function_error = "Unhandled";
            log::warn(function.name, "invocation ", id, " failed: ", error_text(*failure));
        }
        log += "END RequestId: " + id + "\nREPORT RequestId: " + id +
               "\tDuration: " + two_decimals(duration) +
               " ms\tBilled Duration: " + std::to_string(static_cast<long long>(duration) + 1) +
               " ms\tMemory Size: " + std::to_string(function.memory_size) + " MB\t";
        if (init_ms) log += "Init Duration: " + two_decimals(*init_ms) + " ms\t";
        log += "\n";
        result.log_tail = tail_of(log);
        record(function, id, duration, failure, log);
        return result;
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
    impl_->submit(std::move(function), std::move(event), std::move(done));
}

InvokeResult Runtime::invoke_and_wait(Function function, std::string event) {
    auto promise = std::make_shared<std::promise<InvokeResult>>();
    auto future = promise->get_future();
    invoke(std::move(function), std::move(event),
           [promise](InvokeResult result) { promise->set_value(std::move(result)); });
    return future.get();
}

void Runtime::deploy(Function function) { impl_->deploy(std::move(function)); }

void Runtime::retire(std::string_view function_name, Busy running) {
    impl_->retire(function_name, running);
}

}  // namespace iotemu::lambda
