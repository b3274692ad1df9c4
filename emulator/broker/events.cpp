// Event payloads are built with nlohmann/json so keys and escaping are right by construction.
#include "broker/events.hpp"

#include <nlohmann/json.hpp>

namespace iotemu::broker {

bus::Message registration_event(const model::Certificate& certificate, std::string_view account_id,
                                Timestamp when) {
    const auto ca_id = certificate.ca_certificate_id.value_or("");
    const nlohmann::json payload{
        {"certificateId", certificate.id},
        {"caCertificateId", ca_id},
        {"timestamp", epoch_millis(when)},
        {"certificateStatus", model::to_string(certificate.status)},
        {"awsAccountId", account_id},
        {"certificateRegistrationTimestamp",
         std::to_string(epoch_millis(certificate.creation_date))},
    };
    bus::Message message;
    message.topic = "$aws/events/certificates/registered/" + ca_id;
    message.payload = payload.dump();
    message.qos = mqtt::QoS::at_least_once;
    message.timestamp_ms = epoch_millis(when);
    return message;
}

}  // namespace iotemu::broker
