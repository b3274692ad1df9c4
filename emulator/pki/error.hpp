// PkiError: why a PEM, key or certificate could not be read or checked, in words a user can act
// on ("no certificate found in PEM", "signature does not verify"). Never thrown for bad input.
#pragma once

#include <string>

namespace iotemu::pki {

struct PkiError {
    std::string message;
};

}  // namespace iotemu::pki
