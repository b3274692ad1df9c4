// The IoT model's length and pattern rules for names (docs/aws/iot-core.md §0.2), as plain
// predicates. std only.
#pragma once

#include <string_view>

namespace iotemu::model {

bool is_valid_thing_name(std::string_view name);        // [a-zA-Z0-9:_-]+, 1..128
bool is_valid_thing_group_name(std::string_view name);  // [a-zA-Z0-9:_-]+, 1..128
bool is_valid_thing_type_name(std::string_view name);   // [a-zA-Z0-9:_-]+, 1..128
bool is_valid_policy_name(std::string_view name);       // [\w+=,.@-]+, 1..128
bool is_valid_certificate_id(std::string_view id);      // (0x)?[a-fA-F0-9]+, length 64
bool is_valid_rule_name(std::string_view name);         // [a-zA-Z0-9_]+, 1..128
bool is_valid_template_name(std::string_view name);     // [0-9A-Za-z_-]+, 1..36

}  // namespace iotemu::model
