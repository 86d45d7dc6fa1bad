// Inline SVG charts and small HTML helpers for the self-contained reports of `credence
// report` and `credence monitor` (no scripts, no external assets). Stateless.
#ifndef CREDENCE_TOOLS_CREDENCE_CHARTS_H_
#define CREDENCE_TOOLS_CREDENCE_CHARTS_H_

#include <cstddef>
#include <map>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "fit/metrics.h"

namespace credence::cli {

// What a statistic without a value shows (with the reason next to it where there is one).
inline constexpr const char* kNotDefined = "not defined";

// `v` printed with printf `spec`; kNotDefined for NaN.
std::string Fmt(double v, const char* spec = "%.4g");
// n / total as a percentage with one decimal ("12.5%"); kNotDefined when total is 0.
std::string Pct(std::size_t n, std::size_t total);

// Horizontal bar chart: one labelled bar per entry, values printed with `value_spec`.
std::string BarChart(const std::string& id, const std::vector<std::pair<std::string, double>>& bars,
                     const char* value_spec = "%.0f");
// Vertical histogram of equal-width bins.
std::string HistogramChart(const std::string& id, const fit::Histogram& hist);
// Line chart in the unit square; each series is a list of (x, y) in [0, 1].
std::string UnitLineChart(
    const std::string& id,
    const std::vector<std::pair<std::string, std::vector<std::pair<double, double>>>>& series,
    const std::string& x_label, const std::string& y_label);

// The `n` largest entries of `m`, largest first (ties: by key).
std::vector<std::pair<std::string, double>> Top(const std::map<std::string, std::size_t>& m,
                                                std::size_t n);
// Every entry of `m`: first those named in `order` (in that order), then the rest by name.
std::vector<std::pair<std::string, double>> All(const std::map<std::string, std::size_t>& m,
                                                const std::vector<std::string>& order = {});

// The reports' stylesheet.
extern const char* const kCss;
// A summary card: a label over a large value.
void Card(std::ostream& h, const std::string& label, const std::string& value);

}  // namespace credence::cli

#endif  // CREDENCE_TOOLS_CREDENCE_CHARTS_H_
