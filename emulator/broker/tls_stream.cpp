// Every SSL_* call of a connection, each followed by what OpenSSL wants next: done, or the socket
// readable or writable, which Asio's async_wait reports (it re-arms the socket's readiness, so a
// record that arrived before the wait is not missed). All calls of one stream run on its strand.
#include "broker/tls_stream.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <pthread.h>
#include <span>
#include <stdexcept>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <openssl/err.h>

namespace iotemu::broker {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

// OpenSSL holds the socket's descriptor number, not the socket: once the socket is closed (by a
// timeout, say, while a completed wait is queued) that number may already be another connection's,
// so no SSL call may follow a close.
const boost::system::error_code closed = asio::error::bad_descriptor;

// OpenSSL writes the socket with a plain send(), which raises SIGPIPE once the peer has gone
// (Asio's own sends pass MSG_NOSIGNAL; OpenSSL's cannot). Blocked in each thread that calls
// OpenSSL on a stream, the signal stays pending instead of ending the process, and the write fails
// with EPIPE. Threads only: a process embedding the emulator keeps its own disposition.
void block_sigpipe_in_this_thread() {
    thread_local const bool blocked = [] {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGPIPE);
        return pthread_sigmask(SIG_BLOCK, &set, nullptr) == 0;
    }();
    static_cast<void>(blocked);
}

// The most one SSL_write sends as one record, and so the most gathered from several buffers.
constexpr std::size_t max_record_bytes = 16 * 1024;

// Scratch for gathering Beast's buffer sequences into one record. Written and read within one
// SSL_write call, never across a wait, so one per I/O thread serves every connection.
std::span<std::byte> gather_scratch() {
    thread_local std::array<std::byte, max_record_bytes> scratch;
    return scratch;
}

}  // namespace

TlsStream::TlsStream(asio::ip::tcp::socket socket, SSL_CTX* context)
    : socket_(std::move(socket)), ssl_(SSL_new(context)) {
    if (!ssl_) throw std::runtime_error("SSL_new failed");
    // OpenSSL reads and writes the socket itself; Asio only waits for it.
    socket_.native_non_blocking(true);
    if (SSL_set_fd(ssl_.get(), static_cast<int>(socket_.native_handle())) != 1)
        throw std::runtime_error("SSL_set_fd failed");
    SSL_set_accept_state(ssl_.get());
    // A write returns after each record, and a retry may present the same bytes from elsewhere.
    SSL_set_mode(ssl_.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
}

TlsStream::TlsStream(TlsStream&&) noexcept = default;
TlsStream& TlsStream::operator=(TlsStream&&) noexcept = default;
TlsStream::~TlsStream() = default;

// SSL_get_error's verdict on `result` as what to wait for, or as an error Asio's callers know:
// eof for close_notify, stream_truncated for a socket closed without it (as Asio's ssl::stream).
TlsStream::Attempt TlsStream::outcome_of(int result) {
    const int saved_errno = errno;
    switch (SSL_get_error(ssl_.get(), result)) {
        case SSL_ERROR_WANT_READ:
            return {Want::readable, {}, 0};
        case SSL_ERROR_WANT_WRITE:
            return {Want::writable, {}, 0};
        case SSL_ERROR_ZERO_RETURN:
            return {Want::nothing, asio::error::eof, 0};
        case SSL_ERROR_SYSCALL: {
            ERR_clear_error();
            if (saved_errno != 0 && saved_errno != EAGAIN)
                return {Want::nothing, error_code(saved_errno, boost::system::system_category()),
                        0};
            return {Want::nothing, asio::ssl::error::stream_truncated, 0};
        }
        default: {
            const auto code = ERR_peek_last_error();
            ERR_clear_error();
            if (ERR_GET_REASON(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
                return {Want::nothing, asio::ssl::error::stream_truncated, 0};
            return {Want::nothing,
                    error_code(static_cast<int>(code), asio::error::get_ssl_category()), 0};
        }
    }
}

asio::awaitable<error_code> TlsStream::handshake() {
    for (;;) {
        if (!socket_.is_open()) co_return closed;
        block_sigpipe_in_this_thread();
        ERR_clear_error();
        errno = 0;
        const int result = SSL_do_handshake(ssl_.get());
        if (result == 1) co_return error_code{};
        const auto attempt = outcome_of(result);
        if (attempt.error) co_return attempt.error;
        if (const auto ec = co_await wait(attempt.want)) co_return ec;
    }
}

asio::awaitable<error_code> TlsStream::shutdown() {
    for (;;) {
        if (!socket_.is_open()) co_return closed;
        block_sigpipe_in_this_thread();
        ERR_clear_error();
        errno = 0;
        const int result = SSL_shutdown(ssl_.get());
        if (result == 1) co_return error_code{};
        if (result == 0) continue;  // ours is sent; the next call reads the peer's
        const auto attempt = outcome_of(result);
        if (attempt.error) co_return attempt.error;
        if (const auto ec = co_await wait(attempt.want)) co_return ec;
    }
}

void TlsStream::close() {
    error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
}

TlsStream::Attempt TlsStream::read(asio::mutable_buffer buffer) {
    if (!socket_.is_open()) return {Want::nothing, closed, 0};
    block_sigpipe_in_this_thread();
    auto* out = static_cast<char*>(buffer.data());
    std::size_t filled = 0;
    while (filled < buffer.size()) {
        const int chunk = static_cast<int>(std::min<std::size_t>(buffer.size() - filled, 1 << 30));
        ERR_clear_error();
        errno = 0;
        const int result = SSL_read(ssl_.get(), out + filled, chunk);
        if (result > 0) {
            filled += static_cast<std::size_t>(result);
            continue;
        }
        auto attempt = outcome_of(result);
        if (filled == 0) return attempt;
        break;  // what was read goes first; the error, if any, comes again on the next read
    }
    return {Want::nothing, {}, filled};
}

TlsStream::Attempt TlsStream::write(asio::const_buffer buffer) {
    if (!socket_.is_open()) return {Want::nothing, closed, 0};
    block_sigpipe_in_this_thread();
    const auto* in = static_cast<const char*>(buffer.data());
    std::size_t sent = 0;
    while (sent < buffer.size()) {
        const int chunk = static_cast<int>(std::min<std::size_t>(buffer.size() - sent, 1 << 30));
        ERR_clear_error();
        errno = 0;
        const int result = SSL_write(ssl_.get(), in + sent, chunk);
        if (result > 0) {
            sent += static_cast<std::size_t>(result);
            continue;
        }
        // Bytes sent go first: a wait, or an error, is for the next write, which presents the
        // rest (as OpenSSL wants a retry to).
        if (sent == 0) return outcome_of(result);
        break;
    }
    return {Want::nothing, {}, sent};
}

asio::awaitable<error_code> TlsStream::wait(Want want) {
    const auto type = want == Want::writable ? asio::ip::tcp::socket::wait_write
                                             : asio::ip::tcp::socket::wait_read;
    auto [ec] = co_await socket_.async_wait(type, use_nothrow);
    co_return ec;
}

// ---- Asio's stream operations, for Beast ----------------------------------------------------

// One attempt; then, until it finishes, a wait and another. An attempt that finishes at once is
// completed through a post, as Asio requires of an initiating function. `attempt` is a read or a
// write, retried with the same bytes.
template <class Attempting>
struct TlsStream::SomeBytes {
    TlsStream& stream;
    Attempting attempt;
    bool started = false;
    Attempt result{};

    template <class Self>
    void operator()(Self& self, error_code waited = {}) {
        if (result.want == Want::nothing && started)
            return self.complete(result.error, result.bytes);
        if (waited) return self.complete(waited, 0);
        const bool first = !started;
        started = true;
        result = attempt();
        if (result.want != Want::nothing) {
            const auto type = result.want == Want::writable ? asio::ip::tcp::socket::wait_write
                                                            : asio::ip::tcp::socket::wait_read;
            return stream.socket_.async_wait(type, std::move(self));
        }
        if (first) return asio::post(stream.socket_.get_executor(), std::move(self));
        self.complete(result.error, result.bytes);
    }
};

void TlsStream::start_read_some(asio::mutable_buffer buffer, Handler handler) {
    auto attempt = [this, buffer] { return buffer.size() == 0 ? Attempt{} : read(buffer); };
    asio::async_compose<Handler, Signature>(SomeBytes<decltype(attempt)>{*this, attempt}, handler,
                                            socket_);
}

void TlsStream::start_write_some(Gather gather, Handler handler) {
    // The first buffer as it is, or the first buffers copied into one record: a retry gathers
    // the same bytes again.
    auto attempt = [this, gather] {
        if (gather.count <= 1)
            return write(gather.count == 0 ? asio::const_buffer{} : gather.buffers[0]);
        const auto scratch = gather_scratch();
        std::size_t size = 0;
        for (std::size_t i = 0; i < gather.count && size < scratch.size(); ++i) {
            const auto n = std::min(gather.buffers[i].size(), scratch.size() - size);
            std::memcpy(scratch.data() + size, gather.buffers[i].data(), n);
            size += n;
        }
        return write({scratch.data(), size});
    };
    asio::async_compose<Handler, Signature>(SomeBytes<decltype(attempt)>{*this, attempt}, handler,
                                            socket_);
}

void teardown(boost::beast::role_type, TlsStream& stream, error_code& ec) {
    if (stream.next_layer().is_open()) {
        block_sigpipe_in_this_thread();
        ERR_clear_error();
        SSL_shutdown(stream.native_handle());
        ERR_clear_error();
    }
    stream.close();
    ec = {};
}

void start_teardown(TlsStream& stream, asio::any_completion_handler<void(error_code)> handler) {
    error_code ec;
    teardown(boost::beast::role_type::server, stream, ec);
    asio::post(stream.get_executor(),
               [handler = std::move(handler), ec]() mutable { std::move(handler)(ec); });
}

}  // namespace iotemu::broker
