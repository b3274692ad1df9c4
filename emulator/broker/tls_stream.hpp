// TlsStream: the server side of one TLS connection, with OpenSSL reading and writing the
// non-blocking socket itself and Asio only saying when the socket is ready. Unlike Asio's
// ssl::stream it keeps no buffers of its own (no engine buffers, no BIO pair), and with
// SSL_MODE_RELEASE_BUFFERS OpenSSL frees its record buffers between records, so an idle connection
// holds no read or write buffer at all. The broker's MQTT connections use its coroutine calls;
// Beast (HTTPS, WebSocket) uses it as an Asio stream. I/O layer; internal to the broker.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <tuple>
#include <utility>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/system/error_code.hpp>
#include <openssl/ssl.h>

#include "pki/ossl.hpp"

namespace iotemu::broker {

class TlsStream {
public:
    using executor_type = boost::asio::any_io_executor;
    // What an attempt that did not finish waits for.
    enum class Want { nothing, readable, writable };
    struct Attempt {
        Want want = Want::nothing;
        boost::system::error_code error;
        std::size_t bytes = 0;
    };

    // A server-side TLS session of `context` over `socket` (made non-blocking). Throws when
    // OpenSSL cannot make one.
    TlsStream(boost::asio::ip::tcp::socket socket, SSL_CTX* context);
    TlsStream(TlsStream&&) noexcept;
    TlsStream& operator=(TlsStream&&) noexcept;
    ~TlsStream();

    executor_type get_executor() { return socket_.get_executor(); }
    // As Asio's ssl::stream: the layer below, where Beast closes a connection that timed out.
    using next_layer_type = boost::asio::ip::tcp::socket;
    next_layer_type& next_layer() { return socket_; }
    SSL* native_handle() const { return ssl_.get(); }

    // The whole handshake.
    boost::asio::awaitable<boost::system::error_code> handshake();
    // Sends close_notify and waits for the peer's.
    boost::asio::awaitable<boost::system::error_code> shutdown();
    // Closes the socket at once, without close_notify.
    void close();

    // Without waiting: decrypts what has arrived into `buffer` (several records, until it is
    // full or the socket is drained). Bytes read come with no error; an error comes only when
    // nothing was read. The end of the stream is asio::error::eof (close_notify) or
    // ssl::error::stream_truncated (the socket closed without it).
    Attempt read(boost::asio::mutable_buffer buffer);
    // Without waiting: encrypts and sends as much of `buffer` as the socket takes. Bytes sent come
    // with no error; a wait or an error comes only when nothing was sent, and the retry after a
    // wait must present the same bytes again (from anywhere: they may have moved).
    Attempt write(boost::asio::const_buffer buffer);
    // Until the socket is ready for `want`.
    boost::asio::awaitable<boost::system::error_code> wait(Want want);

    // Asio's AsyncReadStream and AsyncWriteStream, for Beast: as Asio's ssl::stream, some bytes
    // into the first non-empty buffer, some bytes from the first buffers (gathered, up to one
    // record).
    template <class MutableBufferSequence, class Token>
    auto async_read_some(const MutableBufferSequence& buffers, Token&& token) {
        return boost::asio::async_initiate<Token, Signature>(
            [this](auto handler, boost::asio::mutable_buffer buffer) {
                start_read_some(buffer, std::move(handler));
            },
            token, first_non_empty(buffers));
    }
    template <class ConstBufferSequence, class Token>
    auto async_write_some(const ConstBufferSequence& buffers, Token&& token) {
        return boost::asio::async_initiate<Token, Signature>(
            [this](auto handler, Gather gather) { start_write_some(gather, std::move(handler)); },
            token, gather_of(buffers));
    }

private:
    using Signature = void(boost::system::error_code, std::size_t);
    using Handler = boost::asio::any_completion_handler<Signature>;
    struct Gather {
        std::array<boost::asio::const_buffer, 8> buffers;
        std::size_t count = 0;
    };

    template <class BufferSequence>
    static boost::asio::mutable_buffer first_non_empty(const BufferSequence& buffers) {
        for (auto it = boost::asio::buffer_sequence_begin(buffers);
             it != boost::asio::buffer_sequence_end(buffers); ++it)
            if (boost::asio::mutable_buffer buffer(*it); buffer.size() > 0) return buffer;
        return {};
    }
    template <class BufferSequence>
    static Gather gather_of(const BufferSequence& buffers) {
        Gather gather;
        for (auto it = boost::asio::buffer_sequence_begin(buffers);
             it != boost::asio::buffer_sequence_end(buffers) &&
             gather.count < gather.buffers.size();
             ++it)
            if (boost::asio::const_buffer buffer(*it); buffer.size() > 0)
                gather.buffers[gather.count++] = buffer;
        return gather;
    }

    void start_read_some(boost::asio::mutable_buffer buffer, Handler handler);
    void start_write_some(Gather gather, Handler handler);
    Attempt outcome_of(int result);

    template <class Attempting>
    struct SomeBytes;

    boost::asio::ip::tcp::socket socket_;
    pki::SslPtr ssl_;
};

// Beast's WebSocket stream ends a connection through these (found by argument-dependent lookup):
// close_notify if the socket takes it at once, then the socket closed.
void teardown(boost::beast::role_type role, TlsStream& stream, boost::system::error_code& ec);
void start_teardown(TlsStream& stream,
                    boost::asio::any_completion_handler<void(boost::system::error_code)> handler);
template <class TeardownHandler>
void async_teardown(boost::beast::role_type, TlsStream& stream, TeardownHandler&& handler) {
    start_teardown(stream, std::forward<TeardownHandler>(handler));
}

}  // namespace iotemu::broker
