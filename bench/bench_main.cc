// main() for every benchmark program: runs the benchmarks and then prints, for each
// benchmark whose name contains "/credence/", the ratio to the same benchmark with
// "/xgboost/", "/lua/", "/naive/" or "/protobuf/" in its place (alternative time / credence
// time: above 1 means credence is faster).
#include <benchmark/benchmark.h>

#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.run_type == Run::RT_Iteration) ns_[r.benchmark_name()] = r.GetAdjustedRealTime();
    }
  }
  void Finalize() override {
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
          GetOutputStream() << "\nratios (alternative time / credence time):\n";
          header = true;
        }
        GetOutputStream() << "  " << name << "  speedup vs" << alt << " " << it->second / t
                          << "x\n";
      }
    }
    ConsoleReporter::Finalize();
  }

 private:
  std::map<std::string, double> ns_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
