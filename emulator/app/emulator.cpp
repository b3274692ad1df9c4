// Wiring only: each piece is built by its own module; this file decides who gets what.
// One io_context run by --io-threads threads (every connection on a strand of its own), plus a
// worker pool for blocking work.
#include "app/emulator.hpp"

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>

#include "api/acm_pca_routes.hpp"
#include "api/iam_routes.hpp"
#include "api/iot_data_routes.hpp"
#include "api/iot_data_shadows.hpp"
#include "api/iot_service.hpp"
#include "api/lambda_routes.hpp"
#include "api/router.hpp"
#include "api/sts_routes.hpp"
#include "api/topic_rule_routes.hpp"
#include "app/console_api.hpp"
#include "app/fleet_provisioning_api.hpp"
#include "app/harness_api.hpp"
#include "app/init_file.hpp"
#include "app/server_identity.hpp"
#include "broker/broker.hpp"
#include "bus/bus.hpp"
#include "common/aws_error.hpp"
#include "common/log.hpp"
#include "common/random.hpp"
#include "console/live.hpp"
#include "events/registry_events.hpp"
#include "http_server/http_server.hpp"
#include "journal/journal.hpp"
#include "registry/registry.hpp"
#include "rules/engine/engine.hpp"
#include "rules/engine/topic_rules.hpp"
#include "rules/lambda/service.hpp"
#include "services/acm_pca/acm_pca.hpp"
#include "services/iam/iam.hpp"
#include "services/sts/sts.hpp"
#include "shadow/service.hpp"
#include "shadow/shadows.hpp"
#include "store/function_storage.hpp"
#include "store/registry_store.hpp"
#include "store/retained_storage.hpp"
#include "store/schema.hpp"
#include "store/session_storage.hpp"
#include "store/shadow_storage.hpp"
#include "store/topic_rule_storage.hpp"

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

// The rules engine's lambda action, carried out by the Lambda service: an Event invocation whose
// failure (the handler's error object, a timeout, an unknown function) becomes the action's error.
class LambdaServiceInvoker final : public rules::LambdaInvoker {
public:
    explicit LambdaServiceInvoker(lambda::Service& service) : service_(service) {}

    void invoke_event(std::string function_arn, std::string event_json,
                      std::function<void(rules::InvocationOutcome)> done) override {
        try {
            service_.invoke(function_arn, std::move(event_json),
                            [done](const lambda::InvokeResult& result) {
                                if (!result.function_error) return done({true, {}});
                                done({false, *result.function_error + ": " + result.payload});
                            });
        } catch (const AwsError& e) {
            done({false, e.code() + ": " + e.what()});
        }
    }

private:
    lambda::Service& service_;
};

}  // namespace

struct Emulator::Impl {
    journal::Journal journal;  // first: every module below records into it
    // The console's live view. Made once the bus exists; declared before `io` so it outlives the
    // streams that io's sessions still hold when it is destroyed (close() comes first).
    std::unique_ptr<console::Live> live;
    const std::size_t io_threads;
    // Run by io_threads threads, with that as Asio's hint: 1 keeps the scheduler's locks (the
    // workers post to it) but queues a thread's own handlers privately and never wakes another
    // thread, which only suits one; more wakes an idle thread for each handler queued.
    asio::io_context io;
    // API requests. A synchronous Invoke holds one while its handler runs, and the handler calls
    // back into the API: lambda_service_config() keeps such Invokes below this count.
    asio::thread_pool workers;
    asio::signal_set signals{io};  // SIGINT, SIGTERM unless embedded
    tcp::acceptor api_acceptor;
    tcp::acceptor mqtt_acceptor;
    std::optional<tcp::acceptor> alpn_acceptor;
    tcp::acceptor https_acceptor;
    ServerIdentity identity;
    std::shared_ptr<store::Database> database;  // null when the state lives in memory
    registry::Registry registry;
    bus::Bus bus;
    rules::TopicRuleStore topic_rules;
    shadow::Shadows shadows;
    // Answers the shadow request topics on the bus.
    std::shared_ptr<shadow::Service> shadow_service;
    std::unique_ptr<lambda::Service> functions;   // needs the API's address: made once bound
    std::unique_ptr<rules::Engine> rules_engine;  // runs actions through `functions`
    services::sts::Service sts;
    services::iam::Service iam;
    services::acm_pca::Service acm_pca;
    broker::Broker broker;
    api::Router router;
    std::optional<InitPlan> init;  // --init's fleet, applied at start and after each reset
    std::mutex resetting;
    Endpoints endpoints;

    explicit Impl(const Options& options)
        : io_threads(std::max<std::size_t>(options.io_threads, 1)),
          io(static_cast<int>(io_threads)),
          workers(api_workers(options)),
          api_acceptor(bind_port(io, endpoint_for(options.host, options.api_port), "API")),
          mqtt_acceptor(bind_port(io, endpoint_for(options.host, options.mqtt_port), "MQTT")),
          https_acceptor(bind_port(io, endpoint_for(options.host, options.https_port), "HTTPS")),
          identity(load_or_create_server_identity(options.data_dir, host_names(options))),
          database(options.durable_state ? store::open_state_database(options.data_dir) : nullptr),
          registry(model::Account{options.region, options.account_id}, identity.ca,
                   registry_store()),
          bus(durable<store::SqliteRetainedStorage>()),
          topic_rules(model::Account{options.region, options.account_id},
                      durable<store::SqliteTopicRuleStorage>()),
          shadows(durable<store::SqliteShadowStorage>()),
          sts(options.account_id),
          iam(options.account_id),
          acm_pca(options.region, options.account_id),
          broker(registry, bus,
                 {identity.server_certificate.to_pem(), identity.server_key.to_pem()},
                 broker_options(options, journal), durable<store::SqliteSessionStorage>()) {
        if (options.alpn_port) try {
                alpn_acceptor.emplace(
                    bind_port(io, endpoint_for(options.host, *options.alpn_port), "ALPN"));
            } catch (const std::runtime_error& e) {
                // 443 as root's default is a convenience: a second emulator on the machine (a
                // parallel test suite) must not fail for it. A port asked for must be served.
                if (options.alpn_port_explicit) throw;
                log::warn("emulator", e.what(),
                          "; serving without the ALPN listener (--alpn-port PORT asks for one)");
            }
        endpoints = Endpoints{
            options.host,
            api_acceptor.local_endpoint().port(),
            mqtt_acceptor.local_endpoint().port(),
            https_acceptor.local_endpoint().port(),
            alpn_acceptor ? std::optional(alpn_acceptor->local_endpoint().port()) : std::nullopt,
            identity.ca_file,
            options.region,
            options.account_id};
        functions =
            std::make_unique<lambda::Service>(lambda_service_config(options, endpoints, journal),
                                              durable<store::SqliteFunctionStorage>());
        for (const auto& declared : options.functions) functions->declare_function(declared);
        rules_engine = std::make_unique<rules::Engine>(
            topic_rules, bus, std::make_shared<LambdaServiceInvoker>(*functions),
            rules::EngineOptions{.http = {.allow_any_host = options.http_actions_any_host},
                                 .journal = &journal});
        // Registry events reach subscribers and topic rules like any other message
        // (docs/aws/provisioning-and-services.md §3).
        registry.on_registry_events([this](const std::vector<model::RegistryEvent>& changes) {
            for (const auto& change : changes)
                bus.publish(events::registry_event_message(change, registry.account(),
                                                           random_uuid(), now()));
        });
        api::add_iot_routes(router, registry,
                            {options.endpoint_host.value_or(endpoints.host) + ":" +
                             std::to_string(endpoints.mqtt_port)});
        api::add_topic_rule_routes(router, topic_rules);
        api::add_iot_data_routes(router, bus);
        shadow_service = shadow::Service::start(bus, shadows);
        api::add_shadow_routes(router, *shadow_service);
        broker.serve_shadows(*shadow_service);
        api::add_lambda_routes(router, *functions);
        api::add_sts_operations(router, sts);
        api::add_iam_operations(router, iam);
        api::add_acm_pca_operations(router, acm_pca);
        if (options.init_file) {
            init = parse_init_file(*options.init_file, registry.account());
            apply_init(*init, router, *functions);
            log::info("emulator", "loaded the fleet of ", options.init_file->string());
        }
        live = std::make_unique<console::Live>(bus, journal);
        add_console_routes(router, *live);
        add_harness_routes(router, {journal, IOTEMU_VERSION, ready_json(endpoints),
                                    [this, declared = options.functions] { reset(declared); }});
        broker.add_api(make_fleet_provisioning_api(registry, *functions, workers.get_executor(),
                                                   io.get_executor()));
        api_acceptor.listen();
        mqtt_acceptor.listen();
        broker.listen(mqtt_acceptor, broker::Listener::mqtt);
        https_acceptor.listen();
        broker.listen(https_acceptor, broker::Listener::https);
        if (alpn_acceptor) {
            alpn_acceptor->listen();
            broker.listen(*alpn_acceptor, broker::Listener::alpn);
        }
        http_server::serve(api_acceptor, workers,
                           [this](const api::Request& request) { return router.dispatch(request); },
                           {.body_limit = lambda::max_code_request_size,
                            .body_limit_for = [this](const api::Request& head) {
                                return router.body_limit(head);
                            }});
        if (options.handle_signals) {
            signals.add(SIGINT);
            signals.add(SIGTERM);
            signals.async_wait([this](const boost::system::error_code& ec, int signal) {
                if (ec) return;
                log::info("emulator", "signal ", signal, " received; shutting down");
                io.stop();
            });
        }
    }

    // Synchronous Invokes at once: as many as one function's processes (at least two), so that
    // --lambda-concurrency N serves N of them together.
    static std::size_t sync_invocations(const Options& options) {
        return std::max<std::size_t>(options.lambda_concurrency, 2);
    }
    // Two per synchronous Invoke (its own, and its handler's calls back into the API), plus the
    // journal's long-polls (harness_api.hpp).
    static std::size_t api_workers(const Options& options) {
        return 2 * sync_invocations(options) + max_journal_waiters;
    }

    // The harness's reset (docs/harness.md): connections and sessions first, so no client acts
    // on what goes next; then functions (their processes killed), rules, retained messages,
    // shadows and the registry, memory and storage alike. The server's TLS identity stays; the
    // functions declared by --function and the fleet of --init come back as at start.
    void reset(const std::vector<lambda::DeclaredFunction>& declared) {
        std::lock_guard one_at_a_time(resetting);
        live->end_all();  // console pages reconnect, and reload what they show
        broker.reset();
        for (;;) {
            const auto page = functions->functions().list(std::nullopt, 10000);
            if (page.functions.empty()) break;
            for (const auto& function : page.functions) functions->delete_function(function.name);
        }
        for (const auto& function : declared) functions->declare_function(function);
        // Held here: each deletion publishes a new snapshot, and a range-for over `*snapshot()`
        // would keep nothing alive (its temporary dies before the loop body runs).
        const auto rules = topic_rules.snapshot();
        for (const auto& rule : *rules) topic_rules.delete_topic_rule(rule->rule_name);
        bus.clear_retained();
        shadows.clear();
        registry.reset();
        if (init) apply_init(*init, router, *functions);
    }

    static broker::BrokerOptions broker_options(const Options& options,
                                                journal::Recorder& journal) {
        broker::BrokerOptions broker;
        broker.websocket_policy = options.websocket_policy;
        broker.journal = &journal;
        return broker;
    }

    std::unique_ptr<registry::Store> registry_store() const {
        if (!database) return std::make_unique<registry::MemoryStore>();
        log::info("emulator", "state is durable in ", database->file().string());
        return std::make_unique<store::SqliteRegistryStore>(database);
    }

    // A store's storage on the state database, or none (memory only).
    template <class Storage>
    std::unique_ptr<Storage> durable() const {
        return database ? std::make_unique<Storage>(database) : nullptr;
    }

    static lambda::ServiceConfig lambda_service_config(const Options& options,
                                                       const Endpoints& endpoints,
                                                       journal::Recorder& journal) {
        lambda::ServiceConfig config;
        config.account_id = options.account_id;
        config.region = options.region;
        config.data_dir = options.data_dir;
        config.node_modules_dir = options.node_modules_dir;
        config.api_endpoint_url = endpoints.api_endpoint();
        config.max_sync_invocations = sync_invocations(options);
        config.concurrency = options.lambda_concurrency;
        config.journal = &journal;
        return config;
    }

    static std::vector<std::string> host_names(const Options& options) {
        std::vector<std::string> names{"localhost", "127.0.0.1", "::1"};
        for (const auto& name : {options.host, options.endpoint_host.value_or(options.host)})
            if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
        return names;
    }
};

Emulator::Emulator(const Options& options) : impl_(std::make_unique<Impl>(options)) {}

Emulator::~Emulator() {
    impl_->live->close();    // console streams end, the bus tap goes
    impl_->journal.close();  // long-polls on the workers return now
    impl_->io.stop();
    impl_->workers.join();
}

const Endpoints& Emulator::endpoints() const { return impl_->endpoints; }

namespace {

// An exception out of a completion handler (a library throwing where it should have returned an
// error) ends that handler only: Asio lets run() resume, and every other connection goes on.
void serve(asio::io_context& io) {
    for (;;) {
        try {
            io.run();
            return;
        } catch (const std::exception& e) {
            log::error("emulator",
                       "an I/O handler failed (the emulator keeps serving): ", e.what());
        }
    }
}

}  // namespace

// The calling thread is one of the I/O threads; the others end with it, on stop().
void Emulator::run() {
    std::vector<std::thread> others;
    try {
        for (std::size_t i = 1; i < impl_->io_threads; ++i)
            others.emplace_back([&io = impl_->io] { serve(io); });
    } catch (...) {  // no thread to be had: stop those that started
        impl_->io.stop();
        for (auto& thread : others) thread.join();
        throw;
    }
    serve(impl_->io);
    for (auto& thread : others) thread.join();
}

std::size_t Emulator::io_threads() const { return impl_->io_threads; }

void Emulator::stop() { impl_->io.stop(); }

}  // namespace iotemu::app
