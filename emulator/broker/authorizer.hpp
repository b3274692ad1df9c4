// Authorizer: one connection's IoT policy questions (docs/aws/iot-core.md §5.1): may this
// certificate (or SigV4 signer) connect as this client id, publish, retain, subscribe, receive.
// Policies come from the registry and are refreshed when the registry changes, so an attach,
// detach or new default version applies to live connections. Not thread-safe (one per
// connection, used on its strand). Sans-I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/websocket_upgrade.hpp"
#include "pki/certificate.hpp"
#include "policy/evaluate.hpp"
#include "registry/registry.hpp"

namespace iotemu::broker {

class Authorizer {
public:
    Authorizer(const registry::Registry& registry, const pki::X509Certificate& certificate,
               std::string source_ip);
    // A SigV4-signed connection (MQTT over WebSocket). AWS governs it by IAM policies, not IoT
    // ones (docs/aws/data-plane.md §2.3); the emulator keeps that simple: without `policy_name`
    // it may do what an allow-all policy allows, with it the IoT policy of that name (its
    // default version, the same actions and resources an IAM statement uses) decides.
    Authorizer(const registry::Registry& registry, const SigV4Principal& principal,
               std::string source_ip, std::optional<std::string> policy_name);

    // Sets the MQTT client id (and with it the thing variables) once CONNECT arrives.
    void set_client_id(std::string client_id);
    void set_connect_attributes(bool persistent_session, bool last_will);

    bool may_connect();
    bool may_publish(std::string_view topic);
    bool may_retain(std::string_view topic);
    bool may_subscribe(std::string_view filter);
    bool may_receive(std::string_view topic);
    // An action on `thing/<name>` (iot-data's shadow operations: <thing> or <thing>/<shadow>,
    // docs/aws/data-plane.md §4.8).
    bool may_act_on_thing(std::string_view action, std::string_view name);

    const std::string& certificate_id() const { return certificate_id_; }  // empty for SigV4
    const std::string& principal_arn() const { return principal_arn_; }
    // Who the connection is in lifecycle events: the certificate id, or
    // "<account>/<access key id>" for SigV4 (docs/aws/data-plane.md §2.3).
    const std::string& principal_identifier() const { return principal_identifier_; }

private:
    bool allows(std::string_view action, std::string_view resource_type,
                std::string_view resource_name);
    void refresh();

    const registry::Registry& registry_;
    std::string certificate_id_;
    std::string principal_arn_;
    std::string principal_identifier_;
    bool sigv4_ = false;
    std::optional<std::string> sigv4_policy_;
    policy::Variables variables_;
    registry::PrincipalPolicies policies_;
    std::vector<const policy::CompiledPolicy*> compiled_;  // views of policies_, for evaluate()
    std::uint64_t generation_ = 0;
    bool loaded_ = false;
};

}  // namespace iotemu::broker
