// credence monitor: back-tests and drift of a scored population against its outcomes and the
// model's development sample. The analysis (monitor.cc) and its HTML page (monitor_html.cc)
// share these types. See docs/governance.md ("Monitoring") and docs/cli.md.
#ifndef CREDENCE_TOOLS_CREDENCE_MONITOR_H_
#define CREDENCE_TOOLS_CREDENCE_MONITOR_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fit/calibration.h"

namespace credence::cli {

// What the flags are raised at.
struct MonitorLevels {
  // Family-wise level of the calibration tests: each of the m tests (the grades with
  // labelled requests, and the portfolio) uses alpha / m (Bonferroni).
  double alpha = 0.05;
  double psi = 0.25;            // score PSI or a characteristic's CSI at or above: a flag
  double concentration = 0.30;  // one code the first reason of more than this share
  double override_rate = 0.10;  // overrides above this share of decisions
};

// One calibration test: a grade, or the whole portfolio ("portfolio").
struct GradeCalibration {
  std::string grade;
  std::int64_t count = 0;                   // scored by the credit model
  std::int64_t labelled = 0;                // of which with a label
  std::int64_t bads = 0;                    // of which bad
  double mean_pd = 0;                       // over the labelled ones
  double observed_rate = 0;                 // bads / labelled
  double level = 0;                         // the test's alpha (after Bonferroni)
  std::optional<fit::JeffreysResult> test;  // none without labelled requests
};

struct Stability {
  std::string name;  // "score" or the characteristic's name
  double index = 0;  // PSI or CSI
  std::int64_t rows = 0;
};

struct ShareOf {
  std::string key, text;
  std::int64_t count = 0;
  double share = 0;
};

// The whole analysis, as `--json` prints it.
struct MonitorReport {
  std::string bundle, bundle_version, model_id, input, reference;
  std::int64_t records = 0, failed = 0, other_model = 0, unavailable = 0;
  MonitorLevels levels;
  std::vector<GradeCalibration> grades;
  GradeCalibration portfolio;
  std::optional<Stability> score_psi;
  std::vector<Stability> csi;
  std::vector<std::string> drift_notes;  // why a part of the drift could not be computed
  std::int64_t adverse_decisions = 0;    // REVIEW or REJECT with a model reason
  std::vector<ShareOf> first_reasons;    // largest first
  std::vector<ShareOf> decisions;        // APPROVE, REVIEW, REJECT
  std::int64_t overrides = 0;
  std::vector<ShareOf> override_changes;  // "APPROVE -> REJECT"
  std::vector<std::string> flags;
};

// The HTML page of a report (monitor_html.cc): self-contained, charts like `credence report`.
std::string RenderMonitorHtml(const MonitorReport& report);

}  // namespace credence::cli

#endif  // CREDENCE_TOOLS_CREDENCE_MONITOR_H_
