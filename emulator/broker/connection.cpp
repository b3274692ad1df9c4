// A device connection's coroutines — reader, writer, watchdog — on the connection's strand,
// carrying out what mqtt::Protocol decides, in the MQTT version its CONNECT chose. Policy
// questions go to the Authorizer, messages to and from the bus through the client's Session, and
// the connection's lifecycle events to the bus. A broken client ends only its own connection.
#include "broker/connection.hpp"

#include <chrono>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "broker/authorizer.hpp"
#include "broker/broker_context.hpp"
#include "broker/events.hpp"
#include "broker/transport.hpp"
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
// Write buffers bigger than this, left from a burst, are freed once the writer has nothing to do,
// so an idle connection holds no burst's worth of memory.
constexpr std::size_t idle_write_capacity = 16 * 1024;

void release_if_large(std::vector<std::byte>& buffer) {
    if (buffer.capacity() > idle_write_capacity) std::vector<std::byte>().swap(buffer);
}

template <class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};
// Spelled out for clang 14 (the fuzz build), which does not deduce an aggregate's arguments.
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

mqtt::Bytes to_bytes(const std::string& text) {
    const auto* begin = reinterpret_cast<const std::byte*>(text.data());
    return {begin, begin + text.size()};
}

std::string to_text(const mqtt::Bytes& bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// A bus message as the PUBLISH that delivers it: its properties with the message expiry counted
// down to `now_ms` (docs/aws/data-plane.md §1.3).
mqtt::Publish publish_of(const bus::Message& message, mqtt::QoS qos, bool retain,
                         std::int64_t now_ms) {
    mqtt::Publish publish{
        .qos = qos, .retain = retain, .topic = message.topic, .payload = to_bytes(message.payload)};
    if (message.properties.empty()) return publish;  // 3.1.1's every message: nothing to copy
    publish.properties = message.properties;
    if (publish.properties.message_expiry_interval)
        publish.properties.message_expiry_interval = message.expiry_left_at(now_ms);
    return publish;
}

class Connection final : public std::enable_shared_from_this<Connection>,
                         public mqtt::ProtocolHost,
                         public SessionSink,
                         public ConnectionHandle {
public:
    Connection(std::unique_ptr<Transport> transport, std::shared_ptr<BrokerContext> context,
               Authorizer authorizer, std::string remote)
        : transport_(std::move(transport)),
          context_(std::move(context)),
          authorizer_(std::move(authorizer)),
          remote_(std::move(remote)),
          protocol_(*this, context_->options.limits),
          decoder_(context_->options.limits.max_packet_bytes),
          wake_writer_(transport_->executor()),
          watchdog_timer_(transport_->executor()) {}

    asio::awaitable<void> run() {
        auto self = shared_from_this();
        context_->connections.add(self);
        last_received_ = Clock::now();
        watchdog_timeout_ = context_->options.connect_timeout;
        asio::co_spawn(
            transport_->executor(), [self] { return self->writer(); }, asio::detached);
        asio::co_spawn(
            transport_->executor(), [self] { return self->watchdog(); }, asio::detached);
        co_await reader();
        context_->connections.remove(this);
    }

    // ---- ConnectionHandle and SessionSink: called from any thread ----------------------------

    const std::string& certificate_id() const override { return authorizer_.certificate_id(); }

    void kick(mqtt::DisconnectReason reason) override {
        asio::post(transport_->executor(), [self = shared_from_this(), reason] {
            self->execute(self->protocol_.close(reason));
        });
    }

    void forward(const bus::Message& message, mqtt::QoS qos, bool retain) override {
        asio::post(transport_->executor(), [self = shared_from_this(), message, qos, retain] {
            self->deliver(message, qos, retain);
        });
    }

    // ---- ProtocolHost: called on the strand, from inside protocol_ ----------------------------

    ConnectResult connect(const mqtt::Connect& connect, const SessionRequest& request) override {
        // A client that sent no client id gets one of ours, so sessions and takeover never mix
        // two anonymous clients (MQTT 5 tells it in CONNACK).
        client_id_ = connect.client_id.empty() ? "iotemu-" + random_hex(8) : connect.client_id;
        presence_ = {client_id_, random_uuid(), authorizer_.principal_identifier(), remote_, 0};
        authorizer_.set_client_id(connect.client_id);
        authorizer_.set_connect_attributes(request.expiry_seconds > 0, connect.will.has_value());
        const bool will_allowed = !connect.will || authorizer_.may_publish(connect.will->topic);
        if (!authorizer_.may_connect() || !will_allowed) {
            log::info("broker", "CONNECT of client '", connect.client_id, "' as ",
                      authorizer_.principal_identifier(), " denied by policy",
                      will_allowed ? "" : " (will topic not publishable)");
            publish_event(connect_failed_event(presence_, now()));
            context_->options.journal->record(
                "connect.refused",
                {{"clientId", client_id_},
                 {"certificateId", certificate_id()},
                 {"reason", will_allowed ? "not authorized: iot:Connect"
                                         : "not authorized: iot:Publish on the will topic"},
                 {"remote", remote_}});
            return {mqtt::ReasonCode::not_authorized};
        }
        auto connected = context_->connections.connect(
            client_id_, shared_from_this(), weak_from_this(), request, epoch_millis(now()));
        if (connected.displaced)
            connected.displaced->kick(mqtt::DisconnectReason::duplicate_clientid);
        session_ = std::move(connected.session);
        presence_.version_number = connected.version_number;
        // Queued messages follow the CONNACK: post them behind the actions being returned.
        if (!connected.waiting.empty())
            asio::post(transport_->executor(),
                       [self = shared_from_this(), waiting = std::move(connected.waiting)] {
                           for (const auto& message : waiting)
                               self->deliver(message, message.qos, message.retain);
                       });
        log::info("broker", "client '", client_id_, "' connected from ", remote_, " as ",
                  authorizer_.principal_identifier(), " over MQTT ",
                  request.version == mqtt::ProtocolVersion::v5 ? "5" : "3.1.1",
                  connected.present ? " (session resumed)" : "");
        publish_event(connected_event(presence_, now()));
        context_->options.journal->record(
            "connect.accepted",
            {{"clientId", client_id_},
             {"certificateId", certificate_id()},
             {"protocol", request.version == mqtt::ProtocolVersion::v5 ? "5" : "3.1.1"},
             {"sessionPresent", std::int64_t{connected.present}},
             {"remote", remote_}});
        return {mqtt::ReasonCode::success, connected.present,
                connect.client_id.empty() ? client_id_ : std::string()};
    }

    bool authorize_publish(std::string_view topic, bool retain) override {
        const bool allowed =
            authorizer_.may_publish(topic) && (!retain || authorizer_.may_retain(topic));
        if (!allowed)
            log::info("broker", "PUBLISH by '", client_id_, "' to '", topic, "' denied by policy");
        return allowed;
    }

    void publish(const mqtt::Publish& publish) override {
        if (auto* api = context_->api_for(publish.topic)) return ask(*api, publish);
        context_->bus.publish(message_of(publish.topic, publish.payload, publish.qos,
                                         publish.retain, publish.properties));
    }

    bool authorize_subscribe(std::string_view filter) override {
        const bool allowed = authorizer_.may_subscribe(filter);
        if (!allowed)
            log::info("broker", "SUBSCRIBE by '", client_id_, "' to '", filter,
                      "' denied by policy");
        return allowed;
    }

    SubscribeResult subscribe(const mqtt::Subscription& subscription, mqtt::QoS granted) override {
        const mqtt::SubscriptionOptions options{granted, subscription.no_local,
                                                subscription.retain_as_published};
        auto subscribed = context_->bus.subscribe(session_->bus_id, subscription.filter, options);
        session_->subscribed(subscription.filter, options);
        SubscribeResult result{.existed = subscribed.existed};
        const auto now_ms = epoch_millis(now());
        for (auto& message : subscribed.retained) {
            if (message.expired_at(now_ms) || !authorizer_.may_receive(message.topic)) continue;
            result.retained.push_back(publish_of(message, message.qos, true, now_ms));
        }
        return result;
    }

    void unsubscribe(std::string_view filter) override {
        context_->bus.unsubscribe(session_->bus_id, filter);
        session_->unsubscribed(filter);
    }

    std::size_t subscription_count() const override {
        return context_->bus.subscription_count(session_->bus_id);
    }

    void subscribed(const std::vector<std::string>& filters) override {
        publish_event(subscriptions_event(presence_, true, filters, now()));
    }

    void unsubscribed(const std::vector<std::string>& filters) override {
        publish_event(subscriptions_event(presence_, false, filters, now()));
    }

    void ended(Ending ending) override {
        log::info("broker", "client '", client_id_,
                  "' disconnected: ", mqtt::to_string(ending.reason));
        if (const auto dropped = protocol_.dropped_messages())
            log::warn("broker", "client '", client_id_, "' missed ", dropped,
                      " QoS 1 messages it did not acknowledge in time");
        if (ending.will) publish_will(std::move(*ending.will), ending.session_expiry_seconds);
        // Already routed: they go back to the session as they are, its expiry counting on.
        const auto now_ms = epoch_millis(now());
        std::vector<bus::Message> redeliver;
        for (auto& p : ending.unacknowledged) {
            bus::Message message;
            message.topic = std::move(p.topic);
            message.payload = to_text(p.payload);
            message.qos = p.qos;
            message.timestamp_ms = now_ms;
            message.properties = std::move(p.properties);
            redeliver.push_back(std::move(message));
        }
        context_->connections.disconnect(client_id_, this, session_, this, std::move(redeliver),
                                         ending.session_expiry_seconds, now_ms);
        publish_event(disconnected_event(presence_, ending.reason, now()));
        context_->options.journal->record("disconnect",
                                          {{"clientId", client_id_},
                                           {"certificateId", certificate_id()},
                                           {"reason", std::string(mqtt::to_string(ending.reason))},
                                           {"remote", remote_}});
    }

private:
    bus::Message message_of(const std::string& topic, const mqtt::Bytes& payload, mqtt::QoS qos,
                            bool retain, const mqtt::MessageProperties& properties) const {
        bus::Message message{topic,
                             to_text(payload),
                             qos,
                             retain,
                             client_id_,
                             authorizer_.principal_identifier(),
                             epoch_millis(now())};
        if (!properties.empty()) message.properties = properties;
        message.publisher = session_ ? session_->bus_id : 0;
        return message;
    }

    // A request to one of AWS's MQTT APIs: its replies come back to this client alone, through
    // its session's subscriptions (queued if it is offline with a persistent session).
    void ask(MqttApi& api, const mqtt::Publish& publish) {
        api.handle({publish.topic, to_text(publish.payload), client_id_, certificate_id()},
                   [context = context_, bus_id = session_->bus_id,
                    client_id = client_id_](MqttApi::Reply reply) {
                       bus::Message message{std::move(reply.topic),
                                            std::move(reply.payload),
                                            mqtt::QoS::at_least_once,
                                            false,
                                            std::nullopt,
                                            std::nullopt,
                                            epoch_millis(now())};
                       if (!context->bus.deliver_to(bus_id, message))
                           log::info("broker", "reply on '", message.topic, "' for client '",
                                     client_id, "' dropped: it is not subscribed to it");
                   });
    }

    void publish_event(bus::Message event) {
        if (has_lifecycle_events(presence_.client_id)) context_->bus.publish(event);
    }

    // The will, unless its topic stopped being publishable with RETAIN. An MQTT 5 Will Delay
    // Interval holds it back, no longer than the session lasts (MQTT 5 §3.1.3.2.2); the client
    // connecting again within it calls it off.
    void publish_will(mqtt::Will will, std::uint32_t session_expiry_seconds) {
        if (will.retain && !authorizer_.may_retain(will.topic)) return;
        auto message = message_of(will.topic, will.payload, will.qos, will.retain, will.properties);
        message.publisher = 0;
        const auto delay = std::min(will.delay_interval.value_or(0), session_expiry_seconds);
        if (delay == 0) {
            context_->bus.publish(message);
            return;
        }
        const auto token = context_->connections.defer_will(client_id_);
        auto timer = std::make_shared<asio::steady_timer>(transport_->executor(),
                                                          std::chrono::seconds{delay});
        timer->async_wait([timer, context = context_, client_id = client_id_, token,
                           message = std::move(message)](boost::system::error_code ec) mutable {
            if (ec || !context->connections.take_deferred_will(client_id, token)) return;
            message.timestamp_ms = epoch_millis(now());  // its expiry counts from now
            context->bus.publish(message);
        });
    }

    // A bus message for this client: iot:Receive is checked at delivery
    // (docs/aws/iot-core.md §5.1), so a detached policy stops deliveries on live subscriptions.
    void deliver(const bus::Message& message, mqtt::QoS qos, bool retain) {
        if (closing_ || !authorizer_.may_receive(message.topic)) return;
        const auto now_ms = message.properties.message_expiry_interval ? epoch_millis(now()) : 0;
        if (message.expired_at(now_ms)) return;
        execute(protocol_.deliver(publish_of(message, qos, retain, now_ms)));
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
                               mqtt::encode(send.packet, protocol_.version(), pending_);
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
        transport_->close();
    }

    // The bytes read are lent (by the transport, to the decoder) until the next co_await: what
    // is left of them after decoding, at most one unfinished packet, is all the decoder keeps.
    asio::awaitable<void> reader() {
        while (!closing_) {
            auto [ec, bytes] = co_await transport_->read();
            if (ec) {
                execute(protocol_.close(transport_->closed_by_client(ec)
                                            ? mqtt::DisconnectReason::client_initiated_disconnect
                                            : mqtt::DisconnectReason::connection_lost));
                begin_close();
                co_return;
            }
            last_received_ = Clock::now();
            decoder_.feed(bytes);
            while (!closing_) {
                auto result = decoder_.next();
                if (std::holds_alternative<mqtt::NeedMore>(result)) break;
                if (auto* error = std::get_if<mqtt::DecodeError>(&result)) {
                    log::info("broker", "malformed packet from '", client_id_, "' (", remote_,
                              "): ", error->message);
                    execute(protocol_.on_decode_error(*error, decoder_.version()));
                    break;
                }
                execute(protocol_.on_packet(std::move(std::get<mqtt::Packet>(result))));
            }
        }
    }

    // Writes whatever accumulated while the previous write was in flight, in one go; after a
    // close it flushes what is left (a CONNACK refusal, a DISCONNECT) and then closes the socket.
    asio::awaitable<void> writer() {
        std::vector<std::byte> writing;
        for (;;) {
            if (pending_.empty()) {
                if (closing_) break;
                release_if_large(writing);
                release_if_large(pending_);
                wake_writer_.expires_at(Clock::time_point::max());
                co_await wake_writer_.async_wait(use_nothrow);
                continue;
            }
            writing.swap(pending_);
            auto [ec, n] = co_await transport_->write(asio::buffer(writing));
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

    std::unique_ptr<Transport> transport_;
    std::shared_ptr<BrokerContext> context_;
    Authorizer authorizer_;
    std::string remote_;
    std::string client_id_;
    Presence presence_;
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

asio::awaitable<void> serve_mqtt(std::unique_ptr<Transport> transport,
                                 std::shared_ptr<BrokerContext> context, Authorizer authorizer,
                                 std::string remote) {
    auto connection = std::make_shared<Connection>(std::move(transport), std::move(context),
                                                   std::move(authorizer), std::move(remote));
    co_await connection->run();
}

}  // namespace iotemu::broker
