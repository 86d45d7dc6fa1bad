// Screener: screening with durable state, through a StateStore. See credence/screener.h and
// docs/screening.md ("Store").
#include "credence/screener.h"

#include <google/protobuf/arena.h>

#include <functional>
#include <future>
#include <list>
#include <mutex>
#include <unordered_map>

#include "credence/thread_pool.h"

namespace credence {

struct Screener::Cache {
  struct Entry {
    EnterpriseState state;
    std::list<std::string>::iterator lru;
  };
  std::size_t capacity = 0;
  std::unordered_map<std::string, Entry> states;
  std::list<std::string> lru;  // most recently used first

  void Touch(const std::string& id, Entry& e) { lru.splice(lru.begin(), lru, e.lru); }
  Entry& Insert(const std::string& id, EnterpriseState state) {
    lru.push_front(id);
    return states.insert_or_assign(id, Entry{std::move(state), lru.begin()}).first->second;
  }
  // Down to the capacity, but never the `keep` most recently used (a window's states whose
  // commit is still being written).
  void Evict(std::size_t keep) {
    while (states.size() > std::max(capacity, keep) && !lru.empty()) {
      states.erase(lru.back());
      lru.pop_back();
    }
  }
  void Clear() {
    states.clear();
    lru.clear();
  }
};

Screener::Screener(std::shared_ptr<const Engine> engine, std::shared_ptr<StateStore> store,
                   ScreenerOptions options)
    : engine_(std::move(engine)), store_(std::move(store)), cache_(std::make_unique<Cache>()) {
  cache_->capacity = std::max<std::size_t>(1, options.cache_states);
}

Screener::~Screener() = default;

// The decisions of a commit being written while the next window is screened, by enterprise
// and event id; views into the commit, which outlives this index. Built at the first lookup
// (only a second delivery of an applied event looks), from whichever thread makes it.
class internal::InFlightDecisions {
 public:
  explicit InFlightDecisions(const StateCommit& commit) : commit_(commit) {}
  std::optional<std::string_view> Find(std::string_view enterprise_id,
                                       std::string_view event_id) const {
    std::call_once(built_, [this] { Build(); });
    auto it = responses_.find(Key(enterprise_id, event_id));
    if (it == responses_.end()) return std::nullopt;
    return it->second;
  }

 private:
  void Build() const {
    for (const StateCommit::Decision& d : commit_.decisions) {
      responses_[Key(d.enterprise_id, d.event_id)] = d.response;
    }
    for (const StateCommit::Forget& f : commit_.forget) {
      responses_.erase(Key(f.enterprise_id, f.event_id));
    }
  }
  // Unambiguous: the enterprise id's length comes first.
  static std::string Key(std::string_view enterprise_id, std::string_view event_id) {
    std::string key = std::to_string(enterprise_id.size());
    key += ':';
    key += enterprise_id;
    key += event_id;
    return key;
  }

  const StateCommit& commit_;
  mutable std::once_flag built_;
  mutable std::unordered_map<std::string, std::string_view> responses_;
};

// A window screened, its commit not yet written.
struct Screener::Screened {
  StateCommit commit;
  std::vector<Result<v1::ScreenResponse>> results;
  std::vector<SerializedResult> serialized;  // ScreenRecords: the results, serialized
  // ScreenRecords: the parsed requests (`results` and this are freed by whoever finishes
  // the window: in a stream, the thread writing its commit).
  std::unique_ptr<google::protobuf::Arena> arena;
  std::size_t enterprises = 0;  // enterprises with an id in the window
};

namespace {

using internal::InFlightDecisions;

// The events of one enterprise in a batch, and what screening them produced.
struct Group {
  std::string enterprise_id;
  std::vector<std::size_t> requests;  // indices into the batch, in input order
  EnterpriseState* state = nullptr;
  std::optional<EnterpriseState> loaded;  // from the store (not cached yet)
  bool dirty = false;
  std::string state_bytes;
  std::vector<StateCommit::Decision> decisions;  // logged in this batch, in order
  std::vector<StateCommit::Forget> forget;
  Status error;  // the store failed

  void Log(StateCommit::Decision decision) {
    if (indexed) logged_index.emplace(decision.event_id, decisions.size());
    decisions.push_back(std::move(decision));
  }
  // The response this batch logged for `event_id`, or null. The index is built at the first
  // look (only a second delivery of an applied event looks), then kept up to date by Log.
  const std::string* LoggedInBatch(const std::string& event_id) {
    if (!indexed) {
      for (std::size_t k = 0; k < decisions.size(); ++k) {
        logged_index.emplace(decisions[k].event_id, k);
      }
      indexed = true;
    }
    auto it = logged_index.find(event_id);
    return it == logged_index.end() ? nullptr : &decisions[it->second].response;
  }
  std::unordered_map<std::string, std::size_t> logged_index;
  bool indexed = false;
};

std::vector<Group> GroupByEnterprise(std::span<const v1::ScreenRequest* const> requests) {
  std::vector<Group> groups;
  std::unordered_map<std::string_view, std::size_t> index;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const std::string& id = requests[i]->enterprise().id();
    auto [it, added] = index.try_emplace(id, groups.size());
    if (added) groups.push_back(Group{id, {}});
    groups[it->second].requests.push_back(i);
  }
  return groups;
}

// The groups' indices, most events first: the threads take them in this order, so the
// largest enterprise of a batch does not start last and hold the batch up alone.
std::vector<std::size_t> LargestFirst(const std::vector<Group>& groups) {
  std::vector<std::size_t> order(groups.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return groups[a].requests.size() > groups[b].requests.size();
  });
  return order;
}

// The logged response of an applied event, answered for `request`: the same response with
// the request's request_id. Looked up in this batch's decisions, then in those of a commit
// still being written (a stream's previous window), then in the store.
Result<std::optional<v1::ScreenResponse>> Logged(StateStore& store, Group& g,
                                                 const InFlightDecisions* in_flight,
                                                 const v1::ScreenRequest& request) {
  std::optional<std::string> bytes;
  if (const std::string* logged = g.LoggedInBatch(request.event().id())) {
    bytes = *logged;
  } else if (auto found = in_flight != nullptr
                              ? in_flight->Find(g.enterprise_id, request.event().id())
                              : std::nullopt) {
    bytes = std::string(*found);
  } else {
    CREDENCE_ASSIGN_OR_RETURN(bytes, store.LoadDecision(g.enterprise_id, request.event().id()));
  }
  if (!bytes) return std::optional<v1::ScreenResponse>();
  v1::ScreenResponse response;
  if (!response.ParseFromString(*bytes)) {
    return DataLossError("the decision log holds a corrupt response for event '" +
                         request.event().id() + "' of enterprise '" + g.enterprise_id + "'");
  }
  response.set_request_id(request.request_id());
  return std::optional<v1::ScreenResponse>(std::move(response));
}

// Screens the events of one enterprise in order. The binary encoding of each applied
// response (its decision-log record) also goes to (*binary)[i] when `binary` is not null.
void ScreenGroup(const Engine& engine, StateStore& store,
                 std::span<const v1::ScreenRequest* const> requests, Group& g,
                 const InFlightDecisions* in_flight,
                 std::vector<std::optional<Result<v1::ScreenResponse>>>& results,
                 std::vector<std::string>* binary) {
  g.decisions.reserve(g.requests.size());
  for (std::size_t i : g.requests) {
    const v1::ScreenRequest& request = *requests[i];
    if (g.state->Contains(request.event().id())) {
      auto logged = Logged(store, g, in_flight, request);
      if (!logged.ok()) {
        g.error = logged.status();
        return;
      }
      if (*logged) {
        results[i].emplace(std::move(**logged));
        continue;
      }
    }
    Result<v1::ScreenResponse> r = engine.Screen(request, *g.state);
    if (r.ok()) {
      g.dirty = true;
      if (r->disposition() == v1::EVENT_DISPOSITION_APPLIED) {
        std::string bytes = SerializeScreenResponse(*r, WireFormat::kBinary).value();
        if (binary != nullptr) (*binary)[i] = bytes;
        g.Log({g.enterprise_id, request.event().id(), std::move(bytes)});
      }
    }
    results[i].emplace(std::move(r));
  }
  for (std::string& id : g.state->TakeReleasedEventIds()) {
    g.forget.push_back({g.enterprise_id, std::move(id)});
  }
  if (g.dirty) g.state_bytes = g.state->Serialize();
}

// Writes one screened result into `out`: its error, else the binary encoding made for the
// decision log when there is one, else the response serialized in `format`.
void SerializeResult(const Result<v1::ScreenResponse>& result, WireFormat format,
                     std::string* binary, SerializedResult& out) {
  if (!result.ok()) {
    out.status = result.status();
    return;
  }
  if (binary != nullptr && !binary->empty()) {
    out.bytes = std::move(*binary);
    return;
  }
  auto bytes = SerializeScreenResponse(*result, format);
  if (bytes.ok()) {
    out.bytes = std::move(bytes).value();
  } else {
    out.status = bytes.status();
  }
}

}  // namespace

Result<std::vector<Result<v1::ScreenResponse>>> Screener::ScreenBatch(
    std::span<const v1::ScreenRequest> requests, const BatchOptions& batch) {
  std::vector<const v1::ScreenRequest*> pointers;
  pointers.reserve(requests.size());
  for (const v1::ScreenRequest& r : requests) pointers.push_back(&r);
  return ScreenPointers(pointers, batch, nullptr);
}

Result<Screener::Screened> Screener::ScreenGroups(
    std::span<const v1::ScreenRequest* const> requests, const BatchOptions& batch,
    std::vector<std::string>* binary, const InFlightDecisions* in_flight) {
  std::vector<Group> groups = GroupByEnterprise(requests);
  if (binary != nullptr) binary->assign(requests.size(), std::string());
  // States: from the cache, else from the store (in parallel), else new.
  EnterpriseState no_enterprise;  // requests without an enterprise id fail in Screen
  for (Group& g : groups) {
    auto it = cache_->states.find(g.enterprise_id);
    if (it != cache_->states.end()) g.state = &it->second.state;
  }
  CREDENCE_RETURN_IF_ERROR(ParallelFor(batch, groups.size(), [&](std::size_t k) {
    Group& g = groups[k];
    if (g.state != nullptr || g.enterprise_id.empty()) return;
    auto bytes = store_->LoadState(g.enterprise_id);
    if (!bytes.ok()) {
      g.error = bytes.status();
      return;
    }
    if (!*bytes) return;
    auto state = engine_->LoadState(**bytes);
    if (!state.ok()) {
      g.error = state.status();
      return;
    }
    g.loaded.emplace(std::move(state).value());
  }));
  for (Group& g : groups) {
    if (!g.error.ok()) return g.error;
    if (g.enterprise_id.empty()) {
      g.state = &no_enterprise;
    } else if (g.state == nullptr) {
      g.state =
          &cache_->Insert(g.enterprise_id, g.loaded ? std::move(*g.loaded) : EnterpriseState())
               .state;
    }
  }
  std::vector<std::optional<Result<v1::ScreenResponse>>> slots(requests.size());
  const std::vector<std::size_t> order = LargestFirst(groups);
  CREDENCE_RETURN_IF_ERROR(ParallelFor(batch, order.size(), [&](std::size_t k) {
    ScreenGroup(*engine_, *store_, requests, groups[order[k]], in_flight, slots, binary);
  }));
  Screened out;
  for (Group& g : groups) {
    if (!g.error.ok()) {
      cache_->Clear();  // states in memory are ahead of the store
      return g.error;
    }
    if (g.dirty && !g.enterprise_id.empty()) {
      out.commit.states.push_back({g.enterprise_id, std::move(g.state_bytes)});
    }
    for (auto& d : g.decisions) out.commit.decisions.push_back(std::move(d));
    for (auto& f : g.forget) out.commit.forget.push_back(std::move(f));
    if (!g.enterprise_id.empty()) {
      cache_->Touch(g.enterprise_id, cache_->states.at(g.enterprise_id));
      ++out.enterprises;
    }
  }
  out.results.reserve(slots.size());
  for (auto& slot : slots) out.results.push_back(std::move(*slot));
  return out;
}

Status Screener::Commit(const StateCommit& commit) {
  if (Status s = store_->Commit(commit); !s.ok()) {
    cache_->Clear();
    return s;
  }
  return OkStatus();
}

Result<std::vector<Result<v1::ScreenResponse>>> Screener::ScreenPointers(
    std::span<const v1::ScreenRequest* const> requests, const BatchOptions& batch,
    std::vector<std::string>* binary) {
  CREDENCE_ASSIGN_OR_RETURN(Screened screened, ScreenGroups(requests, batch, binary, nullptr));
  CREDENCE_RETURN_IF_ERROR(Commit(screened.commit));
  cache_->Evict(0);
  return std::move(screened.results);
}

Result<Screener::Screened> Screener::ScreenRecords(std::span<const std::string_view> records,
                                                   const SerializedOptions& options,
                                                   const BatchOptions& batch,
                                                   const InFlightDecisions* in_flight) {
  if (options.error_records && options.out_format == WireFormat::kText) {
    return InvalidArgumentError("error records are written in JSON or binary, not text format");
  }
  std::vector<SerializedResult> out(records.size());
  // Parsed onto one arena: freed at once, without a free() per field.
  auto arena = std::make_unique<google::protobuf::Arena>();
  std::vector<v1::ScreenRequest*> parsed(records.size());
  for (auto*& p : parsed)
    p = google::protobuf::Arena::CreateMessage<v1::ScreenRequest>(arena.get());
  CREDENCE_RETURN_IF_ERROR(ParallelFor(batch, records.size(), [&](std::size_t i) {
    Status s = ParseScreenRequest(records[i], options.in_format, RequestLimits{}, parsed[i]);
    if (s.ok()) {
      out[i].request_id = parsed[i]->request_id();
    } else {
      out[i].status = std::move(s);
      parsed[i] = nullptr;
    }
  }));
  std::vector<const v1::ScreenRequest*> requests;
  std::vector<std::size_t> where;
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    if (parsed[i] == nullptr) continue;
    requests.push_back(parsed[i]);
    where.push_back(i);
  }
  // Applied responses come back already encoded in binary (their decision-log record).
  std::vector<std::string> binary;
  CREDENCE_ASSIGN_OR_RETURN(
      Screened screened,
      ScreenGroups(requests, batch, options.out_format == WireFormat::kBinary ? &binary : nullptr,
                   in_flight));
  CREDENCE_RETURN_IF_ERROR(ParallelFor(batch, where.size(), [&](std::size_t k) {
    SerializeResult(screened.results[k], options.out_format, binary.empty() ? nullptr : &binary[k],
                    out[where[k]]);
  }));
  if (options.error_records) {
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (out[i].status.ok()) continue;
      out[i].bytes = SerializeErrorRecord(options.first_index + i, out[i].request_id, out[i].status,
                                          options.out_format)
                         .value();
    }
  }
  screened.serialized = std::move(out);
  screened.arena = std::move(arena);
  return screened;
}

Result<std::vector<SerializedResult>> Screener::ScreenSerialized(
    std::span<const std::string_view> records, const SerializedOptions& options,
    const BatchOptions& batch) {
  CREDENCE_ASSIGN_OR_RETURN(Screened screened, ScreenRecords(records, options, batch, nullptr));
  CREDENCE_RETURN_IF_ERROR(Commit(screened.commit));
  cache_->Evict(0);
  return std::move(screened.serialized);
}

Status Screener::ScreenStream(
    const std::function<Result<bool>(std::vector<std::string_view>&)>& next,
    const std::function<Status(std::vector<SerializedResult>)>& emit,
    const SerializedOptions& options, const BatchOptions& batch) {
  std::vector<std::string_view> records;
  if (batch.pool != nullptr ? batch.pool->size() == 1 : batch.threads == 1) {
    // One thread: nothing to overlap a commit with (and the window's bytes are still in the
    // cache when it is committed at once).
    while (true) {
      records.clear();
      CREDENCE_ASSIGN_OR_RETURN(bool more, next(records));
      if (!more) return OkStatus();
      CREDENCE_ASSIGN_OR_RETURN(std::vector<SerializedResult> out,
                                ScreenSerialized(records, options, batch));
      CREDENCE_RETURN_IF_ERROR(emit(std::move(out)));
    }
  }
  // Destroyed in reverse order: the commit in flight is waited for before its window goes.
  std::optional<Screened> previous;  // screened; its commit in flight
  std::future<Status> committing;
  std::optional<InFlightDecisions> in_flight;
  auto finish_previous = [&]() -> Status {
    const Status committed = committing.get();
    in_flight.reset();
    if (!committed.ok()) {
      cache_->Clear();
      return committed;
    }
    Status emitted = emit(std::move(previous->serialized));
    previous.reset();
    if (!emitted.ok()) cache_->Clear();  // a window screened since may be ahead of the store
    return emitted;
  };
  while (true) {
    records.clear();
    Result<bool> more = next(records);
    if (!more.ok() || !*more) {
      Status last = previous ? finish_previous() : OkStatus();
      return more.ok() ? last : more.status();
    }
    Result<Screened> window =
        ScreenRecords(records, options, batch, in_flight ? &*in_flight : nullptr);
    if (previous) CREDENCE_RETURN_IF_ERROR(finish_previous());
    if (!window.ok()) return window.status();
    cache_->Evict(window->enterprises);  // the window's states stay until they are committed
    previous.emplace(std::move(window).value());
    in_flight.emplace(previous->commit);
    committing = std::async(std::launch::async, [this, w = &*previous] {
      Status committed = store_->Commit(w->commit);
      w->results.clear();
      w->arena.reset();
      return committed;
    });
  }
}

Result<v1::ScreenResponse> Screener::Screen(const v1::ScreenRequest& request) {
  CREDENCE_ASSIGN_OR_RETURN(std::vector<Result<v1::ScreenResponse>> results,
                            ScreenBatch(std::span(&request, 1), {.threads = 1}));
  return std::move(results[0]);
}

Status Screener::Seed(const v1::ScoreRequest& history) {
  CREDENCE_ASSIGN_OR_RETURN(EnterpriseState state, engine_->BuildState(history));
  StateCommit commit;
  commit.states.push_back({state.enterprise_id(), state.Serialize()});
  if (Status s = store_->Commit(commit); !s.ok()) {
    cache_->Clear();
    return s;
  }
  const std::string id = state.enterprise_id();
  if (auto it = cache_->states.find(id); it != cache_->states.end()) {
    cache_->lru.erase(it->second.lru);
    cache_->states.erase(it);
  }
  cache_->Insert(id, std::move(state));
  cache_->Evict(0);
  return OkStatus();
}

Result<std::optional<EnterpriseState>> Screener::Load(std::string_view enterprise_id) {
  CREDENCE_ASSIGN_OR_RETURN(std::optional<std::string> bytes, store_->LoadState(enterprise_id));
  if (!bytes) return std::optional<EnterpriseState>();
  CREDENCE_ASSIGN_OR_RETURN(EnterpriseState state, engine_->LoadState(*bytes));
  return std::optional<EnterpriseState>(std::move(state));
}

}  // namespace credence
