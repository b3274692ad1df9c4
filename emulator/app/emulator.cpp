// Wiring only: each piece is built by its own module; this file decides who gets what.
// One I/O thread (io_context{1}, like mosquitto) plus a worker pool for blocking work.
#include "app/emulator.hpp"

#include <algorithm>
#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>

#include "api/iot_service.hpp"
#include "api/router.hpp"
#include "app/server_identity.hpp"
#include "broker/broker.hpp"
#include "bus/bus.hpp"
#include "common/log.hpp"
#include "http_server/http_server.hpp"
#include "registry/registry.hpp"

namespace iotemu::app {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

tcp::endpoint endpoint_for(const std::string& host, std::uint16_t port) {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
    if (ec) throw std::runtime_error("--host '" + host + "' is not an IP address");
    return {address, port};
}

// Opens and binds; `listen` is left to the service that will accept on it. A port bound but not
// yet listening refuses connections at once instead of letting them hang.
tcp::acceptor bind_port(asio::io_context& io, const tcp::endpoint& endpoint,
                        std::string_view what) {
    tcp::acceptor acceptor(io);
    boost::system::error_code ec;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (ec)
        throw std::runtime_error("cannot bind the " + std::string(what) + " port " +
                                 std::to_string(endpoint.port()) + ": " + ec.message());
    return acceptor;
}

}  // namespace

struct Emulator::Impl {
    asio::io_context io{1};
    asio::thread_pool workers{2};
    asio::signal_set signals{io, SIGINT, SIGTERM};
    tcp::acceptor api_acceptor;
    tcp::acceptor mqtt_acceptor;
    std::optional<tcp::acceptor> alpn_acceptor;
    tcp::acceptor https_acceptor;  // bound now; the HTTPS data plane will listen on it
    ServerIdentity identity;
    registry::Registry registry;
    bus::Bus bus;
    broker::Broker broker;
    api::Router router;
    Endpoints endpoints;

    explicit Impl(const Options& options)
        : api_acceptor(bind_port(io, endpoint_for(options.host, options.api_port), "API")),
          mqtt_acceptor(bind_port(io, endpoint_for(options.host, options.mqtt_port), "MQTT")),
          https_acceptor(bind_port(io, endpoint_for(options.host, options.https_port), "HTTPS")),
          identity(load_or_create_server_identity(options.data_dir, host_names(options.host))),
          registry(model::Account{options.region, options.account_id}, identity.ca),
          broker(registry, bus,
                 {identity.server_certificate.to_pem(), identity.server_key.to_pem()}) {
        if (options.alpn_port)
            alpn_acceptor.emplace(
                bind_port(io, endpoint_for(options.host, *options.alpn_port), "ALPN MQTT"));
        endpoints = Endpoints{
            options.host,
            api_acceptor.local_endpoint().port(),
            mqtt_acceptor.local_endpoint().port(),
            https_acceptor.local_endpoint().port(),
            alpn_acceptor ? std::optional(alpn_acceptor->local_endpoint().port()) : std::nullopt,
            identity.ca_file,
            options.region,
            options.account_id};
        api::add_iot_routes(router, registry,
                            {endpoints.host + ":" + std::to_string(endpoints.mqtt_port)});
        api_acceptor.listen();
        mqtt_acceptor.listen();
        broker.listen(mqtt_acceptor, false);
        if (alpn_acceptor) {
            alpn_acceptor->listen();
            broker.listen(*alpn_acceptor, true);
        }
        http_server::serve(api_acceptor, workers, [this](const api::Request& request) {
            return router.dispatch(request);
        });
        signals.async_wait([this](const boost::system::error_code& ec, int signal) {
            if (ec) return;
            log::info("emulator", "signal ", signal, " received; shutting down");
            io.stop();
        });
    }

    static std::vector<std::string> host_names(const std::string& host) {
        std::vector<std::string> names{"localhost", "127.0.0.1", "::1"};
        if (std::find(names.begin(), names.end(), host) == names.end()) names.push_back(host);
        return names;
    }
};

Emulator::Emulator(const Options& options) : impl_(std::make_unique<Impl>(options)) {}

Emulator::~Emulator() {
    impl_->io.stop();
    impl_->workers.join();
}

const Endpoints& Emulator::endpoints() const { return impl_->endpoints; }

void Emulator::run() { impl_->io.run(); }

void Emulator::stop() { impl_->io.stop(); }

}  // namespace iotemu::app
