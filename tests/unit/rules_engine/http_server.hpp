// A loopback HTTP server for the http action's tests, on POSIX sockets: it either answers each
// POST with a status and keeps the request, or accepts nothing at all (a server that hangs: the
// kernel completes the connection, nobody ever reads). Test-only.
#pragma once

#include <arpa/inet.h>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <netinet/in.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace engine_test {

class HttpServer {
public:
    enum class Mode { answer, silent };

    explicit HttpServer(Mode mode, int status = 200) : mode_(mode), status_(status) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
            ::listen(fd_, 64) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
            throw std::runtime_error("cannot listen on 127.0.0.1");
        port_ = ntohs(address.sin_port);
        if (mode_ == Mode::answer) thread_ = std::thread([this] { serve(); });
    }

    ~HttpServer() {
        ::shutdown(fd_, SHUT_RDWR);  // wakes accept()
        if (thread_.joinable()) thread_.join();
        ::close(fd_);
    }

    std::string url(const std::string& path = "/") const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }

    // The requests received (head and body, as sent), once there are `count` or at the deadline.
    std::vector<std::string> wait_for(std::size_t count,
                                      std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, timeout, [&] { return requests_.size() >= count; });
        return requests_;
    }

private:
    void serve() {
        for (;;) {
            const int client = ::accept(fd_, nullptr, nullptr);
            if (client < 0) return;
            std::string request = read_request(client);
            const std::string answer = "HTTP/1.1 " + std::to_string(status_) +
                                       " Status\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            (void)::write(client, answer.data(), answer.size());
            ::close(client);
            {
                const std::lock_guard lock(mutex_);
                requests_.push_back(std::move(request));
            }
            changed_.notify_all();
        }
    }

    // The head, then as many body bytes as its Content-Length says.
    static std::string read_request(int client) {
        std::string data;
        char buffer[4096];
        for (;;) {
            const auto head_end = data.find("\r\n\r\n");
            if (head_end != std::string::npos) {
                std::size_t length = 0;
                if (const auto at = data.find("Content-Length: "); at < head_end)
                    length = std::stoul(data.substr(at + 16));
                if (data.size() >= head_end + 4 + length) return data;
            }
            const auto n = ::read(client, buffer, sizeof buffer);
            if (n <= 0) return data;
            data.append(buffer, static_cast<std::size_t>(n));
        }
    }

    Mode mode_;
    int status_;
    int fd_ = -1;
    unsigned short port_ = 0;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::string> requests_;
};

}  // namespace engine_test
