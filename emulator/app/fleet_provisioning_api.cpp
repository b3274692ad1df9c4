#include "app/fleet_provisioning_api.hpp"

#include <atomic>
#include <chrono>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "common/aws_error.hpp"
#include "common/log.hpp"
#include "fleet/fleet_provisioning.hpp"

namespace iotemu::app {
namespace {

namespace asio = boost::asio;

// AWS gives a pre-provisioning hook five seconds (docs/aws/provisioning-and-services.md §1.8).
constexpr std::chrono::seconds hook_timeout{5};

class FleetProvisioningApi final : public broker::MqttApi,
                                   public std::enable_shared_from_this<FleetProvisioningApi> {
public:
    FleetProvisioningApi(registry::Registry& registry, lambda::Service& functions,
                         asio::any_io_executor workers, asio::any_io_executor timers)
        : core_(registry), functions_(functions), workers_(workers), timers_(timers) {}

    bool serves(std::string_view topic) const override {
        return fleet::parse_request_topic(topic).has_value();
    }

    void handle(Request request, Respond respond) override {
        asio::post(workers_, [self = shared_from_this(), request = std::move(request),
                              respond = std::move(respond)]() mutable {
            auto outcome = self->core_.handle(
                {std::move(request.topic), std::move(request.payload), std::move(request.client_id),
                 std::move(request.certificate_id)},
                now());
            if (auto* reply = std::get_if<fleet::Reply>(&outcome))
                return respond({std::move(reply->topic), std::move(reply->payload)});
            self->call_hook(std::move(std::get<fleet::HookCall>(outcome)), std::move(respond));
        });
    }

private:
    // Whichever comes first, the hook's answer or the timeout, finishes the request; the other
    // finds it done.
    struct Pending {
        fleet::HookCall call;
        Respond respond;
        std::atomic<bool> done{false};
        std::unique_ptr<asio::steady_timer> timer;
    };

    void call_hook(fleet::HookCall call, Respond respond) {
        auto pending = std::make_shared<Pending>();
        pending->call = std::move(call);
        pending->respond = std::move(respond);
        // On a strand of its own: the timer is only ever touched there, armed by this post and
        // cancelled by one that follows it, whichever I/O thread runs each.
        pending->timer =
            std::make_unique<asio::steady_timer>(asio::make_strand(timers_), hook_timeout);
        const auto self = shared_from_this();
        const auto strand = pending->timer->get_executor();
        asio::post(strand, [self, pending] {
            pending->timer->async_wait([self, pending](const boost::system::error_code& ec) {
                if (ec) return;  // cancelled: the hook answered
                self->finish(*pending, {false, "it did not answer within 5 seconds"});
            });
        });
        try {
            functions_.invoke(pending->call.function_arn, pending->call.event,
                              [self, pending](lambda::InvokeResult result) {
                                  const bool ok = !result.function_error;
                                  if (ok)
                                      asio::post(pending->timer->get_executor(),
                                                 [pending] { pending->timer->cancel(); });
                                  self->finish(*pending, {ok, ok ? std::move(result.payload)
                                                                 : *result.function_error + ": " +
                                                                       result.payload});
                              });
        } catch (const AwsError& error) {  // no such function, say
            asio::post(strand, [pending] { pending->timer->cancel(); });
            finish(*pending, {false, error.code() + ": " + error.what()});
        }
    }

    void finish(Pending& pending, fleet::HookAnswer answer) {
        if (pending.done.exchange(true)) return;
        if (!answer.invoked)
            log::warn("fleet", "pre-provisioning hook ", pending.call.function_arn,
                      " failed: ", answer.payload);
        auto reply = core_.resume(pending.call, answer, now());
        pending.respond({std::move(reply.topic), std::move(reply.payload)});
    }

    fleet::FleetProvisioning core_;
    lambda::Service& functions_;
    asio::any_io_executor workers_;
    asio::any_io_executor timers_;
};

}  // namespace

std::shared_ptr<broker::MqttApi> make_fleet_provisioning_api(registry::Registry& registry,
                                                             lambda::Service& functions,
                                                             asio::any_io_executor workers,
                                                             asio::any_io_executor timers) {
    return std::make_shared<FleetProvisioningApi>(registry, functions, std::move(workers),
                                                  std::move(timers));
}

}  // namespace iotemu::app
