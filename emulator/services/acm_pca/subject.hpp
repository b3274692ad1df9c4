// ACM PCA's ASN1Subject: its members' constraints and their X.509 attribute names. Internal to
// acm_pca/. std only.
#pragma once

#include <vector>

#include "pki/name.hpp"
#include "services/acm_pca/acm_pca.hpp"

namespace iotemu::services::acm_pca {

// The subject as X.509 name entries, in the conventional order (C, ST, L, O, OU, …, CN).
// Throws InvalidArgsException for an unknown member, a value breaking its constraint, or an empty
// subject.
std::vector<pki::NameEntry> name_entries(const Subject& subject);

}  // namespace iotemu::services::acm_pca
