// main() for every benchmark program. Every Google Benchmark flag works as in the library's
// own main (--benchmark_format, --benchmark_out, --benchmark_filter, ...): the display
// reporter is the one the library would create from the flags. In addition, after the run,
// for each benchmark whose name contains "/credence/", the ratio to the same benchmark with
// "/xgboost/", "/lua/", "/naive/" or "/protobuf/" in its place (alternative time / credence
// time: above 1 means credence is faster) is printed.
//
// The ratios go to stderr, whatever the format: stdout then holds exactly what the chosen
// reporter writes (valid JSON with --benchmark_format=json, CSV with =csv), and in the
// console format both still show on a terminal.
#include <benchmark/benchmark.h>

#include <iostream>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace {

// Forwards everything to the reporter the flags ask for and remembers each benchmark's time.
// Thread-compatible (the library calls it from the thread that runs the benchmarks).
class RatioReporter : public benchmark::BenchmarkReporter {
 public:
  // `display` is not owned: benchmark::CreateDefaultDisplayReporter() keeps the one it makes.
  explicit RatioReporter(benchmark::BenchmarkReporter* display) : display_(display) {}

  bool ReportContext(const Context& context) override { return display_->ReportContext(context); }
  void ReportRuns(const std::vector<Run>& runs) override {
    display_->ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.run_type == Run::RT_Iteration) ns_[r.benchmark_name()] = r.GetAdjustedRealTime();
    }
  }
  void Finalize() override {
    display_->Finalize();
    display_->GetOutputStream().flush();
    PrintRatios(std::cerr);
  }

 private:
  void PrintRatios(std::ostream& out) const {
    bool header = false;
    for (const auto& [name, t] : ns_) {
      // "BM_X/credence/..." or a name ending in "BM_X/credence".
      const std::string key = name + "/";
      const auto at = key.find("/credence/");
      if (at == std::string::npos) continue;
      for (const char* alt : {"/xgboost/", "/lua/", "/naive/", "/protobuf/"}) {
        std::string other = std::string(key).replace(at, 10, alt);
        other.pop_back();
        auto it = ns_.find(other);
        if (it == ns_.end()) continue;
        if (!header) {
          out << "\nratios (alternative time / credence time):\n";
          header = true;
        }
        out << "  " << name << "  speedup vs" << alt << " " << it->second / t << "x\n";
      }
    }
  }

  benchmark::BenchmarkReporter* display_;
  std::map<std::string, double> ns_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter(benchmark::CreateDefaultDisplayReporter());
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
