// credence monitor: calibration by grade (Jeffreys test), score and characteristic drift
// against the reference stored at fit time (or a baseline population), reason-code
// concentration, decision and override rates of a decision log. See monitor.h.
#include "monitor.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "charts.h"
#include "command_line.h"
#include "commands.h"
#include "credence/engine.h"
#include "credence/v1/governance.pb.h"
#include "fit/metrics.h"
#include "labels.h"
#include "models/scorecard.h"
#include "output.h"
#include "score_stream.h"

namespace credence::cli {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kDescription =
    R"(Monitors a credit model on a decision log: SCORED.jsonl holds the responses of `credence
score` (JSON Lines; score with --include-features for characteristic drift), and may hold
overrides appended by the host ({"override": {...}}, a credence.v1.Override per line).
Reports, for the bundle's credit model:
  - per credit grade: requests, observed bad rate against LABELS.csv, mean PD, and the
    Jeffreys test of calibration (Beta(bads + 1/2, good + 1/2) posterior; each of the m tests
    - the labelled grades and the portfolio - at level alpha / m);
  - the PSI of the score (over the model's margin) and the CSI of each characteristic
    against the development sample's distributions stored in the bundle at fit time, or
    against --baseline (another decision log);
  - how concentrated the first reasons of adverse decisions are;
  - decision rates, and override rates by change when overrides are present;
and a list of flags. Without --json the report is a self-contained HTML page.
)";

constexpr const char* kEpilog =
    R"(Exit status: 0 when nothing was flagged, 1 when a flag was raised, 2 on a usage, input or
bundle error.
)";

struct MonitorArgs {
  std::string bundle, in, labels, label_column = "bad", baseline, out;
  bool json = false;
  MonitorLevels levels;
};

std::optional<int> ParseMonitorArgs(int argc, char** argv, MonitorArgs& a) {
  CommandLine cl("monitor",
                 "monitor --bundle B --in SCORED.jsonl --labels LABELS.csv [--baseline "
                 "BASELINE_SCORED.jsonl] [--json] [--out FILE]",
                 kDescription);
  cl.Bundle(&a.bundle)
      .Text("in", "SCORED.jsonl", "the decision log: responses and overrides (required)", &a.in)
      .Required()
      .Text("labels", "LABELS.csv", "outcomes: columns request_id and the label (required)",
            &a.labels)
      .Required()
      .Text("label-column", "NAME", "the label column, 0 = good, 1 = bad (default `bad`)",
            &a.label_column)
      .Text("baseline", "FILE",
            "a decision log to compare drift against instead of the bundle's fit-time reference",
            &a.baseline)
      .Flag("json", "print the report as JSON (grades, drift, flags, ...) instead of HTML", &a.json)
      .Text("out", "FILE", "write the report here (required for HTML; JSON goes to stdout without)",
            &a.out)
      .Number("alpha", "A", "family-wise level of the calibration tests, in (0, 0.5]; default 0.05",
              {.low = 0, .high = 0.5, .low_open = true}, &a.levels.alpha)
      .Number("psi-flag", "X", "flag a PSI or CSI at or above X, > 0; default 0.25",
              {.low = 0, .low_open = true}, &a.levels.psi)
      .Number("concentration-flag", "X",
              "flag a code that is the first reason of more than this share of adverse "
              "decisions, in (0, 1]; default 0.3",
              {.low = 0, .high = 1, .low_open = true}, &a.levels.concentration)
      .Number("override-flag", "X", "flag an override rate above X, in [0, 1]; default 0.1",
              {.low = 0, .high = 1}, &a.levels.override_rate)
      .Epilog(kEpilog);
  if (std::optional<int> exit = cl.Parse(argc, argv)) return exit;
  if (!a.json && a.out.empty()) return cl.UsageError("--out is required for the HTML report");
  if (std::string same = SameFileError({{"--in", &a.in},
                                        {"--labels", &a.labels},
                                        {"--baseline", &a.baseline},
                                        {"--out", &a.out}});
      !same.empty()) {
    return cl.UsageError(same);
  }
  return std::nullopt;
}

// One scored request, as much as the report needs.
struct Record {
  std::string request_id, model_id, grade, first_reason, bundle_digest;
  bool available = false;
  double pd = 0, margin = 0;
  v1::Outcome outcome = v1::OUTCOME_UNSPECIFIED;
  std::vector<double> features;
};

struct DecisionLog {
  std::vector<Record> records;
  std::vector<v1::Override> overrides;
  std::int64_t failed = 0;
  std::vector<std::string> feature_names;  // of the first record with features
  std::map<std::string, std::string> reason_texts;
};

Record RecordOf(const v1::ScoreResponse& r, DecisionLog& log) {
  Record rec;
  rec.request_id = r.request_id();
  rec.model_id = r.credit().model_id();
  rec.available = r.credit().available();
  rec.pd = r.credit().pd();
  rec.margin = r.credit().margin();
  rec.grade = r.credit().grade();
  rec.outcome = r.decision().outcome();
  rec.bundle_digest = r.audit().bundle_digest();
  if (r.reasons_size() > 0 && r.reasons(0).kind() != v1::REASON_KIND_KEY_FACTOR) {
    rec.first_reason = r.reasons(0).code();
    log.reason_texts.emplace(rec.first_reason, r.reasons(0).text());
  }
  if (r.features_size() > 0 && log.feature_names.empty()) {
    for (const auto& f : r.features()) log.feature_names.push_back(f.name());
  }
  for (const auto& f : r.features()) rec.features.push_back(f.value());
  return rec;
}

// Reads a decision log: a response, an error record or an override per line.
Result<DecisionLog> ReadDecisionLog(const std::string& option, const std::string& path) {
  auto opened = OpenInput(option, path);
  if (!opened.ok()) return opened.status();
  std::istream& in = **opened;
  DecisionLog log;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const SourceLocation at{.file = path, .line = n};
    const Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return InvalidArgumentError("not a JSON object", at);
    if (j.contains("error")) {
      ++log.failed;
      continue;
    }
    if (j.contains("override")) {
      v1::Override o;
      const auto s = google::protobuf::util::JsonStringToMessage(j["override"].dump(), &o, options);
      if (!s.ok()) return InvalidArgumentError("override: " + std::string(s.message()), at);
      log.overrides.push_back(std::move(o));
      continue;
    }
    v1::ScoreResponse r;
    const auto s = google::protobuf::util::JsonStringToMessage(line, &r, options);
    if (!s.ok()) return InvalidArgumentError("response: " + std::string(s.message()), at);
    log.records.push_back(RecordOf(r, log));
  }
  return log;
}

// --- Calibration --------------------------------------------------------------------------

std::string Percent(double share) { return Fmt(100 * share, "%.2f") + "%"; }

void TestCalibration(GradeCalibration& g, double level, std::vector<std::string>& flags) {
  g.level = level;
  if (g.labelled == 0) return;
  g.observed_rate = static_cast<double>(g.bads) / static_cast<double>(g.labelled);
  auto test = fit::JeffreysTest(g.labelled, g.bads, g.mean_pd, level);
  if (!test.ok()) return;
  g.test = *test;
  if (!test->under_predicts && !test->over_predicts) return;
  const std::string who = g.grade == "portfolio" ? "portfolio" : "grade " + g.grade;
  flags.push_back(who + ": observed bad rate " + Percent(g.observed_rate) + " (" +
                  std::to_string(g.bads) + " of " + std::to_string(g.labelled) +
                  ") against mean PD " + Percent(g.mean_pd) + ", outside the " +
                  Fmt(100 * (1 - level), "%.3g") + "% Jeffreys interval [" + Percent(test->lower) +
                  ", " + Percent(test->upper) + "]: the model " +
                  (test->under_predicts ? "under" : "over") + "-predicts");
}

// Grades in the master scale's order, then the portfolio; each test at alpha / m.
void Calibrate(const v1::Bundle& bundle, const DecisionLog& log,
               const std::unordered_map<std::string, int>& labels, MonitorReport& report) {
  std::vector<std::string> order;
  for (const auto& scale : bundle.grade_scales()) {
    if (scale.id() != bundle.credit().grade_scale()) continue;
    for (const auto& band : scale.bands()) order.push_back(band.grade());
  }
  std::map<std::string, GradeCalibration> by_grade;
  report.portfolio.grade = "portfolio";
  for (const Record& r : log.records) {
    if (r.model_id != report.model_id) {
      ++report.other_model;
      continue;
    }
    if (!r.available) {
      ++report.unavailable;
      continue;
    }
    for (GradeCalibration* g : {&by_grade[r.grade], &report.portfolio}) {
      ++g->count;
      auto it = labels.find(r.request_id);
      if (it == labels.end()) continue;
      ++g->labelled;
      g->bads += it->second;
      g->mean_pd += r.pd;
    }
  }
  for (const std::string& grade : order) {
    GradeCalibration g = by_grade[grade];
    g.grade = grade;
    if (g.labelled > 0) g.mean_pd /= static_cast<double>(g.labelled);
    report.grades.push_back(g);
  }
  if (report.portfolio.labelled > 0) {
    report.portfolio.mean_pd /= static_cast<double>(report.portfolio.labelled);
  }
  int tests = 1;
  for (const GradeCalibration& g : report.grades) tests += g.labelled > 0 ? 1 : 0;
  const double level = report.levels.alpha / tests;
  for (GradeCalibration& g : report.grades) TestCalibration(g, level, report.flags);
  TestCalibration(report.portfolio, level, report.flags);
}

// --- Drift --------------------------------------------------------------------------------

// Margin and attribute counts of the credit model's requests in a log.
struct Distribution {
  std::vector<double> margins;
  std::vector<std::vector<std::int64_t>> attributes;  // [characteristic][attribute]
  bool has_features = false;
};

Distribution Distribute(const DecisionLog& log, const std::string& model_id,
                        const models::Scorecard* card, const v1::Scorecard* proto,
                        const std::vector<std::string>& feature_names) {
  Distribution d;
  if (card != nullptr) {
    for (const auto& c : proto->characteristics()) {
      d.attributes.emplace_back(static_cast<std::size_t>(c.attributes_size()), 0);
    }
  }
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < feature_names.size(); ++i) index.emplace(feature_names[i], i);
  for (const Record& r : log.records) {
    if (r.model_id != model_id || !r.available) continue;
    d.margins.push_back(r.margin);
    if (card == nullptr || r.features.size() != feature_names.size()) continue;
    d.has_features = true;
    for (std::size_t c = 0; c < d.attributes.size(); ++c) {
      if (!card->numeric_input(c)) continue;
      const double x = r.features[index.at(card->input(c))];
      const int a = card->MatchAttribute(c, x, "");
      if (a >= 0) ++d.attributes[c][static_cast<std::size_t>(a)];
    }
  }
  return d;
}

void AddStability(const std::string& name, std::span<const std::int64_t> expected,
                  std::span<const std::int64_t> actual, MonitorReport& report, bool score) {
  std::int64_t rows = 0;
  for (std::int64_t n : actual) rows += n;
  auto psi = fit::PsiFromCounts(expected, actual);
  if (!psi.ok()) {
    report.drift_notes.push_back(name + ": " + std::string(psi.status().message()));
    return;
  }
  const Stability s{name, *psi, rows};
  if (score) {
    report.score_psi = s;
  } else {
    report.csi.push_back(s);
  }
  if (*psi >= report.levels.psi) {
    report.flags.push_back((score ? "score PSI " : "characteristic " + name + ": CSI ") +
                           Fmt(*psi, "%.4f") + " at or above " + Fmt(report.levels.psi, "%.3g") +
                           " (major shift against the " + report.reference + ")");
  }
}

std::vector<std::int64_t> Counts(const google::protobuf::RepeatedField<std::int64_t>& field) {
  return {field.begin(), field.end()};
}

// Score PSI and characteristic CSI against the reference (the bundle's or a baseline's).
void MeasureDrift(const v1::Model& model, const DecisionLog& log, const DecisionLog* baseline,
                  const std::vector<std::string>& feature_names, MonitorReport& report) {
  std::optional<models::Scorecard> card;
  if (model.has_scorecard()) {
    std::unordered_map<std::string, int> index;
    for (std::size_t i = 0; i < feature_names.size(); ++i) index.emplace(feature_names[i], i);
    auto compiled = models::Scorecard::Compile(
        model.scorecard(),
        [&](std::string_view n) {
          auto it = index.find(std::string(n));
          return it == index.end() ? -1 : it->second;
        },
        "scorecard");
    if (compiled.ok()) card = std::move(compiled).value();
  }
  const v1::Scorecard* proto = model.has_scorecard() ? &model.scorecard() : nullptr;
  const models::Scorecard* c = card ? &*card : nullptr;
  const Distribution now = Distribute(log, report.model_id, c, proto, feature_names);
  std::vector<double> edges;
  std::vector<std::int64_t> expected_margin;
  std::vector<std::vector<std::int64_t>> expected_attributes;
  if (baseline != nullptr) {
    const Distribution base = Distribute(*baseline, report.model_id, c, proto, feature_names);
    edges = fit::QuantileEdges(base.margins, 10);
    expected_margin = fit::CountByEdges(edges, base.margins);
    if (base.has_features) expected_attributes = base.attributes;
  } else if (model.has_reference()) {
    edges.assign(model.reference().margin_edges().begin(), model.reference().margin_edges().end());
    expected_margin = Counts(model.reference().margin_counts());
    for (const auto& cr : model.reference().characteristics()) {
      expected_attributes.push_back(Counts(cr.attribute_counts()));
    }
  } else {
    report.drift_notes.push_back(
        "the credit model has no reference distribution (refit it with "
        "`credence fit`, or pass --baseline)");
    return;
  }
  if (!expected_margin.empty() && !now.margins.empty()) {
    AddStability("score", expected_margin, fit::CountByEdges(edges, now.margins), report, true);
  }
  if (c == nullptr) {
    report.drift_notes.push_back("characteristic CSI: only for a scorecard credit model");
  } else if (!now.has_features || expected_attributes.size() != now.attributes.size()) {
    report.drift_notes.push_back(
        "characteristic CSI needs features in the responses (`credence score --include-features`)"
        " of this bundle's scorecard");
  } else {
    for (std::size_t i = 0; i < now.attributes.size(); ++i) {
      if (!c->numeric_input(i)) continue;
      AddStability(c->characteristic_names()[i], expected_attributes[i], now.attributes[i], report,
                   false);
    }
  }
}

// --- Reasons, decisions, overrides ---------------------------------------------------------

std::vector<ShareOf> Shares(const std::map<std::string, std::int64_t>& counts, std::int64_t total,
                            const std::map<std::string, std::string>& texts = {}) {
  std::vector<ShareOf> out;
  for (const auto& [key, n] : counts) {
    auto t = texts.find(key);
    out.push_back({key, t == texts.end() ? "" : t->second, n,
                   total > 0 ? static_cast<double>(n) / static_cast<double>(total) : 0});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const ShareOf& a, const ShareOf& b) { return a.count > b.count; });
  return out;
}

void CountReasonsAndDecisions(const DecisionLog& log, MonitorReport& report) {
  std::map<std::string, std::int64_t> first, outcomes;
  std::int64_t decided = 0;
  for (const Record& r : log.records) {
    ++outcomes[OutcomeLabel(r.outcome)];
    ++decided;
    const bool adverse = r.outcome == v1::OUTCOME_REVIEW || r.outcome == v1::OUTCOME_REJECT;
    if (!adverse || r.first_reason.empty()) continue;
    ++report.adverse_decisions;
    ++first[r.first_reason];
  }
  report.first_reasons = Shares(first, report.adverse_decisions, log.reason_texts);
  report.decisions = Shares(outcomes, decided);
  if (!report.first_reasons.empty() &&
      report.first_reasons[0].share > report.levels.concentration) {
    const ShareOf& top = report.first_reasons[0];
    report.flags.push_back("reason " + top.key + " is the first reason of " + Percent(top.share) +
                           " of " + std::to_string(report.adverse_decisions) +
                           " adverse decisions (more than " + Percent(report.levels.concentration) +
                           ")");
  }
  std::map<std::string, std::int64_t> changes;
  for (const v1::Override& o : log.overrides) {
    ++changes[OutcomeLabel(o.before().outcome()) + " -> " + OutcomeLabel(o.after().outcome())];
  }
  report.overrides = static_cast<std::int64_t>(log.overrides.size());
  report.override_changes = Shares(changes, report.overrides);
  const double rate =
      decided > 0 ? static_cast<double>(report.overrides) / static_cast<double>(decided) : 0;
  if (report.overrides > 0 && rate > report.levels.override_rate) {
    report.flags.push_back("override rate " + Percent(rate) + " (" +
                           std::to_string(report.overrides) + " of " + std::to_string(decided) +
                           " decisions) above " + Percent(report.levels.override_rate));
  }
}

// --- JSON ---------------------------------------------------------------------------------

Json CalibrationJson(const GradeCalibration& g) {
  Json j = {{"grade", g.grade}, {"count", g.count},     {"labelled", g.labelled},
            {"bads", g.bads},   {"mean_pd", g.mean_pd}, {"observed_bad_rate", g.observed_rate},
            {"level", g.level}};
  if (g.test) {
    j["jeffreys"] = {{"lower", g.test->lower},
                     {"upper", g.test->upper},
                     {"p_value", g.test->p_value},
                     {"flag", g.test->under_predicts  ? "under-predicts"
                              : g.test->over_predicts ? "over-predicts"
                                                      : ""}};
  }
  return j;
}

Json SharesJson(const std::vector<ShareOf>& shares, const char* key) {
  Json out = Json::array();
  for (const ShareOf& s : shares) {
    Json j = {{key, s.key}, {"count", s.count}, {"share", s.share}};
    if (!s.text.empty()) j["text"] = s.text;
    out.push_back(j);
  }
  return out;
}

Json ReportJson(const MonitorReport& r) {
  Json j;
  j["bundle"] = {{"name", r.bundle}, {"version", r.bundle_version}};
  j["model_id"] = r.model_id;
  j["input"] = r.input;
  j["records"] = r.records;
  j["failed"] = r.failed;
  j["other_model"] = r.other_model;
  j["credit_unavailable"] = r.unavailable;
  j["levels"] = {{"alpha", r.levels.alpha},
                 {"psi", r.levels.psi},
                 {"concentration", r.levels.concentration},
                 {"override_rate", r.levels.override_rate}};
  j["grades"] = Json::array();
  for (const auto& g : r.grades) j["grades"].push_back(CalibrationJson(g));
  j["portfolio"] = CalibrationJson(r.portfolio);
  Json drift = {{"reference", r.reference}};
  if (r.score_psi) drift["score_psi"] = r.score_psi->index;
  drift["characteristics"] = Json::array();
  for (const auto& s : r.csi) {
    drift["characteristics"].push_back({{"name", s.name}, {"csi", s.index}, {"rows", s.rows}});
  }
  drift["notes"] = r.drift_notes;
  j["drift"] = drift;
  j["reasons"] = {{"adverse_decisions", r.adverse_decisions},
                  {"first_reason", SharesJson(r.first_reasons, "code")}};
  j["decisions"] = SharesJson(r.decisions, "outcome");
  j["overrides"] = {{"count", r.overrides},
                    {"by_change", SharesJson(r.override_changes, "change")}};
  j["flags"] = r.flags;
  return j;
}

int Fail(const std::string& message) {
  PrintError("monitor", message);
  return 2;
}

}  // namespace

int MonitorCommand(int argc, char** argv) {
  MonitorArgs args;
  if (std::optional<int> exit = ParseMonitorArgs(argc, argv, args)) return *exit;
  if (!CheckInputs(
          "monitor",
          {{"--in", &args.in}, {"--labels", &args.labels}, {"--baseline", &args.baseline}})) {
    return 2;
  }
  LoadedBundle loaded;
  auto engine = LoadEngine("monitor", args.bundle, &loaded);
  if (engine == nullptr) return 2;
  const v1::Bundle& bundle = loaded.bundle;
  if (!bundle.has_credit()) return Fail("the bundle has no credit model to monitor");
  const v1::Model* model = nullptr;
  for (const auto& m : bundle.models()) {
    if (m.id() == bundle.credit().model()) model = &m;
  }
  auto labels = ReadLabels(args.labels, args.label_column);
  if (!labels.ok()) return Fail(labels.status().ToString());
  auto log = ReadDecisionLog("--in", args.in);
  if (!log.ok()) return Fail(log.status().ToString());
  std::optional<DecisionLog> baseline;
  if (!args.baseline.empty()) {
    auto read = ReadDecisionLog("--baseline", args.baseline);
    if (!read.ok()) return Fail(read.status().ToString());
    baseline = std::move(read).value();
  }
  MonitorReport report;
  report.bundle = engine->info().name;
  report.bundle_version = engine->info().version;
  report.model_id = bundle.credit().model();
  report.input = args.in;
  report.levels = args.levels;
  report.reference = baseline ? "baseline " + args.baseline : "development sample (bundle)";
  report.records = static_cast<std::int64_t>(log->records.size());
  report.failed = log->failed;
  const auto& names = engine->info().feature_names;
  if (!log->feature_names.empty() && log->feature_names != names) {
    return Fail(args.in + ": the responses' features are not this bundle's");
  }
  Calibrate(bundle, *log, *labels, report);
  MeasureDrift(*model, *log, baseline ? &*baseline : nullptr, names, report);
  CountReasonsAndDecisions(*log, report);
  OutputFile out(args.out);
  if (!Opened("monitor", out)) return 2;
  out.stream() << (args.json ? ReportJson(report).dump(2) + "\n" : RenderMonitorHtml(report));
  if (!out.Commit()) return Fail(out.error());
  return report.flags.empty() ? 0 : 1;
}

}  // namespace credence::cli
