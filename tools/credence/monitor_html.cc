// The HTML page of `credence monitor`: flags, calibration by grade (with a chart of observed
// rates, Jeffreys intervals and mean PDs), drift, reasons, decisions and overrides. See
// monitor.h.
#include <algorithm>
#include <sstream>

#include "charts.h"
#include "credence/engine.h"
#include "monitor.h"
#include "output.h"

namespace credence::cli {
namespace {

// One row per grade: the Jeffreys interval as a line, the observed bad rate as a dot and the
// mean PD as a diamond, on a common 0..max axis.
std::string CalibrationChart(const std::vector<GradeCalibration>& grades) {
  const int row = 26, label_w = 90, plot_w = 480, top = 20;
  double peak = 0.01;
  for (const auto& g : grades) {
    if (!g.test) continue;
    peak = std::max({peak, g.test->upper, g.mean_pd, g.observed_rate});
  }
  auto x = [&](double v) { return label_w + v / peak * plot_w; };
  const int h = top + static_cast<int>(grades.size()) * row + 24;
  std::ostringstream s;
  s << "<svg class=\"chart\" id=\"chart-calibration\" xmlns=\"http://www.w3.org/2000/svg\" "
       "width=\""
    << label_w + plot_w + 40 << "\" height=\"" << h << "\" role=\"img\">";
  s << "<text x=\"" << label_w << "\" y=\"12\">0</text><text x=\"" << label_w + plot_w
    << "\" y=\"12\" text-anchor=\"end\">" << Fmt(100 * peak, "%.1f") << "%</text>";
  int y = top;
  for (const auto& g : grades) {
    s << "<text x=\"" << label_w - 8 << "\" y=\"" << y + 16 << "\" text-anchor=\"end\">"
      << HtmlEscape(g.grade) << "</text>";
    if (g.test) {
      const bool flagged = g.test->under_predicts || g.test->over_predicts;
      s << "<line x1=\"" << Fmt(x(g.test->lower), "%.1f") << "\" x2=\""
        << Fmt(x(g.test->upper), "%.1f") << "\" y1=\"" << y + 12 << "\" y2=\"" << y + 12
        << "\" stroke=\"" << (flagged ? "#c0392b" : "#888") << "\" stroke-width=\"3\"/>";
      s << "<circle cx=\"" << Fmt(x(g.observed_rate), "%.1f") << "\" cy=\"" << y + 12
        << "\" r=\"4\" fill=\"#1f5fa8\"><title>observed " << Fmt(100 * g.observed_rate, "%.2f")
        << "%</title></circle>";
      const double m = x(g.mean_pd);
      s << "<polygon points=\"" << Fmt(m, "%.1f") << "," << y + 6 << " " << Fmt(m + 6, "%.1f")
        << "," << y + 12 << " " << Fmt(m, "%.1f") << "," << y + 18 << " " << Fmt(m - 6, "%.1f")
        << "," << y + 12 << "\" fill=\"#27864a\"><title>mean PD " << Fmt(100 * g.mean_pd, "%.2f")
        << "%</title></polygon>";
    }
    y += row;
  }
  s << "<text x=\"" << label_w << "\" y=\"" << h - 4
    << "\">line: Jeffreys interval · dot: observed bad rate · diamond: mean PD</text></svg>";
  return s.str();
}

std::string CalibrationTable(const MonitorReport& r) {
  std::ostringstream s;
  s << "<table id=\"table-calibration\"><tr><th>grade</th><th>requests</th><th>labelled</th>"
       "<th>bads</th><th>observed</th><th>mean PD</th><th>Jeffreys interval</th><th>p-value</th>"
       "<th></th></tr>";
  std::vector<GradeCalibration> rows = r.grades;
  rows.push_back(r.portfolio);
  for (const auto& g : rows) {
    s << "<tr><td>" << HtmlEscape(g.grade) << "</td><td>" << g.count << "</td><td>" << g.labelled
      << "</td><td>" << g.bads << "</td><td>" << Fmt(100 * g.observed_rate, "%.2f") << "%</td><td>"
      << Fmt(100 * g.mean_pd, "%.2f") << "%</td>";
    if (g.test) {
      s << "<td>[" << Fmt(100 * g.test->lower, "%.2f") << "%, " << Fmt(100 * g.test->upper, "%.2f")
        << "%]</td><td>" << Fmt(g.test->p_value, "%.3g") << "</td><td>"
        << (g.test->under_predicts  ? "under-predicts"
            : g.test->over_predicts ? "over-predicts"
                                    : "")
        << "</td>";
    } else {
      s << "<td>" << kNotDefined << "</td><td>" << kNotDefined << "</td><td></td>";
    }
    s << "</tr>";
  }
  s << "</table>";
  return s.str();
}

std::vector<std::pair<std::string, double>> Bars(const std::vector<ShareOf>& shares,
                                                 std::size_t n) {
  std::vector<std::pair<std::string, double>> out;
  for (const ShareOf& s : shares) {
    if (out.size() == n) break;
    out.emplace_back(s.key + (s.text.empty() ? "" : " " + s.text), 100 * s.share);
  }
  return out;
}

void WriteDrift(std::ostream& h, const MonitorReport& r) {
  h << "<h2 id=\"drift\">Drift</h2><p>Against the " << HtmlEscape(r.reference)
    << ": bins at the reference's deciles of the model's margin (the score is a monotone "
       "function of it), scorecard attributes for characteristics; zero shares count as "
       "0.0001. Flagged at "
    << Fmt(r.levels.psi, "%.3g") << ".</p>";
  if (r.score_psi) {
    h << "<h3>Score PSI: " << Fmt(r.score_psi->index, "%.4f") << "</h3>";
  }
  std::vector<Stability> csi = r.csi;
  std::stable_sort(csi.begin(), csi.end(),
                   [](const Stability& a, const Stability& b) { return a.index > b.index; });
  std::vector<std::pair<std::string, double>> bars;
  for (const Stability& s : csi) bars.emplace_back(s.name, s.index);
  if (!bars.empty()) h << "<h3>Characteristic CSI</h3>" << BarChart("chart-csi", bars, "%.4f");
  for (const std::string& note : r.drift_notes) h << "<p>" << HtmlEscape(note) << "</p>";
}

}  // namespace

std::string RenderMonitorHtml(const MonitorReport& r) {
  std::ostringstream h;
  const std::string title = "credence monitor: " + r.bundle + " " + r.bundle_version;
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
    << HtmlEscape(title) << "</title><style>" << kCss << "</style></head><body>\n<h1>"
    << HtmlEscape(title) << "</h1>\n<p class=\"meta\">credit model " << HtmlEscape(r.model_id)
    << " · decision log " << HtmlEscape(r.input) << "</p>\n<div class=\"cards\">";
  Card(h, "responses", std::to_string(r.records));
  Card(h, "labelled", std::to_string(r.portfolio.labelled));
  Card(h, "failed records", std::to_string(r.failed));
  Card(h, "flags", std::to_string(r.flags.size()));
  h << "</div>\n<h2 id=\"flags\">Flags</h2>";
  if (r.flags.empty()) h << "<p>None.</p>";
  h << "<ul id=\"list-flags\">";
  for (const std::string& f : r.flags) h << "<li>" << HtmlEscape(f) << "</li>";
  h << "</ul>\n<h2 id=\"calibration\">Calibration by grade</h2><p>Jeffreys test: the default "
       "rate's posterior is Beta(bads + 1/2, goods + 1/2); each of the tests (grades with "
       "labels and the portfolio) at level "
    << Fmt(r.portfolio.level, "%.3g") << " (family-wise " << Fmt(r.levels.alpha, "%.3g") << ").</p>"
    << CalibrationChart(r.grades) << CalibrationTable(r);
  WriteDrift(h, r);
  h << "<h2 id=\"reasons\">First reasons of adverse decisions</h2><p>" << r.adverse_decisions
    << " decisions to review or reject with a model reason; flagged when one code is the first "
       "reason of more than "
    << Fmt(100 * r.levels.concentration, "%.3g") << "% of them.</p>"
    << BarChart("chart-first-reasons", Bars(r.first_reasons, 15), "%.1f%%");
  h << "<h2 id=\"decisions\">Decisions</h2>"
    << BarChart("chart-decisions", Bars(r.decisions, 5), "%.1f%%");
  h << "<h2 id=\"overrides\">Overrides</h2><p>" << r.overrides << " overrides.</p>";
  if (!r.override_changes.empty()) {
    h << BarChart("chart-overrides", Bars(r.override_changes, 10), "%.1f%%");
  }
  h << "<p class=\"meta\">generated by credence " << HtmlEscape(std::string(Version()))
    << "</p>\n</body></html>\n";
  return h.str();
}

}  // namespace credence::cli
