// The RocksDB state store. See credence/state_store.h.
#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <mutex>
#include <vector>

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

// A commit's writes, put in key order before they go to RocksDB: its memtable is a skip list
// that inserts an ascending run from the previous insert's position instead of searching
// from the top (in input order, that search was 60% of a commit's time). The order among
// writes of one key is kept (a decision logged, then forgotten, stays forgotten).
class SortedWrites {
 public:
  void Clear() {
    keys_.clear();
    writes_.clear();
  }
  // The buffer the next write's key is appended to; then Put or Delete ends the write.
  std::string& NextKey() {
    key_start_ = keys_.size();
    return keys_;
  }
  void Put(std::string_view value) { Add(value, false); }
  void Delete() { Add({}, true); }

  // Bytes of a WriteBatch holding these writes (a record: tag, key and value with their
  // varint lengths), at most.
  std::size_t BatchBytes() const {
    constexpr std::size_t kHeader = 12, kPerRecord = 1 + 5 + 5;
    std::size_t bytes = kHeader + keys_.size();
    for (const Write& w : writes_) bytes += kPerRecord + w.value.size();
    return bytes;
  }

  void AppendInKeyOrder(rocksdb::WriteBatch& batch) {
    std::stable_sort(writes_.begin(), writes_.end(),
                     [&](const Write& a, const Write& b) { return Key(a) < Key(b); });
    for (const Write& w : writes_) {
      const rocksdb::Slice key(keys_.data() + w.key_at, w.key_size);
      if (w.erase) {
        batch.Delete(key);
      } else {
        batch.Put(key, rocksdb::Slice(w.value.data(), w.value.size()));
      }
    }
  }

 private:
  struct Write {
    std::size_t key_at = 0;
    std::size_t key_size = 0;
    std::string_view value;
    bool erase = false;
  };
  void Add(std::string_view value, bool erase) {
    writes_.push_back({key_start_, keys_.size() - key_start_, value, erase});
  }
  std::string_view Key(const Write& w) const {
    return std::string_view(keys_).substr(w.key_at, w.key_size);
  }

  std::string keys_;  // every key, one after the other
  std::size_t key_start_ = 0;
  std::vector<Write> writes_;
};

// Thread-safe: RocksDB's DB is; commits take turns on the reused buffers.
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
    std::lock_guard lock(commit_mutex_);
    writes_.Clear();
    for (const auto& s : commit.states) {
      store::AppendStateKey(writes_.NextKey(), s.enterprise_id);
      writes_.Put(s.bytes);
    }
    for (const auto& d : commit.decisions) {
      store::AppendDecisionKey(writes_.NextKey(), d.enterprise_id, d.event_id);
      writes_.Put(d.response);
    }
    for (const auto& f : commit.forget) {
      store::AppendDecisionKey(writes_.NextKey(), f.enterprise_id, f.event_id);
      writes_.Delete();
    }
    ReserveBatch(writes_.BatchBytes());
    writes_.AppendInKeyOrder(batch_);
    return FromRocks(db_->Write(write_, &batch_), "cannot commit to the state store");
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

  // Empties the reused batch, grown first to hold `bytes` (with room for the next commits:
  // the allocator returns a buffer this large to the system when it is freed, and a new one
  // costs a page fault per page).
  void ReserveBatch(std::size_t bytes) {
    if (batch_.Data().capacity() < bytes) {
      batch_ = rocksdb::WriteBatch(bytes + bytes / 2);
    } else {
      batch_.Clear();
    }
  }

  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::WriteOptions write_;
  // Reused from commit to commit (their buffers keep their capacity): a commit is megabytes,
  // and a fresh buffer per commit was paid in page faults.
  std::mutex commit_mutex_;
  SortedWrites writes_;
  rocksdb::WriteBatch batch_;
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
