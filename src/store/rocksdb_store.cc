// The RocksDB state store. See credence/state_store.h.
#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include "credence/state_store.h"
#include "store/keys.h"

namespace credence {

StateStore::~StateStore() = default;

namespace {

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return OkStatus();
  const std::string message = std::string(what) + ": " + s.ToString();
  if (s.IsCorruption()) return DataLossError(message);
  return Status(StatusCode::kUnavailable, message);
}

// Thread-safe: RocksDB's DB is.
class RocksDbStore final : public StateStore {
 public:
  RocksDbStore(std::unique_ptr<rocksdb::DB> db, bool sync) : db_(std::move(db)) {
    write_.sync = sync;
  }

  Result<std::optional<std::string>> LoadState(std::string_view enterprise_id) override {
    return Get(store::StateKey(enterprise_id));
  }

  Result<std::optional<std::string>> LoadDecision(std::string_view enterprise_id,
                                                  std::string_view event_id) override {
    return Get(store::DecisionKey(enterprise_id, event_id));
  }

  Status Commit(const StateCommit& commit) override {
    if (commit.empty()) return OkStatus();
    rocksdb::WriteBatch batch;
    for (const auto& s : commit.states) batch.Put(store::StateKey(s.enterprise_id), s.bytes);
    for (const auto& d : commit.decisions) {
      batch.Put(store::DecisionKey(d.enterprise_id, d.event_id), d.response);
    }
    for (const auto& f : commit.forget)
      batch.Delete(store::DecisionKey(f.enterprise_id, f.event_id));
    return FromRocks(db_->Write(write_, &batch), "cannot commit to the state store");
  }

  Status ForEachEnterprise(const std::function<bool(std::string_view)>& fn) override {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    for (it->Seek(std::string(1, store::kStatePrefix)); it->Valid(); it->Next()) {
      const rocksdb::Slice key = it->key();
      if (key.size() == 0 || key[0] != store::kStatePrefix) break;
      if (!fn(std::string_view(key.data() + 1, key.size() - 1))) break;
    }
    return FromRocks(it->status(), "cannot list the state store");
  }

 private:
  Result<std::optional<std::string>> Get(const std::string& key) {
    std::string value;
    const rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), key, &value);
    if (s.IsNotFound()) return std::optional<std::string>();
    CREDENCE_RETURN_IF_ERROR(FromRocks(s, "cannot read the state store"));
    return std::optional<std::string>(std::move(value));
  }

  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::WriteOptions write_;
};

}  // namespace

Result<std::shared_ptr<StateStore>> OpenRocksDbStateStore(const std::string& directory,
                                                          const RocksDbStoreOptions& options) {
  rocksdb::Options opts;
  opts.create_if_missing = options.create_if_missing;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  opts.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  rocksdb::DB* raw = nullptr;
  CREDENCE_RETURN_IF_ERROR(
      FromRocks(rocksdb::DB::Open(opts, directory, &raw), "cannot open state store " + directory));
  return std::shared_ptr<StateStore>(
      std::make_shared<RocksDbStore>(std::unique_ptr<rocksdb::DB>(raw), options.sync));
}

}  // namespace credence
