// The in-memory state store. See credence/state_store.h.
#include <map>
#include <mutex>

#include "credence/state_store.h"
#include "store/keys.h"

namespace credence {
namespace {

// Thread-safe: one mutex around an ordered map.
class MemoryStore final : public StateStore {
 public:
  Result<std::optional<std::string>> LoadState(std::string_view enterprise_id) override {
    return Get(store::StateKey(enterprise_id));
  }
  Result<std::optional<std::string>> LoadDecision(std::string_view enterprise_id,
                                                  std::string_view event_id) override {
    return Get(store::DecisionKey(enterprise_id, event_id));
  }
  Status Commit(const StateCommit& commit) override {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& s : commit.states) data_[store::StateKey(s.enterprise_id)] = s.bytes;
    for (const auto& d : commit.decisions) {
      data_[store::DecisionKey(d.enterprise_id, d.event_id)] = d.response;
    }
    for (const auto& f : commit.forget)
      data_.erase(store::DecisionKey(f.enterprise_id, f.event_id));
    return OkStatus();
  }
  Status ForEachEnterprise(const std::function<bool(std::string_view)>& fn) override {
    std::vector<std::string> ids;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto it = data_.lower_bound(std::string(1, store::kStatePrefix));
           it != data_.end() && it->first[0] == store::kStatePrefix; ++it) {
        ids.push_back(it->first.substr(1));
      }
    }
    for (const std::string& id : ids) {
      if (!fn(id)) break;
    }
    return OkStatus();
  }

 private:
  Result<std::optional<std::string>> Get(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = data_.find(key);
    if (it == data_.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }

  std::mutex mu_;
  std::map<std::string, std::string> data_;
};

}  // namespace

std::shared_ptr<StateStore> NewInMemoryStateStore() { return std::make_shared<MemoryStore>(); }

}  // namespace credence
