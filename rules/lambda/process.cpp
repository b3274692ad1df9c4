// Spawning and talking to one runtime process. The child's pipe ends are moved above fd 9 before
// posix_spawn so the dup2 onto 0-4 never collides with a source; every other descriptor is
// close-on-exec or closed. Writes are non-blocking and driven by poll() with the reads, so a
// child that stops reading can never wedge the caller past its deadline.
#include "rules/lambda/process.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.hpp"

extern char** environ;

namespace iotemu::lambda {
namespace {

struct Pipe {
    int read = -1;
    int write = -1;
};

Pipe make_pipe() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        throw std::runtime_error(std::string("pipe2 failed: ") + std::strerror(errno));
    return {fds[0], fds[1]};
}

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

// A copy at 10 or above, close-on-exec; the original is closed.
int move_high(int fd) {
    const int high = fcntl(fd, F_DUPFD_CLOEXEC, 10);
    if (high < 0) throw std::runtime_error(std::string("fcntl failed: ") + std::strerror(errno));
    ::close(fd);
    return high;
}

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Owns the posix_spawn attribute objects for one spawn.
struct SpawnSetup {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    SpawnSetup() {
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attributes);
    }
    ~SpawnSetup() {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attributes);
    }
};

std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

}  // namespace

std::unique_ptr<RuntimeProcess> RuntimeProcess::spawn(const ProcessSpec& spec) {
    std::unique_ptr<RuntimeProcess> process(new RuntimeProcess());
    process->component_ = spec.log_component;
    Pipe requests = make_pipe(), answers = make_pipe(), out = make_pipe(), err = make_pipe();
    int child_fds[4] = {move_high(requests.read), move_high(answers.write), move_high(out.write),
                        move_high(err.write)};
    process->request_fd_ = requests.write;
    process->answer_fd_ = answers.read;
    process->stdout_fd_ = out.read;
    process->stderr_fd_ = err.read;
    for (int fd :
         {process->request_fd_, process->answer_fd_, process->stdout_fd_, process->stderr_fd_})
        set_nonblocking(fd);

    SpawnSetup setup;
    posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&setup.actions, child_fds[2], 1);
    posix_spawn_file_actions_adddup2(&setup.actions, child_fds[3], 2);
    posix_spawn_file_actions_adddup2(&setup.actions, child_fds[0], 3);
    posix_spawn_file_actions_adddup2(&setup.actions, child_fds[1], 4);
    posix_spawn_file_actions_addclosefrom_np(&setup.actions, 5);
    const std::string directory = spec.working_directory.string();
    posix_spawn_file_actions_addchdir_np(&setup.actions, directory.c_str());
    // Its own process group (kill takes the handler's children too), no blocked signals and
    // SIGPIPE back at its default, whatever the spawning thread had.
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setpgroup(&setup.attributes, 0);
    posix_spawnattr_setsigmask(&setup.attributes, &none);
    posix_spawnattr_setsigdefault(&setup.attributes, &defaults);
    posix_spawnattr_setflags(
        &setup.attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    std::vector<std::string> argv{spec.executable};
    argv.insert(argv.end(), spec.arguments.begin(), spec.arguments.end());
    std::vector<std::string> envp = spec.environment;
    auto argv_c = c_strings(argv);
    auto envp_c = c_strings(envp);
    const int failed = posix_spawnp(&process->pid_, spec.executable.c_str(), &setup.actions,
                                    &setup.attributes, argv_c.data(), envp_c.data());
    for (int& fd : child_fds) close_fd(fd);
    if (failed != 0) {
        process->pid_ = -1;
        throw std::runtime_error("cannot start '" + spec.executable +
                                 "': " + std::strerror(failed));
    }
    return process;
}

RuntimeProcess::~RuntimeProcess() {
    kill();
    for (int* fd : {&request_fd_, &answer_fd_, &stdout_fd_, &stderr_fd_}) close_fd(*fd);
}

void RuntimeProcess::emit_line(std::string_view line, std::string& output) {
    if (logged_bytes_ + line.size() <= max_logged_bytes) {
        logged_bytes_ += line.size();
        log::info(component_, line);
    } else {
        dropped_bytes_ += line.size() + 1;
    }
    output.append(line).push_back('\n');
    if (output.size() > 2 * max_kept_output) output.erase(0, output.size() - max_kept_output);
}

void RuntimeProcess::flush_output(std::string& pending, std::string& output) {
    std::size_t start = 0;
    for (;;) {
        const auto end = pending.find('\n', start);
        if (end == std::string::npos && pending.size() - start < max_log_line) break;
        const auto length =
            std::min(end == std::string::npos ? max_log_line : end - start, max_log_line);
        emit_line(std::string_view(pending).substr(start, length), output);
        start += length + (end == start + length ? 1 : 0);
    }
    pending.erase(0, start);
}

void RuntimeProcess::read_output(int fd, std::string& pending, std::string& output, bool& open) {
    char buffer[4096];
    // A bounded gulp: a process that prints without pause must not keep the caller from its
    // deadline.
    for (int gulp = 0; gulp < 16; ++gulp) {
        const auto n = ::read(fd, buffer, sizeof buffer);
        if (n > 0) {
            pending.append(buffer, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
            open = false;
            if (!pending.empty()) pending.push_back('\n');  // the last line, unterminated
        }
        break;
    }
    flush_output(pending, output);
}

RuntimeProcess::Reply RuntimeProcess::exchange(std::string_view request,
                                               std::chrono::steady_clock::time_point deadline,
                                               std::string& output) {
    std::string to_send = request.empty() ? std::string() : std::string(request) + "\n";
    std::size_t sent = 0;
    logged_bytes_ = 0;
    dropped_bytes_ = 0;
    // Says once, when the exchange ends, how much output the log did not take.
    struct DropNote {
        RuntimeProcess& process;
        ~DropNote() {
            if (process.dropped_bytes_ > 0)
                log::warn(process.component_, process.dropped_bytes_,
                          " more bytes of output not logged (the log takes ", max_logged_bytes,
                          " bytes per invocation)");
        }
    } note{*this};
    const auto drain_output = [&] {
        if (stdout_open_) read_output(stdout_fd_, stdout_pending_, output, stdout_open_);
        if (stderr_open_) read_output(stderr_fd_, stderr_pending_, output, stderr_open_);
    };
    for (;;) {
        if (const auto newline = answer_buffer_.find('\n'); newline != std::string::npos) {
            Reply reply{Outcome::line, answer_buffer_.substr(0, newline)};
            answer_buffer_.erase(0, newline + 1);
            drain_output();  // what the handler printed before answering
            return reply;
        }
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            drain_output();
            return {Outcome::timed_out, {}};
        }
        pollfd fds[4];
        nfds_t count = 0;
        fds[count++] = {answer_fd_, POLLIN, 0};
        if (stdout_open_) fds[count++] = {stdout_fd_, POLLIN, 0};
        if (stderr_open_) fds[count++] = {stderr_fd_, POLLIN, 0};
        if (sent < to_send.size()) fds[count++] = {request_fd_, POLLOUT, 0};
        const int ready =
            ::poll(fds, count, static_cast<int>(std::min<long long>(left.count(), 60'000)));
        if (ready < 0 && errno != EINTR)
            throw std::runtime_error(std::string("poll failed: ") + std::strerror(errno));
        drain_output();
        if (sent < to_send.size()) {
            const auto n = ::write(request_fd_, to_send.data() + sent, to_send.size() - sent);
            if (n > 0)
                sent += static_cast<std::size_t>(n);
            else if (n < 0 && errno != EAGAIN && errno != EINTR)
                sent = to_send.size();  // EPIPE
        }
        char buffer[4096];
        const auto n = ::read(answer_fd_, buffer, sizeof buffer);
        if (n > 0) {
            answer_buffer_.append(buffer, static_cast<std::size_t>(n));
            if (answer_buffer_.size() > max_answer_line &&
                answer_buffer_.find('\n') == std::string::npos) {
                answer_buffer_.clear();
                drain_output();
                return {Outcome::oversized, {}};
            }
        } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            // The answer pipe closed: the process has ended. Collect its last words.
            const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
            while ((stdout_open_ || stderr_open_) && std::chrono::steady_clock::now() < until) {
                pollfd rest[2];
                nfds_t r = 0;
                if (stdout_open_) rest[r++] = {stdout_fd_, POLLIN, 0};
                if (stderr_open_) rest[r++] = {stderr_fd_, POLLIN, 0};
                ::poll(rest, r, 50);
                drain_output();
            }
            return {Outcome::exited, {}};
        }
    }
}

void RuntimeProcess::reap(bool wait) {
    if (pid_ < 0 || reaped_) return;
    int status = 0;
    pid_t done;
    do {
        done = ::waitpid(pid_, &status, wait ? 0 : WNOHANG);
    } while (done < 0 && errno == EINTR);
    if (done == pid_ || (done < 0 && errno == ECHILD)) {
        reaped_ = true;
        status_ = status;
    }
}

bool RuntimeProcess::alive() {
    reap(false);
    return pid_ >= 0 && !reaped_;
}

void RuntimeProcess::kill() {
    if (pid_ < 0 || group_killed_) return;
    group_killed_ = true;
    ::kill(-pid_, SIGKILL);
    reap(true);
}

std::string RuntimeProcess::finish() {
    // An ended process closes its pipes a moment before it can be reaped.
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
    while (alive() && std::chrono::steady_clock::now() < until) ::usleep(5'000);
    if (!reaped_) kill();
    if (WIFEXITED(status_)) return "exit status " + std::to_string(WEXITSTATUS(status_));
    if (WIFSIGNALED(status_)) return std::string("signal: ") + strsignal(WTERMSIG(status_));
    return "ended";
}

}  // namespace iotemu::lambda
