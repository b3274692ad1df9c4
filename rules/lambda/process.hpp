// RuntimeProcess: one local process running a bootstrap program, with a private pipe pair for
// invocations (fd 3 in, fd 4 out, one JSON line each) and its stdout/stderr forwarded line by line
// to the emulator's log under the function's name. POSIX only (posix_spawn, poll); blocking calls
// with deadlines, meant for the runtime's own threads, never an I/O thread. Knows nothing of the
// lines' meaning.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace iotemu::lambda {

struct ProcessSpec {
    std::string executable;                // looked up on PATH: "python3", "node"
    std::vector<std::string> arguments;    // argv[1…]
    std::vector<std::string> environment;  // "KEY=value", the whole environment
    std::filesystem::path working_directory;
    std::string log_component;  // the function's name
};

class RuntimeProcess {
public:
    // Starts the process in its own process group with stdin on /dev/null. Throws
    // std::runtime_error naming the executable when it cannot be started.
    static std::unique_ptr<RuntimeProcess> spawn(const ProcessSpec& spec);
    ~RuntimeProcess();  // kills the group and reaps
    RuntimeProcess(const RuntimeProcess&) = delete;
    RuntimeProcess& operator=(const RuntimeProcess&) = delete;

    enum class Outcome { line, timed_out, exited, oversized };
    // An answer line longer than this is refused (Outcome::oversized): the largest answer Lambda
    // lets through (6 MB), every byte of it escaped in the line's JSON string, and room for the
    // rest (docs/limits.md §6).
    static constexpr std::size_t max_answer_line = 2 * 6'291'456 + 64 * 1024;
    // What the process prints (docs/limits.md §6). A line longer than max_log_line is split
    // there, as CloudWatch Logs splits a Lambda log event; an exchange logs at most
    // max_logged_bytes and then says how much more it dropped; `output` keeps only its last
    // max_kept_output bytes (Invoke's LogResult needs the last 4 KB).
    static constexpr std::size_t max_log_line = 256 * 1024;
    static constexpr std::size_t max_logged_bytes = 1024 * 1024;
    static constexpr std::size_t max_kept_output = 64 * 1024;
    struct Reply {
        Outcome outcome;
        std::string line;  // the answer when outcome == line
    };

    // Sends `request` (a line without its '\n'; nothing when empty) and waits for one line on the
    // answer pipe, the deadline, the end of the process, or max_answer_line bytes without a line
    // end (the process must then be killed). What the process prints meanwhile is logged and
    // appended to `output`, within the bounds above.
    Reply exchange(std::string_view request, std::chrono::steady_clock::time_point deadline,
                   std::string& output);

    pid_t pid() const { return pid_; }
    bool alive();
    // SIGKILL to the whole group (the handler's own children too, even when the runtime itself
    // has ended), then reap. Idempotent.
    void kill();
    // After Outcome::exited: reaps the process (killing it if it lingers) and says how it ended,
    // e.g. "exit status 1" or "signal: Killed".
    std::string finish();

private:
    RuntimeProcess() = default;
    void read_output(int fd, std::string& pending, std::string& output, bool& open);
    void flush_output(std::string& pending, std::string& output);
    void emit_line(std::string_view line, std::string& output);
    void reap(bool wait);

    pid_t pid_ = -1;
    bool reaped_ = false;
    bool group_killed_ = false;
    std::size_t logged_bytes_ = 0;   // this exchange's output logged so far
    std::size_t dropped_bytes_ = 0;  // this exchange's output over max_logged_bytes
    int status_ = 0;
    int request_fd_ = -1;
    int answer_fd_ = -1;
    int stdout_fd_ = -1;
    int stderr_fd_ = -1;
    bool stdout_open_ = true;
    bool stderr_open_ = true;
    std::string answer_buffer_;
    std::string stdout_pending_;
    std::string stderr_pending_;
    std::string component_;
};

}  // namespace iotemu::lambda
