// A device connection's coroutines — reader, writer, watchdog — on the connection's strand,
// carrying out what mqtt::Protocol decides. Policy questions go to the Authorizer, messages to and
// from the bus through the client's Session. A broken client ends only its own connection.
#include "broker/connection.hpp"

#include <chrono>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "broker/authorizer.hpp"
#include "broker/broker_context.hpp"
#include "common/log.hpp"
#include "common/random.hpp"
#include "mqtt/decoder.hpp"
#include "mqtt/encoder.hpp"

namespace iotemu::broker {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);
// How long a closing connection may take to flush its last packets (a CONNACK refusal, say).
constexpr std::chrono::seconds close_flush_timeout{5};

template <class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};

mqtt::Bytes to_bytes(const std::string& text) {
    const auto* begin = reinterpret_cast<const std::byte*>(text.data());
    return {begin, begin + text.size()};
}

std::string to_text(const mqtt::Bytes& bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

class Connection final : public std::enable_shared_from_this<Connection>,
                         public mqtt::ProtocolHost,
                         public SessionSink,
                         public ConnectionHandle {
public:
    Connection(TlsStream stream, std::shared_ptr<BrokerContext> context,
               const pki::X509Certificate& certificate, std::string remote)
        : stream_(std::move(stream)),
          context_(std::move(context)),
          authorizer_(context_->registry, certificate, remote),
          remote_(std::move(remote)),
          protocol_(*this, context_->options.limits),
          decoder_(context_->options.limits.max_payload_bytes + 64 * 1024),
          wake_writer_(stream_.get_executor()),
          watchdog_timer_(stream_.get_executor()) {}

    asio::awaitable<void> run() {
        auto self = shared_from_this();
        context_->connections.add(self);
        last_received_ = Clock::now();
        watchdog_timeout_ = context_->options.connect_timeout;
        asio::co_spawn(
            stream_.get_executor(), [self] { return self->writer(); }, asio::detached);
        asio::co_spawn(
            stream_.get_executor(), [self] { return self->watchdog(); }, asio::detached);
        co_await reader();
        context_->connections.remove(this);
    }

    // ---- ConnectionHandle and SessionSink: called from any thread ----------------------------

    const std::string& certificate_id() const override { return authorizer_.certificate_id(); }

    void kick(mqtt::DisconnectReason reason) override {
        asio::post(stream_.get_executor(), [self = shared_from_this(), reason] {
            self->execute(self->protocol_.close(reason));
        });
    }

    void forward(const bus::Message& message, mqtt::QoS qos) override {
        asio::post(stream_.get_executor(),
                   [self = shared_from_this(), message, qos] { self->deliver(message, qos); });
    }

    // ---- ProtocolHost: called on the strand, from inside protocol_ ----------------------------

    ConnectResult connect(const mqtt::Connect& connect) override {
        // An empty client id (clean session only, [MQTT-3.1.3-6]) gets one of ours, so sessions
        // and takeover never mix two anonymous clients.
        client_id_ = connect.client_id.empty() ? "iotemu-" + random_hex(8) : connect.client_id;
        authorizer_.set_client_id(connect.client_id);
        authorizer_.set_connect_attributes(!connect.clean_session, connect.will.has_value());
        const bool will_allowed = !connect.will || authorizer_.may_publish(connect.will->topic);
        if (!authorizer_.may_connect() || !will_allowed) {
            log::info("broker", "CONNECT of client '", connect.client_id, "' with certificate ",
                      certificate_id(), " denied by policy",
                      will_allowed ? "" : " (will topic not publishable)");
            return {std::nullopt, false};
        }
        if (auto previous = context_->connections.claim(client_id_, shared_from_this()))
            previous->kick(mqtt::DisconnectReason::duplicate_clientid);
        auto [session, present] =
            context_->connections.open_session(client_id_, connect.clean_session);
        session_ = std::move(session);
        auto waiting = session_->attach(weak_from_this());
        // Queued messages follow the CONNACK: post them behind the actions being returned.
        if (!waiting.empty())
            asio::post(stream_.get_executor(), [self = shared_from_this(), waiting] {
                for (const auto& message : waiting) self->deliver(message, message.qos);
            });
        log::info("broker", "client '", client_id_, "' connected from ", remote_,
                  " with certificate ", certificate_id(), present ? " (session resumed)" : "");
        return {mqtt::ConnectReturnCode::accepted, present};
    }

    bool authorize_publish(std::string_view topic, bool retain) override {
        const bool allowed =
            authorizer_.may_publish(topic) && (!retain || authorizer_.may_retain(topic));
        if (!allowed)
            log::info("broker", "PUBLISH by '", client_id_, "' to '", topic, "' denied by policy");
        return allowed;
    }

    void publish(const mqtt::Publish& publish) override {
        context_->bus.publish(bus::Message{publish.topic, to_text(publish.payload), publish.qos,
                                           publish.retain, client_id_, certificate_id(),
                                           epoch_millis(now())});
    }

    bool authorize_subscribe(std::string_view filter) override {
        const bool allowed = authorizer_.may_subscribe(filter);
        if (!allowed)
            log::info("broker", "SUBSCRIBE by '", client_id_, "' to '", filter,
                      "' denied by policy");
        return allowed;
    }

    std::vector<mqtt::Publish> subscribe(std::string_view filter, mqtt::QoS granted) override {
        std::vector<mqtt::Publish> retained;
        for (auto& message : context_->bus.subscribe(session_->bus_id, filter, granted)) {
            if (!authorizer_.may_receive(message.topic)) continue;
            retained.push_back(mqtt::Publish{.qos = std::min(message.qos, granted),
                                             .retain = true,
                                             .topic = std::move(message.topic),
                                             .payload = to_bytes(message.payload)});
        }
        return retained;
    }

    void unsubscribe(std::string_view filter) override {
        context_->bus.unsubscribe(session_->bus_id, filter);
    }

    void ended(mqtt::DisconnectReason reason, std::optional<mqtt::Will> will,
               std::vector<mqtt::Publish> unacknowledged) override {
        log::info("broker", "client '", client_id_, "' disconnected: ", mqtt::to_string(reason));
        if (const auto dropped = protocol_.dropped_messages())
            log::warn("broker", "client '", client_id_, "' missed ", dropped,
                      " QoS 1 messages it did not acknowledge in time");
        if (will && (!will->retain || authorizer_.may_retain(will->topic)))
            context_->bus.publish(bus::Message{will->topic, to_text(will->payload), will->qos,
                                               will->retain, client_id_, certificate_id(),
                                               epoch_millis(now())});
        if (session_) {
            std::vector<bus::Message> redeliver;
            for (auto& p : unacknowledged)
                redeliver.push_back(bus::Message{std::move(p.topic), to_text(p.payload), p.qos,
                                                 false, std::nullopt, std::nullopt, 0});
            session_->detach(this, std::move(redeliver));
            context_->connections.end_session(session_);
            context_->connections.release(client_id_, this);
        }
    }

private:
    // A bus message for this client: iot:Receive is checked at delivery
    // (docs/aws/iot-core.md §5.1), so a detached policy stops deliveries on live subscriptions.
    void deliver(const bus::Message& message, mqtt::QoS qos) {
        if (closing_ || !authorizer_.may_receive(message.topic)) return;
        execute(protocol_.deliver(message.topic, to_bytes(message.payload), qos, false));
        if (protocol_.dropped_messages() == 1 && !warned_of_drops_) {
            warned_of_drops_ = true;
            log::warn("broker", "client '", client_id_,
                      "' leaves too many QoS 1 messages unacknowledged; new ones are dropped");
        }
    }

    void execute(mqtt::Actions actions) {
        for (auto& action : actions) {
            std::visit(Overloaded{
                           [&](mqtt::SendPacket& send) {
                               mqtt::encode(send.packet, pending_);
                               wake_writer_.cancel();
                           },
                           [&](mqtt::CloseConnection&) { begin_close(); },
                           [&](mqtt::StartKeepAlive& keep_alive) {
                               watchdog_timeout_ = keep_alive.timeout;
                               watchdog_timer_.cancel();  // re-arm with the new timeout
                           },
                       },
                       action);
        }
        if (!closing_ && pending_.size() > context_->options.max_pending_write_bytes) {
            log::warn("broker", "client '", client_id_, "' reads too slowly; dropping it");
            execute(protocol_.close(mqtt::DisconnectReason::client_error));
        }
    }

    // Idempotent. The writer flushes what is pending and closes the socket; the watchdog closes
    // it anyway after close_flush_timeout, so a client that stops reading cannot hold it open.
    void begin_close() {
        if (closing_) return;
        closing_ = true;
        wake_writer_.cancel();
        watchdog_timer_.cancel();
    }

    void close_socket() {
        socket_closed_ = true;
        boost::system::error_code ignored;
        stream_.lowest_layer().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        stream_.lowest_layer().close(ignored);
    }

    asio::awaitable<void> reader() {
        while (!closing_) {
            const auto space = decoder_.prepare(16 * 1024);
            auto [ec, n] = co_await stream_.async_read_some(
                asio::buffer(space.data(), space.size()), use_nothrow);
            if (ec) {
                execute(protocol_.close(mqtt::DisconnectReason::connection_lost));
                begin_close();
                co_return;
            }
            last_received_ = Clock::now();
            decoder_.commit(n);
            while (!closing_) {
                auto result = decoder_.next();
                if (std::holds_alternative<mqtt::NeedMore>(result)) break;
                if (auto* error = std::get_if<mqtt::DecodeError>(&result)) {
                    log::info("broker", "malformed packet from '", client_id_, "' (", remote_,
                              "): ", error->message);
                    execute(protocol_.close(mqtt::DisconnectReason::client_error));
                    break;
                }
                execute(protocol_.on_packet(std::move(std::get<mqtt::Packet>(result))));
            }
        }
    }

    // Writes whatever accumulated while the previous write was in flight, in one go; after a
    // close it flushes what is left (a CONNACK refusal, say) and then closes the socket.
    asio::awaitable<void> writer() {
        std::vector<std::byte> writing;
        for (;;) {
            if (pending_.empty()) {
                if (closing_) break;
                wake_writer_.expires_at(Clock::time_point::max());
                co_await wake_writer_.async_wait(use_nothrow);
                continue;
            }
            writing.swap(pending_);
            auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(writing), use_nothrow);
            writing.clear();
            if (ec) {
                execute(protocol_.close(mqtt::DisconnectReason::connection_lost));
                break;
            }
        }
        // Closing the socket ends the reader's pending read. No TLS close_notify: AWS drops.
        close_socket();
        watchdog_timer_.cancel();  // its flush deadline is moot
    }

    // Before CONNECT: the connect timeout. After: 1.5 × keep-alive since the last byte received.
    asio::awaitable<void> watchdog() {
        while (!closing_) {
            const auto deadline = last_received_ + watchdog_timeout_;
            if (Clock::now() >= deadline) {
                execute(protocol_.connected()
                            ? protocol_.on_keep_alive_expired()
                            : protocol_.close(mqtt::DisconnectReason::client_error));
                break;
            }
            watchdog_timer_.expires_at(deadline);
            co_await watchdog_timer_.async_wait(use_nothrow);
        }
        if (socket_closed_) co_return;
        watchdog_timer_.expires_after(close_flush_timeout);
        auto [ec] = co_await watchdog_timer_.async_wait(use_nothrow);
        if (!ec) close_socket();  // the writer is stuck on a client that does not read
    }

    TlsStream stream_;
    std::shared_ptr<BrokerContext> context_;
    Authorizer authorizer_;
    std::string remote_;
    std::string client_id_;
    mqtt::Protocol protocol_;
    mqtt::Decoder decoder_;
    std::shared_ptr<Session> session_;
    std::vector<std::byte> pending_;
    asio::steady_timer wake_writer_;
    asio::steady_timer watchdog_timer_;
    Clock::time_point last_received_;
    Clock::duration watchdog_timeout_{};
    bool closing_ = false;
    bool socket_closed_ = false;
    bool warned_of_drops_ = false;
};

}  // namespace

asio::awaitable<void> serve_mqtt(TlsStream stream, std::shared_ptr<BrokerContext> context,
                                 pki::X509Certificate certificate, std::string remote) {
    auto connection = std::make_shared<Connection>(std::move(stream), std::move(context),
                                                   certificate, std::move(remote));
    co_await connection->run();
}

}  // namespace iotemu::broker
