// TLS set-up, accept loops, and after each handshake the choice of protocol (by port and ALPN,
// docs/aws/iot-core.md §6.1) and, for MQTT, the connect-time onboarding decision (§3.4). The
// decision itself is the registry's (onboarding.cpp); HTTPS decides per request
// (https_gateway.cpp).
#include "broker/broker.hpp"

#include <cstring>
#include <stdexcept>
#include <string_view>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <openssl/ssl.h>

#include "broker/authorizer.hpp"
#include "broker/connection.hpp"
#include "broker/https_session.hpp"
#include "broker/onboarding.hpp"
#include "broker/tls_stream.hpp"
#include "broker/transport.hpp"
#include "common/log.hpp"
#include "common/time.hpp"

namespace iotemu::broker {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

constexpr std::string_view mqtt_alpn = "x-amzn-mqtt-ca";
constexpr std::string_view http_alpn = "x-amzn-http-ca";
constexpr std::string_view plain_http_alpn = "http/1.1";

// AWS's port 443 serves its clients by ALPN (docs/aws/iot-core.md §6.1, docs/aws/data-plane.md
// §2.1): x-amzn-mqtt-ca is MQTT, x-amzn-http-ca the HTTPS data plane, and http/1.1 or no ALPN at
// all HTTPS too, where MQTT over WebSocket is upgraded from. The first protocol offered that is one
// of these is chosen; a client offering only others is refused in the handshake.
int select_alpn(SSL*, const unsigned char** out, unsigned char* out_length,
                const unsigned char* offered, unsigned int offered_length, void*) {
    for (unsigned i = 0; i < offered_length;) {
        const unsigned length = offered[i];
        const auto* name = offered + i + 1;
        if (i + 1 + length > offered_length) break;
        const std::string_view protocol(reinterpret_cast<const char*>(name), length);
        if (protocol == mqtt_alpn || protocol == http_alpn || protocol == plain_http_alpn) {
            *out = name;
            *out_length = static_cast<unsigned char>(length);
            return SSL_TLSEXT_ERR_OK;
        }
        i += 1 + length;
    }
    return SSL_TLSEXT_ERR_ALERT_FATAL;
}

std::string_view negotiated_alpn(SSL* ssl) {
    const unsigned char* selected = nullptr;
    unsigned length = 0;
    SSL_get0_alpn_selected(ssl, &selected, &length);
    return {reinterpret_cast<const char*>(selected), selected ? length : 0};
}

enum class Protocol { mqtt, https };

Protocol protocol_of(Listener listener, SSL* ssl) {
    switch (listener) {
        case Listener::mqtt:
            return Protocol::mqtt;
        case Listener::https:
            return Protocol::https;
        case Listener::alpn:
            break;
    }
    return negotiated_alpn(ssl) == mqtt_alpn ? Protocol::mqtt : Protocol::https;
}

// Any client certificate completes the handshake: whether it may connect is the registry's
// decision, made right after (a dropped connection before CONNACK is how AWS refuses, §3.3), so
// OpenSSL does not build or check a chain at all (a tenth of a connect's CPU). It still checks that
// the client holds the certificate's key (TLS CertificateVerify). The MQTT port also requires a
// certificate in the handshake; the others only ask for one, as HTTPS decides per request.
int accept_any_chain(X509_STORE_CTX*, void*) { return 1; }

std::shared_ptr<ssl::context> make_tls_context(const ServerCredentials& credentials,
                                               Listener listener) {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                         ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    context->use_certificate_chain(asio::buffer(credentials.certificate_pem));
    context->use_private_key(asio::buffer(credentials.private_key_pem), ssl::context::pem);
    SSL_CTX* native = context->native_handle();
    const int verify = listener == Listener::mqtt
                           ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT
                           : SSL_VERIFY_PEER;
    SSL_CTX_set_verify(native, verify, nullptr);
    SSL_CTX_set_cert_verify_callback(native, accept_any_chain, nullptr);
    // OpenSSL frees a connection's record buffers between records: with TlsStream, which keeps
    // none of its own, an idle connection holds no read or write buffer (bench/README.md).
    SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
    // AWS's endpoints do not renegotiate; nor does the stream expect a read to need a write.
    SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION);
    // No session resumption: every connect is a full handshake, which is what the device clients
    // we know of do anyway. OpenSSL's defaults would cost each handshake two TLS 1.3 session
    // tickets (each a copy of the session with the client's certificate, encoded and encrypted)
    // and keep TLS 1.2 sessions in a cache that holds up to 20,000 of them (bench/README.md).
    SSL_CTX_set_num_tickets(native, 0);
    SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(native, SSL_OP_NO_TICKET);
    if (listener == Listener::alpn) SSL_CTX_set_alpn_select_cb(native, select_alpn, nullptr);
    return context;
}

// The client's own certificate, as the registry's chain (empty without one). What the client
// sent after it (its CA, docs/aws/iot-core.md §3.2) is not consulted by the registry, so it is not
// parsed.
std::vector<pki::X509Certificate> peer_certificate(SSL* ssl) {
    std::vector<pki::X509Certificate> chain;
    if (X509* leaf = SSL_get0_peer_certificate(ssl))
        chain.push_back(pki::X509Certificate::from_native(leaf));
    return chain;
}

std::string remote_address(const tcp::socket& socket) {
    boost::system::error_code ec;
    const auto endpoint = socket.remote_endpoint(ec);
    return ec ? "?" : endpoint.address().to_string();
}

}  // namespace

struct Broker::Impl {
    std::shared_ptr<BrokerContext> context;
    ServerCredentials credentials;  // each listener makes its TLS context from them
};

namespace {

// The TLS handshake, or timed_out once `timeout` passes. A coroutine of its own, so the timer and
// the race are freed when it ends, not kept for the connection's whole life by serve()'s frame.
asio::awaitable<boost::system::error_code> handshake_within(TlsStream& stream,
                                                            std::chrono::seconds timeout) {
    asio::steady_timer deadline(stream.get_executor(), timeout);
    auto outcome = co_await (stream.handshake() || deadline.async_wait(use_nothrow));
    if (outcome.index() == 1) co_return asio::error::timed_out;
    co_return std::get<0>(outcome);
}

// TLS handshake under a deadline, then the protocol: MQTT after the registry's verdict on the
// certificate (docs/aws/iot-core.md §3.4), HTTPS with the certificate judged per request.
asio::awaitable<void> serve(tcp::socket socket, std::shared_ptr<ssl::context> tls,
                            Listener listener, std::shared_ptr<BrokerContext> context) {
    const auto remote = remote_address(socket);
    TlsStream stream(std::move(socket), tls->native_handle());
    if (const auto ec = co_await handshake_within(stream, context->options.handshake_timeout)) {
        if (ec == asio::error::timed_out)
            log::info("broker", "TLS handshake from ", remote, " timed out");
        else
            log::info("broker", "TLS handshake from ", remote, " failed: ", ec.message());
        co_return;
    }
    auto chain = peer_certificate(stream.native_handle());
    switch (protocol_of(listener, stream.native_handle())) {
        case Protocol::mqtt:
            if (admit_device(*context, chain, remote))
                co_await serve_mqtt(tls_transport(std::move(stream)), context,
                                    Authorizer(context->registry, chain.front(), remote), remote);
            co_return;
        case Protocol::https:
            co_await serve_https(std::move(stream), context, std::move(chain), remote);
            co_return;
    }
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, std::shared_ptr<ssl::context> tls,
                                  Listener listener, std::shared_ptr<BrokerContext> context) {
    for (;;) {
        auto [ec, socket] =
            co_await acceptor.async_accept(asio::make_strand(acceptor.get_executor()), use_nothrow);
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        if (ec) {
            log::warn("broker", "accept failed: ", ec.message());
            continue;
        }
        // Without TCP_NODELAY each TLS 1.3 connect stalls ~40 ms (bench/README.md).
        socket.set_option(tcp::no_delay(true), ec);
        auto executor = socket.get_executor();
        asio::co_spawn(executor, serve(std::move(socket), tls, listener, context),
                       [](std::exception_ptr failure) {
                           if (!failure) return;
                           try {
                               std::rethrow_exception(failure);
                           } catch (const std::exception& e) {
                               log::error("broker", "connection ended by an error: ", e.what());
                           }
                       });
    }
}

}  // namespace

Broker::Broker(registry::Registry& registry, bus::Bus& bus, const ServerCredentials& credentials,
               BrokerOptions options, std::unique_ptr<SessionStorage> sessions)
    : impl_(std::make_shared<Impl>()) {
    impl_->context = std::make_shared<BrokerContext>(registry, bus, options, std::move(sessions));
    if (const auto restored = impl_->context->connections.restore(epoch_millis(now())))
        log::info("broker", restored, " persistent sessions restored");
    impl_->credentials = credentials;
    // A certificate that leaves ACTIVE loses its connections (docs/aws/iot-core.md §2.2:
    // "disconnects devices"), with AUTH_ERROR (docs/aws/data-plane.md §1.4).
    std::weak_ptr<BrokerContext> weak = impl_->context;
    registry.on_certificate_change([weak](const model::Certificate& certificate, bool deleted) {
        const auto context = weak.lock();
        if (!context || (!deleted && certificate.status == model::CertificateStatus::active))
            return;
        for (const auto& connection : context->connections.using_certificate(certificate.id))
            connection->kick(mqtt::DisconnectReason::auth_error);
    });
}

Broker::~Broker() = default;

void Broker::add_api(std::shared_ptr<MqttApi> api) {
    impl_->context->apis.push_back(std::move(api));
}

void Broker::reset() {
    for (const auto& connection : impl_->context->connections.reset())
        connection->kick(mqtt::DisconnectReason::server_initiated_disconnect);
}

void Broker::serve_shadows(shadow::Service& shadows) { impl_->context->shadows = &shadows; }

void Broker::listen(tcp::acceptor& acceptor, Listener listener) {
    asio::co_spawn(acceptor.get_executor(),
                   accept_loop(acceptor, make_tls_context(impl_->credentials, listener), listener,
                               impl_->context),
                   asio::detached);
}

}  // namespace iotemu::broker
