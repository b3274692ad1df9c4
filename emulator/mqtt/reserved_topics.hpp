// Which of AWS's reserved (`$`) topics a client may PUBLISH to (docs/aws/iot-core.md §6.2, [DG
// reserved-topics]). Pure functions over topic strings: no policy, no state; the policy check comes
// after this one.
#pragma once

#include <string_view>

namespace iotemu::mqtt {

// Everything beginning with '$' belongs to AWS (docs/aws/iot-core.md §6.2; MQTT 3.1.1 §4.7.2 leaves
// such topics to the server).
bool is_reserved_topic(std::string_view topic);

// Whether a client may PUBLISH to `topic` (a valid topic name) at all, before any policy: every
// non-reserved topic, and of the reserved ones only the request topics of AWS's MQTT APIs:
//   $aws/rules/<rule>/…                                    Basic Ingest
//   $aws/things/<thing>/shadow[/name/<shadow>]/get|update|delete
//   $aws/things/<thing>/jobs/get|start-next, …/jobs/<job>/get|update
//   $aws/certificates/create/<format>, $aws/certificates/create-from-csr/<format>
//   $aws/provisioning-templates/<template>/provision/<format>
// Their replies (/accepted, /rejected, /delta, /documents, jobs/notify…) and every other `$`
// topic, $aws/events/… included, are subscribe-only: AWS may end the connection
// (docs/aws/iot-core.md §6.2).
bool client_may_publish(std::string_view topic);

}  // namespace iotemu::mqtt
