// credence state: inspects and seeds the screening state store.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "command_line.h"
#include "commands.h"
#include "credence/screener.h"
#include "credence/state_store.h"
#include "output.h"
#include "score_stream.h"

namespace credence::cli {
namespace {

constexpr const char* kDescription =
    R"(Inspects and seeds the per-enterprise states of `credence screen` (a RocksDB folder).

  show   one enterprise's state: its latest event, the events it keeps, its size in bytes
         and every feature as of its latest event (JSON)
  list   the enterprise ids that have a state, one per line
  stats  how many states, and their size in bytes (total, median, p99, largest)
  seed   builds states from batch requests (ScoreRequests, each an enterprise's history up to
         its as_of, JSON Lines or binary as for `credence score`) and stores them: the hand-over
         from batch scoring to screening. A stored state of the same enterprise is replaced.
)";

constexpr const char* kEpilog =
    R"(Exit status: 0 on success; 1 when `show` finds no state or `seed` could not build some
states (reported on stderr with their record number); 2 on a usage, input, bundle or store
error.
)";

struct StateArgs {
  std::vector<std::string> action;
  std::string bundle, state, enterprise, in = "-", format;
};

int Show(const Engine& engine, Screener& screener, const std::string& enterprise) {
  auto state = screener.Load(enterprise);
  if (!state.ok()) {
    std::cerr << "credence state: " << state.status() << "\n";
    return 2;
  }
  if (!*state) {
    std::cerr << "credence state: no state for enterprise '" << enterprise << "'\n";
    return 1;
  }
  const v1::EnterpriseState saved = (*state)->ToProto();
  nlohmann::ordered_json out;
  out["enterpriseId"] = saved.enterprise_id();
  out["asOf"] = saved.as_of().seconds() * 1'000'000'000 + saved.as_of().nanos();
  out["eventsApplied"] = saved.events_applied();
  out["duplicates"] = saved.duplicates();
  out["retainedEvents"] = (*state)->retained_events();
  out["stateBytes"] = (*state)->Serialize().size();
  out["bundle"] = saved.bundle_name() + " " + saved.bundle_digest();
  auto features = engine.StateFeatures(**state);
  if (features.ok()) {
    nlohmann::ordered_json f = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < features->values.size(); ++i) {
      const double v = features->values[i];
      f[engine.info().feature_names[i]] =
          std::isnan(v) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v);
    }
    out["features"] = std::move(f);
  }
  std::cout << out.dump(2) << "\n";
  return 0;
}

int Stats(StateStore& store) {
  std::vector<std::size_t> sizes;
  Status error;
  const Status listed = store.ForEachEnterprise([&](std::string_view id) {
    auto bytes = store.LoadState(id);
    if (!bytes.ok()) {
      error = bytes.status();
      return false;
    }
    if (*bytes) sizes.push_back((*bytes)->size());
    return true;
  });
  if (!listed.ok() || !error.ok()) {
    std::cerr << "credence state: " << (listed.ok() ? error : listed) << "\n";
    return 2;
  }
  std::sort(sizes.begin(), sizes.end());
  std::size_t total = 0;
  for (std::size_t s : sizes) total += s;
  auto at = [&](double q) {
    return sizes.empty()
               ? 0
               : sizes[static_cast<std::size_t>(q * static_cast<double>(sizes.size() - 1))];
  };
  nlohmann::ordered_json out;
  out["states"] = sizes.size();
  out["totalBytes"] = total;
  out["medianBytes"] = at(0.5);
  out["p99Bytes"] = at(0.99);
  out["maxBytes"] = sizes.empty() ? 0 : sizes.back();
  std::cout << out.dump(2) << "\n";
  return 0;
}

int Seed(Screener& screener, const StateArgs& a) {
  auto opened = OpenInput("--in", a.in);
  if (!opened.ok()) {
    PrintError("state", opened.status().message());
    return 2;
  }
  std::unique_ptr<std::istream> in = std::move(opened).value();
  RecordFormat format = DetectRecordFormat(a.in, *in);
  if (!a.format.empty()) {
    auto f = ParseRecordFormat(a.format);
    if (!f.ok()) {
      std::cerr << "credence state: --format: " << f.status() << "\n";
      return 2;
    }
    format = *f;
  }
  RecordReader reader(*in, format);
  std::size_t seeded = 0, failed = 0;
  while (auto record = reader.Next()) {
    Status s = record->request ? screener.Seed(*record->request) : record->error;
    if (s.code() == StatusCode::kUnavailable || s.code() == StatusCode::kDataLoss) {
      std::cerr << "credence state: the store failed: " << s << "\n";
      return 2;
    }
    if (!s.ok()) {
      std::cerr << "credence state: record " << record->index << ": " << s << "\n";
      ++failed;
      continue;
    }
    ++seeded;
  }
  std::cout << seeded << " state(s) seeded, " << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}

}  // namespace

int StateCommand(int argc, char** argv) {
  StateArgs a;
  CommandLine cl("state", "state show|list|stats|seed --state DIR [--bundle PATH] [options]",
                 kDescription);
  cl.Positionals("ACTION", 1, 1, &a.action)
      .Text("state", "DIR", "the state store (a RocksDB folder; required)", &a.state)
      .Required()
      .Text("bundle", "PATH", "bundle file or folder (show, seed)", &a.bundle)
      .Text("enterprise", "ID", "the enterprise to show (show)", &a.enterprise)
      .Text("in", "FILE", "batch requests to seed from (seed), default '-' (stdin)", &a.in)
      .Text("format", "F", "format of --in, jsonl or pb (default: detected)", &a.format)
      .Epilog(kEpilog);
  if (std::optional<int> exit = cl.Parse(argc, argv)) return *exit;
  const std::string& action = a.action[0];
  if (action != "show" && action != "list" && action != "stats" && action != "seed") {
    return cl.UsageError("unknown action '" + action + "' (show, list, stats or seed)");
  }
  if ((action == "show" || action == "seed") && a.bundle.empty()) {
    return cl.UsageError(action + " needs --bundle");
  }
  if (action == "show" && a.enterprise.empty()) return cl.UsageError("show needs --enterprise");
  auto store = OpenRocksDbStateStore(a.state, {.create_if_missing = action == "seed"});
  if (!store.ok()) {
    std::cerr << "credence state: " << store.status() << "\n";
    return 2;
  }
  if (action == "stats") return Stats(**store);
  if (action == "list") {
    const Status s = (*store)->ForEachEnterprise([](std::string_view id) {
      std::cout << id << "\n";
      return true;
    });
    if (!s.ok()) std::cerr << "credence state: " << s << "\n";
    return s.ok() ? 0 : 2;
  }
  auto engine = LoadEngine("state", a.bundle);
  if (engine == nullptr) return 2;
  Screener screener(engine, *store);
  return action == "show" ? Show(*engine, screener, a.enterprise) : Seed(screener, a);
}

}  // namespace credence::cli
