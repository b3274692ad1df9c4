// Resource tags ([{Key, Value}] on the wire) as the registry keeps them. std only.
#pragma once

#include <map>
#include <string>

namespace iotemu::model {

using Tags = std::map<std::string, std::string>;

}  // namespace iotemu::model
