// The registry's records as the state database keeps them: each value of registry::State as one
// JSON text, and back (docs/state.md §3). Timestamps keep their full precision, so a record read
// back compares equal to the one written. std-only header; the JSON stays in the .cpp.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "registry/state.hpp"

namespace iotemu::store {

std::string encode_record(const model::CaCertificate& value);
std::string encode_record(const model::Certificate& value);
std::string encode_record(const model::Thing& value);
std::string encode_record(const model::ThingType& value);
std::string encode_record(const model::ThingGroup& value);
std::string encode_record(const model::Policy& value);
std::string encode_record(const model::ProvisioningTemplate& value);
std::string encode_record(const registry::ProvisioningClaim& value);
std::string encode_record(const std::set<std::string>& value);
std::string encode_record(std::uint64_t value);
std::string encode_record(const model::EventConfigurations& value);

// Each throws StoreError naming the problem when `text` is not a record of that kind.
void decode_record(std::string_view text, model::CaCertificate& value);
void decode_record(std::string_view text, model::Certificate& value);
void decode_record(std::string_view text, model::Thing& value);
void decode_record(std::string_view text, model::ThingType& value);
void decode_record(std::string_view text, model::ThingGroup& value);
void decode_record(std::string_view text, model::Policy& value);
void decode_record(std::string_view text, model::ProvisioningTemplate& value);
void decode_record(std::string_view text, registry::ProvisioningClaim& value);
void decode_record(std::string_view text, std::set<std::string>& value);
void decode_record(std::string_view text, std::uint64_t& value);
void decode_record(std::string_view text, model::EventConfigurations& value);

}  // namespace iotemu::store
