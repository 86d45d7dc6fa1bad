// credence simulate: writes synthetic cross-border e-commerce ScoreRequests (src/sim).
#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/util/delimited_message_util.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>
#include <google/protobuf/util/type_resolver.h>
#include <google/protobuf/util/type_resolver_util.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "args.h"
#include "commands.h"
#include "output.h"
#include "sim/simulator.h"

namespace credence::cli {
namespace {

constexpr const char* kUsage =
    R"(usage: credence simulate --enterprises N --seed S --as-of T [options]

Generates N synthetic cross-border e-commerce enterprises with their event histories
(orders, payouts, refunds, disputes, chargebacks, customs declarations and inspections,
tax-refund claims, shipments and deliveries, complaints, penalties, licences, loans) as
credence.v1.ScoreRequests, and optionally their outcome labels for the 12 months after T.
The generative model is described in docs/simulator.md. Output is a pure function of
(N, S, T, options): enterprise i is the same whatever N and --threads are.

  --enterprises N      number of enterprises (required, 1..10,000,000)
  --seed S             random seed, an unsigned 64-bit integer (required)
  --as-of T            scoring date, RFC 3339 ("2026-10-01T00:00:00Z") (required)
  --out FILE           output, default stdout; written to FILE.tmp and renamed when done
  --format F           jsonl (default: one JSON request per line) or pb (length-delimited
                       binary requests: varint length, then the message)
  --labels FILE        also write labels CSV:
                       request_id,enterprise_id,archetype,default_12m,violation_12m,bad
  --history-days D     days of history before T (default 730)
  --threads N          generating threads (default: all cores)

Prints the number of events and events/s to stderr. Exit status 0 on success, 2 on a
usage error, 1 on a write error.
)";

constexpr std::uint64_t kChunk = 256;

}  // namespace

int SimulateCommand(int argc, char** argv) {
  Args args(argc, argv,
            {"enterprises", "seed", "as-of", "out", "format", "labels", "history-days", "threads"},
            {"help"});
  if (args.Has("help")) {
    std::cout << kUsage;
    return 0;
  }
  auto usage = [](const std::string& message) {
    std::cerr << "credence simulate: " << message << "\n\n" << kUsage;
    return 2;
  };
  if (!args.ok()) return usage(args.error());
  if (!args.positional().empty()) return usage("unexpected argument " + args.positional()[0]);
  for (const char* flag : {"enterprises", "seed", "as-of"}) {
    if (!args.Has(flag)) return usage(std::string("--") + flag + " is required");
  }
  sim::SimOptions options;
  std::uint64_t n = 0;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  try {
    std::size_t pos = 0;
    const std::string ns = args.Get("enterprises");
    const long long parsed = std::stoll(ns, &pos);
    if (pos != ns.size() || parsed < 1 || parsed > 10'000'000) {
      return usage("--enterprises must be an integer in [1, 10000000]");
    }
    n = static_cast<std::uint64_t>(parsed);
    const std::string ss = args.Get("seed");
    options.seed = std::stoull(ss, &pos);
    if (pos != ss.size() || ss.empty() || ss[0] == '-')
      return usage("--seed must be an unsigned integer");
    if (args.Has("history-days")) options.history_days = std::stoi(args.Get("history-days"));
    if (args.Has("threads")) {
      const int t = std::stoi(args.Get("threads"));
      if (t < 1 || t > 256) return usage("--threads must be in [1, 256]");
      threads = static_cast<unsigned>(t);
    }
  } catch (const std::exception&) {
    return usage("--enterprises, --seed, --history-days and --threads take integers");
  }
  google::protobuf::Timestamp as_of;
  if (!google::protobuf::util::TimeUtil::FromString(args.Get("as-of"), &as_of)) {
    return usage("--as-of must be an RFC 3339 time such as 2026-10-01T00:00:00Z");
  }
  options.as_of_seconds = as_of.seconds();
  if (Status s = sim::ValidateOptions(options); !s.ok()) return usage(std::string(s.message()));
  const std::string format = args.Get("format", "jsonl");
  if (format != "jsonl" && format != "pb") return usage("--format must be jsonl or pb");
  const bool binary = format == "pb";

  OutputFile out(args.Get("out"));
  if (!out.ok()) {
    std::cerr << "credence simulate: " << out.error() << "\n";
    return 1;
  }
  std::unique_ptr<OutputFile> labels;
  if (args.Has("labels")) {
    labels = std::make_unique<OutputFile>(args.Get("labels"));
    if (!labels->ok()) {
      std::cerr << "credence simulate: " << labels->error() << "\n";
      return 1;
    }
    labels->stream() << sim::kLabelsHeader << "\n";
  }

  google::protobuf::util::JsonPrintOptions json;
  json.preserve_proto_field_names = true;
  const std::unique_ptr<google::protobuf::util::TypeResolver> resolver(
      google::protobuf::util::NewTypeResolverForDescriptorPool(
          "type.googleapis.com", google::protobuf::DescriptorPool::generated_pool()));
  const std::string kRequestType =
      "type.googleapis.com/" + v1::ScoreRequest::descriptor()->full_name();
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t events = 0;
  struct Slot {
    std::string bytes, label;
    std::uint64_t events = 0;
    bool ok = true;
  };
  std::vector<Slot> slots;
  for (std::uint64_t first = 0; first < n; first += kChunk * threads) {
    const std::uint64_t count = std::min<std::uint64_t>(kChunk * threads, n - first);
    slots.assign(count, Slot{});
    auto work = [&](unsigned t) {
      for (std::uint64_t i = t; i < count; i += threads) {
        sim::SimulatedEnterprise e = sim::SimulateEnterprise(options, first + i);
        Slot& slot = slots[i];
        slot.events = static_cast<std::uint64_t>(e.request.events_size());
        // Deterministic binary first (map entries sorted by key). JSON is converted from those
        // bytes: printing the message directly would follow the maps' unspecified order.
        std::string wire;
        {
          google::protobuf::io::StringOutputStream stream(&wire);
          google::protobuf::io::CodedOutputStream coded(&stream);
          coded.SetSerializationDeterministic(true);
          (void)e.request.ByteSizeLong();  // caches the sizes SerializeWithCachedSizes writes
          e.request.SerializeWithCachedSizes(&coded);
        }
        if (binary) {
          google::protobuf::io::StringOutputStream stream(&slot.bytes);
          google::protobuf::io::CodedOutputStream coded(&stream);
          coded.WriteVarint32(static_cast<std::uint32_t>(wire.size()));
          coded.WriteRaw(wire.data(), static_cast<int>(wire.size()));
        } else {
          slot.ok = google::protobuf::util::BinaryToJsonString(resolver.get(), kRequestType, wire,
                                                               &slot.bytes, json)
                        .ok();
          slot.bytes.push_back('\n');
        }
        if (labels) slot.label = sim::LabelsCsvRow(e) + "\n";
      }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
    for (const Slot& s : slots) {
      if (!s.ok) {
        std::cerr << "credence simulate: could not serialize a request\n";
        return 1;
      }
      out.stream().write(s.bytes.data(), static_cast<std::streamsize>(s.bytes.size()));
      if (labels) labels->stream() << s.label;
      events += s.events;
    }
  }
  if (!out.Commit() || (labels && !labels->Commit())) {
    std::cerr << "credence simulate: " << (out.ok() ? labels->error() : out.error()) << "\n";
    return 1;
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  char line[256];
  std::snprintf(line, sizeof line,
                "credence simulate: %llu enterprises, %llu events in %.2f s: %.0f events/s "
                "(%u threads, %s)\n",
                static_cast<unsigned long long>(n), static_cast<unsigned long long>(events), secs,
                secs > 0 ? static_cast<double>(events) / secs : 0.0, threads, format.c_str());
  std::cerr << line;
  return 0;
}

}  // namespace credence::cli
