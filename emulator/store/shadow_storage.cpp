// Each put() and erase_thing() is its own transaction; the document is the JSON text the shadow
// service wrote, the deletion time epoch milliseconds (NULL for a live shadow).
#include "store/shadow_storage.hpp"

namespace iotemu::store {

SqliteShadowStorage::SqliteShadowStorage(std::shared_ptr<Database> database)
    : database_(std::move(database)),
      upsert_(*database_,
              "INSERT INTO shadows(thing_name, shadow_name, version, deleted_at_ms, document) "
              "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(thing_name, shadow_name) DO UPDATE SET "
              "version = excluded.version, deleted_at_ms = excluded.deleted_at_ms, "
              "document = excluded.document"),
      delete_thing_(*database_, "DELETE FROM shadows WHERE thing_name = ?1") {}

std::vector<shadow::StoredShadow> SqliteShadowStorage::load() {
    std::vector<shadow::StoredShadow> shadows;
    Statement select(*database_,
                     "SELECT thing_name, shadow_name, version, deleted_at_ms, document "
                     "FROM shadows");
    while (select.step()) {
        shadow::StoredShadow stored;
        stored.id = {select.text(0), select.text(1)};
        stored.version = select.integer(2);
        if (!select.is_null(3))
            stored.deleted_at = Timestamp{std::chrono::milliseconds{select.integer(3)}};
        stored.document = select.text(4);
        shadows.push_back(std::move(stored));
    }
    return shadows;
}

void SqliteShadowStorage::put(const shadow::StoredShadow& shadow) {
    auto transaction = database_->transaction();
    upsert_.bind(1, shadow.id.thing_name).bind(2, shadow.id.shadow_name).bind(3, shadow.version);
    if (shadow.deleted_at)
        upsert_.bind(4, epoch_millis(*shadow.deleted_at));
    else
        upsert_.bind_null(4);
    upsert_.bind(5, shadow.document).run();
    transaction.commit();
}

void SqliteShadowStorage::erase_thing(std::string_view thing_name) {
    auto transaction = database_->transaction();
    delete_thing_.bind(1, thing_name).run();
    transaction.commit();
}

void SqliteShadowStorage::clear() { database_->execute("DELETE FROM shadows"); }

}  // namespace iotemu::store
