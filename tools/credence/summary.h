// The readable summary of `credence score --summary`: one line per request for the first few
// requests, then the population: decisions, credit and compliance grade distributions (in the
// bundle's grade order), the most frequent adverse reasons and rule hits, and throughput.
#ifndef CREDENCE_TOOLS_CREDENCE_SUMMARY_H_
#define CREDENCE_TOOLS_CREDENCE_SUMMARY_H_

#include <cstddef>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "credence/engine.h"
#include "credence/status.h"
#include "credence/v1/bundle.pb.h"
#include "credence/v1/score.pb.h"

namespace credence::cli {

class PopulationSummary {
 public:
  // `bundle` gives the grade order and reason texts; `detail_rows` requests are printed in
  // full (with their rule hits), the rest only counted.
  PopulationSummary(const v1::Bundle& bundle, std::size_t detail_rows);

  void PrintHeader(std::ostream& out) const;
  void AddResponse(std::ostream& out, const v1::ScoreResponse& response);
  void AddError(std::ostream& out, std::size_t index, const std::string& request_id,
                const Status& error);
  // The population section. `seconds` is the wall time spent reading, scoring and writing.
  void PrintTotals(std::ostream& out, const BundleInfo& info, double seconds, int threads) const;

  std::size_t records() const { return records_; }
  std::size_t failed() const { return failed_; }

 private:
  struct Tally {
    std::size_t count = 0;
    std::string text;
  };
  std::vector<std::string> credit_order_, compliance_order_;
  std::size_t detail_rows_;
  std::size_t records_ = 0, scored_ = 0, failed_ = 0, printed_errors_ = 0;
  std::size_t events_ = 0;
  std::map<std::string, std::size_t> outcomes_, credit_grades_, compliance_grades_;
  std::map<std::string, Tally> reasons_, rule_hits_;
  std::vector<double> pds_;
};

}  // namespace credence::cli

#endif  // CREDENCE_TOOLS_CREDENCE_SUMMARY_H_
