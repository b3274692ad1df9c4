// IssueCertificate's Validity and ValidityNotBefore as instants. Internal to acm_pca/. std only.
#pragma once

#include "common/time.hpp"
#include "services/acm_pca/acm_pca.hpp"

namespace iotemu::services::acm_pca {

// When a certificate issued at `issued` with `validity` runs out: DAYS/MONTHS/YEARS after it
// (calendar months and years), or the END_DATE (yyyyMMddHHmmss, UTC) or ABSOLUTE (epoch
// seconds) instant. Throws InvalidArgsException for a type or date it cannot read.
Timestamp validity_end(const Validity& validity, Timestamp issued);

}  // namespace iotemu::services::acm_pca
