// Runtime: runs functions' handlers in local processes — python3.x on `python3`, nodejs* on
// `node` — through the bootstrap programs. Warm processes are reused (one per function revision,
// more while invocations overlap, up to a small cap); a handler past its timeout is killed; an
// exception, a crash or a timeout becomes Lambda's error result, and the emulator carries on.
// Invocations run on the runtime's own threads: invoke() never blocks its caller and may be
// called from any thread, I/O threads included. No Asio in this header.
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
    std::size_t threads = 8;                         // invocations running at once, all functions
    std::size_t max_processes_per_function = 4;      // warm or busy, per function
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

    // `event` must be JSON text. `done` runs on a runtime thread once the invocation ends.
    void invoke(Function function, std::string event, InvokeCallback done);
    // The same, waiting for the result (for the REST Invoke, on an API worker).
    InvokeResult invoke_and_wait(Function function, std::string event);
    // Ends the function's warm processes: its code or configuration changed, or it was deleted.
    // Busy ones end when their invocation does, or at once with Busy::kill (the whole process
    // group, so a handler's children go too).
    enum class Busy { finish, kill };
    void retire(std::string_view function_name, Busy running = Busy::finish);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace iotemu::lambda
