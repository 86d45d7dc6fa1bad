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
#include <cstring>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "command_line.h"
#include "commands.h"
#include "credence/thread_pool.h"
#include "output.h"
#include "sim/simulator.h"
#include "sim/stream.h"

namespace credence::cli {
namespace {

constexpr const char* kDescription =
    R"(Generates N synthetic cross-border e-commerce enterprises with their event histories
(orders, payouts, refunds, disputes, chargebacks, customs declarations and inspections,
tax-refund claims, shipments and deliveries, complaints, penalties, licences, loans) as
credence.v1.ScoreRequests, and optionally their outcome labels for the 12 months after T.
The generative model is described in docs/simulator.md. Output is a pure function of
(N, S, T, options): enterprise i is the same whatever N and --threads are.
)";

constexpr const char* kEpilog =
    R"(Prints the number of events and events/s to stderr. --out and --labels are committed
together: after a failure neither file is left. Exit status 0 on success, 2 on a usage error
or when an output cannot be written.
)";

constexpr std::uint64_t kChunk = 256;

struct SimulateArgs {
  sim::SimOptions options;
  std::uint64_t enterprises = 0;
  std::string as_of, out, format = "jsonl", labels;
  int threads = 0;
  bool stream = false;
  double attack_share = 0;
};

// Declares the options into `a`; nullopt when the command should run.
std::optional<int> ParseSimulateArgs(int argc, char** argv, SimulateArgs& a) {
  CommandLine cl("simulate", "simulate --enterprises N --seed S --as-of T [options]", kDescription);
  cl.Integer<std::uint64_t>("enterprises", "N", "number of enterprises (required, 1..10,000,000)",
                            1, 10'000'000, &a.enterprises)
      .Required()
      .Integer<std::uint64_t>("seed", "S", "random seed, an unsigned 64-bit integer (required)", 0,
                              std::numeric_limits<std::uint64_t>::max(), &a.options.seed)
      .Required()
      .Text("as-of", "T", "scoring date, RFC 3339 (\"2026-10-01T00:00:00Z\") (required)", &a.as_of)
      .Required()
      .Text("out", "FILE", "output, default stdout; written to FILE.tmp and renamed when done",
            &a.out)
      .Choice("format", "F",
              "jsonl (default: one JSON request per line) or pb (length-delimited binary "
              "requests: varint length, then the message)",
              {"jsonl", "pb"}, &a.format)
      .Text("labels", "FILE",
            "also write the labels as CSV, with the columns request_id, enterprise_id, "
            "archetype, default_12m, violation_12m and bad",
            &a.labels)
      .Integer("history-days", "D", "days of history before T, 30 to 3650 (default 730)", 30, 3650,
               &a.options.history_days)
      .Threads(
          "generating threads, 0 to 256 (default 0: all cores); output bytes do not depend on it",
          &a.threads)
      .Number("risk-shift", "F",
              "multiply the odds of default and of a violation by F, histories unchanged (a "
              "population the models under-predict, for monitoring tests), 0.01 to 100; "
              "default 1",
              {.low = 0.01, .high = 100}, &a.options.risk_shift)
      .Group("Stream (--stream):")
      .Flag("stream",
            "write one time-ordered stream of ScreenRequests (one event each, all enterprises "
            "merged) for `credence screen`, instead of one ScoreRequest per enterprise; "
            "--labels then gets the attack labels (enterprise_id, attack, start, start_seconds, "
            "first_event_id, events). Built in memory (about 300 bytes per event)",
            &a.stream)
      .Number("attack-share", "P",
              "with --stream: share of enterprises given an attack scenario (refund_spike, "
              "chargeback_burst, counterfeit_burst, dormant_new_markets, listed_payout), "
              "default 0",
              {.low = 0, .high = 1}, &a.attack_share)
      .Epilog(kEpilog);
  if (std::optional<int> exit = cl.Parse(argc, argv)) return exit;
  google::protobuf::Timestamp as_of;
  if (!google::protobuf::util::TimeUtil::FromString(a.as_of, &as_of)) {
    return cl.UsageError("--as-of must be an RFC 3339 time such as 2026-10-01T00:00:00Z");
  }
  a.options.as_of_seconds = as_of.seconds();
  if (Status s = sim::ValidateOptions(a.options); !s.ok()) {
    // The simulator names its fields; the user gave options.
    std::string message(s.message());
    for (auto [field, option] :
         {std::pair{"as_of", "--as-of"}, {"history_days", "--history-days"}}) {
      if (message.rfind(field, 0) == 0) message.replace(0, std::strlen(field), option);
    }
    return cl.UsageError(message);
  }
  if (std::string same = SameFileError({{"--out", &a.out}, {"--labels", &a.labels}});
      !same.empty()) {
    return cl.UsageError(same);
  }
  return std::nullopt;
}

// One generated enterprise: its request record and labels row.
struct Slot {
  std::string bytes, label;
  std::uint64_t events = 0;
  bool ok = true;
};

// Serializes simulated requests deterministically as JSON Lines or length-delimited binary.
// Immutable after construction; Encode() may be called from any number of threads.
class RequestEncoder {
 public:
  // Encodes messages of `type` (ScoreRequest, or ScreenRequest for --stream).
  explicit RequestEncoder(bool binary,
                          const google::protobuf::Descriptor* type = v1::ScoreRequest::descriptor())
      : binary_(binary),
        resolver_(google::protobuf::util::NewTypeResolverForDescriptorPool(
            "type.googleapis.com", google::protobuf::DescriptorPool::generated_pool())),
        type_("type.googleapis.com/" + type->full_name()) {
    json_.preserve_proto_field_names = true;
  }

  // False when the request could not be converted to JSON.
  bool Encode(const google::protobuf::Message& request, std::string& out) const {
    // Deterministic binary first (map entries sorted by key). JSON is converted from those
    // bytes: printing the message directly would follow the maps' unspecified order.
    std::string wire;
    {
      google::protobuf::io::StringOutputStream stream(&wire);
      google::protobuf::io::CodedOutputStream coded(&stream);
      coded.SetSerializationDeterministic(true);
      (void)request.ByteSizeLong();  // caches the sizes SerializeWithCachedSizes writes
      request.SerializeWithCachedSizes(&coded);
    }
    if (binary_) {
      google::protobuf::io::StringOutputStream stream(&out);
      google::protobuf::io::CodedOutputStream coded(&stream);
      coded.WriteVarint32(static_cast<std::uint32_t>(wire.size()));
      coded.WriteRaw(wire.data(), static_cast<int>(wire.size()));
      return true;
    }
    const bool ok =
        google::protobuf::util::BinaryToJsonString(resolver_.get(), type_, wire, &out, json_).ok();
    out.push_back('\n');
    return ok;
  }

 private:
  bool binary_;
  std::unique_ptr<google::protobuf::util::TypeResolver> resolver_;
  std::string type_;
  google::protobuf::util::JsonPrintOptions json_;
};

// Simulates enterprises [first, first + slots.size()) on the pool's threads into `slots`.
Status GenerateChunk(const SimulateArgs& a, const RequestEncoder& encoder, std::uint64_t first,
                     bool with_labels, ThreadPool& pool, std::vector<Slot>& slots) {
  return pool.ParallelFor(slots.size(), [&](std::size_t i) {
    sim::SimulatedEnterprise e = sim::SimulateEnterprise(a.options, first + i);
    Slot& slot = slots[i];
    slot.events = static_cast<std::uint64_t>(e.request.events_size());
    slot.ok = encoder.Encode(e.request, slot.bytes);
    if (with_labels) slot.label = sim::LabelsCsvRow(e) + "\n";
  });
}

void PrintThroughput(const SimulateArgs& a, std::uint64_t events, double secs) {
  char line[256];
  std::snprintf(line, sizeof line,
                "credence simulate: %llu enterprises, %llu events in %.2f s: %.0f events/s "
                "(%d threads, %s)\n",
                static_cast<unsigned long long>(a.enterprises),
                static_cast<unsigned long long>(events), secs,
                secs > 0 ? static_cast<double>(events) / secs : 0.0, a.threads, a.format.c_str());
  std::cerr << line;
}

// --stream: one time-ordered stream of ScreenRequests with attack labels.
int WriteStream(const SimulateArgs& a) {
  const auto start = std::chrono::steady_clock::now();
  auto stream = sim::SimulateStream(
      {.sim = a.options, .enterprises = a.enterprises, .attack_share = a.attack_share});
  if (!stream.ok()) {
    std::cerr << "credence simulate: " << stream.status() << "\n";
    return 2;
  }
  OutputFile out(a.out);
  std::unique_ptr<OutputFile> labels;
  if (!a.labels.empty()) labels = std::make_unique<OutputFile>(a.labels);
  if (!out.ok() || (labels && !labels->ok())) {
    std::cerr << "credence simulate: " << (out.ok() ? labels->error() : out.error()) << "\n";
    return 1;
  }
  const RequestEncoder encoder(a.format == "pb", v1::ScreenRequest::descriptor());
  std::string bytes;
  for (const v1::ScreenRequest& r : stream->requests) {
    bytes.clear();
    if (!encoder.Encode(r, bytes)) {
      std::cerr << "credence simulate: could not serialize a request\n";
      return 1;
    }
    out.stream() << bytes;
  }
  if (labels) {
    labels->stream() << sim::kAttackLabelsHeader << "\n";
    for (const sim::AttackLabel& l : stream->labels) {
      labels->stream() << sim::AttackLabelRow(l) << "\n";
    }
  }
  if (!out.Commit() || (labels && !labels->Commit())) {
    std::cerr << "credence simulate: " << (out.ok() ? labels->error() : out.error()) << "\n";
    return 1;
  }
  PrintThroughput(a, stream->requests.size(),
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return 0;
}

}  // namespace

int SimulateCommand(int argc, char** argv) {
  SimulateArgs a;
  if (std::optional<int> exit = ParseSimulateArgs(argc, argv, a)) return *exit;
  if (a.stream) return WriteStream(a);
  OutputFile out(a.out);
  if (!Opened("simulate", out)) return 2;
  std::unique_ptr<OutputFile> labels;
  if (!a.labels.empty()) {
    labels = std::make_unique<OutputFile>(a.labels, "--labels");
    if (!Opened("simulate", *labels)) return 2;
    labels->stream() << sim::kLabelsHeader << "\n";
  }
  auto pool = ThreadPool::Create(a.threads);
  if (!pool.ok()) {
    PrintError("simulate", pool.status());
    return 2;
  }
  a.threads = (*pool)->size();
  const RequestEncoder encoder(a.format == "pb");
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t events = 0;
  const std::uint64_t window = kChunk * static_cast<std::uint64_t>(a.threads);
  std::vector<Slot> slots;
  for (std::uint64_t first = 0; first < a.enterprises; first += window) {
    slots.assign(std::min<std::uint64_t>(window, a.enterprises - first), Slot{});
    if (Status done = GenerateChunk(a, encoder, first, labels != nullptr, **pool, slots);
        !done.ok()) {
      PrintError("simulate", done);
      return 1;
    }
    for (const Slot& s : slots) {
      if (!s.ok) {
        PrintError("simulate", "could not serialize a request");
        return 1;
      }
      out.stream().write(s.bytes.data(), static_cast<std::streamsize>(s.bytes.size()));
      if (labels) labels->stream() << s.label;
      events += s.events;
    }
    if (!out.ok() || (labels && !labels->ok())) break;  // the commit below reports it
  }
  if (std::string error; !CommitAll({&out, labels.get()}, &error)) {
    PrintError("simulate", error);
    return 2;
  }
  PrintThroughput(a, events,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return 0;
}

}  // namespace credence::cli
