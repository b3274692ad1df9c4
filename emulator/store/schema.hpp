// The state database's schema, one migration per version (docs/state.md §3), and where the file
// lives in a data dir.
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <string_view>

#include "store/database.hpp"

namespace iotemu::store {

// migrations()[i] brings a file from schema version i to i + 1.
std::span<const std::string_view> migrations();

// <data-dir>/state.db, created (with the directory) on first use and brought to this build's
// schema. StoreError for a file from a newer version, a damaged one, or one that cannot be opened.
std::shared_ptr<Database> open_state_database(const std::filesystem::path& data_dir);

}  // namespace iotemu::store
