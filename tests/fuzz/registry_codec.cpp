// Fuzzes the state database's registry records (store/registry_codec): a record text decoded as
// --data-dir's start-up reads it, and every record that decodes must encode and decode back
// unchanged. Input: the record kind (thing, certificate, …), NUL, the record's text. No SQLite.
#include "store/registry_codec.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "input.hpp"
#include "store/database.hpp"

using namespace iotemu;

namespace {

template <class Record>
void round_trip(std::string_view text) {
    Record record{};
    try {
        store::decode_record(text, record);
    } catch (const store::StoreError&) {
        return;  // refused with a message: what a damaged file must get
    }
    Record again{};
    store::decode_record(store::encode_record(record), again);
    if (!(again == record)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Fields input(data, size);
    const auto kind = input.next();
    const auto text = input.next();
    if (kind == "ca_certificate") round_trip<model::CaCertificate>(text);
    if (kind == "certificate") round_trip<model::Certificate>(text);
    if (kind == "thing") round_trip<model::Thing>(text);
    if (kind == "thing_type") round_trip<model::ThingType>(text);
    if (kind == "thing_group") round_trip<model::ThingGroup>(text);
    if (kind == "policy") round_trip<model::Policy>(text);
    if (kind == "provisioning_template") round_trip<model::ProvisioningTemplate>(text);
    if (kind == "provisioning_claim") round_trip<registry::ProvisioningClaim>(text);
    if (kind == "names") round_trip<std::set<std::string>>(text);
    if (kind == "counter") round_trip<std::uint64_t>(text);
    if (kind == "event_configurations") round_trip<model::EventConfigurations>(text);
    return 0;
}
