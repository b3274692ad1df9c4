// Runtime: runs functions' handlers in local processes — python3.x on `python3`, nodejs* on
// `node` — through the bootstrap programs. Each function scales as Lambda does to concurrent
// executions, within `concurrency` warm processes (docs/aws/provisioning-and-services.md §5.6): an
// invocation goes to an idle process, else waits for one, a new one starting while fewer start than
// wait; beyond `max_queued` waiting it is throttled. A function just created or changed gets one
// process at once (pre-warm). A handler past its timeout is killed; an exception, a crash or a
// timeout becomes Lambda's error result, and the emulator carries on. Each process is served by a
// thread of its own: invoke() never blocks its caller and may be called from any thread, I/O
// threads included. No Asio in this header.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "journal/journal.hpp"
#include "rules/lambda/function.hpp"

namespace iotemu::lambda {

struct RuntimeConfig {
    std::filesystem::path bootstrap_directory;     // where the bootstrap programs are written
    std::string api_endpoint_url;                  // AWS_ENDPOINT_URL of every handler
    std::filesystem::path node_modules_directory;  // NODE_PATH: aws-sdk, @aws-sdk/client-iot
    std::string python_executable = "python3";
    std::string node_executable = "node";
    std::size_t concurrency = 4;    // processes per function: starting, warm or busy
    std::size_t max_queued = 1000;  // invocations per function waiting for a process
    std::chrono::milliseconds init_timeout{10'000};  // loading the handler (Lambda's init phase)
    // Every invocation's outcome and what its handler printed (docs/harness.md); must outlive
    // the runtime.
    journal::Recorder* journal = &journal::discard();
};

struct InvokeResult {
    std::string payload;  // the handler's result as JSON text, or Lambda's error object
    std::optional<std::string> function_error;  // "Unhandled" when the invocation failed
    std::string log_tail;  // START … END/REPORT lines and what the handler printed (≤ 4 KiB)
};

using InvokeCallback = std::function<void(InvokeResult)>;

// Lambda's error object for a handler whose answer is over the synchronous payload limit.
std::string response_too_large();

class Runtime {
public:
    explicit Runtime(RuntimeConfig config);
    ~Runtime();  // ends every process; queued invocations complete with an error
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;

    // `event` must be JSON text. `done` runs on a runtime thread once the invocation ends. A
    // `function` whose revision differs from the one last seen counts as deploy() of it. Throws
    // AwsError TooManyRequestsException, without calling `done`, when max_queued invocations of
    // the function already wait (journal: lambda.throttled).
    void invoke(Function function, std::string event, InvokeCallback done);
    // The same, waiting for the result (for the REST Invoke, on an API worker).
    InvokeResult invoke_and_wait(Function function, std::string event);
    // The function was created, or its code or configuration changed: later invocations run
    // this revision; warm processes on an older one end once idle (in-flight invocations finish
    // on them); one process starts on this revision now, so the next event finds it loaded.
    void deploy(Function function);
    // The function was deleted: its waiting invocations fail (ResourceNotFoundException), idle
    // processes end; busy ones end when their invocation does, or at once with Busy::kill (the
    // whole process group, so a handler's children go too).
    enum class Busy { finish, kill };
    void retire(std::string_view function_name, Busy running = Busy::finish);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace iotemu::lambda
