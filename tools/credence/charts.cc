// Inline SVG charts and HTML helpers shared by `credence report` and `credence monitor`.
#include "charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "output.h"

namespace credence::cli {

std::string Fmt(double v, const char* spec) {
  if (std::isnan(v)) return kNotDefined;
  char buf[64];
  std::snprintf(buf, sizeof buf, spec, v);
  return buf;
}

std::string Pct(std::size_t n, std::size_t total) {
  return total == 0
             ? kNotDefined
             : Fmt(100.0 * static_cast<double>(n) / static_cast<double>(total), "%.1f") + "%";
}

// Horizontal bar chart.
std::string BarChart(const std::string& id, const std::vector<std::pair<std::string, double>>& bars,
                     const char* value_spec) {
  const int row = 22, label_w = 230, bar_w = 360;
  const int h = std::max<int>(1, static_cast<int>(bars.size())) * row + 10;
  double peak = 0;
  for (const auto& [l, v] : bars) peak = std::max(peak, v);
  std::ostringstream s;
  s << "<svg class=\"chart\" id=\"" << id << "\" xmlns=\"http://www.w3.org/2000/svg\" width=\""
    << label_w + bar_w + 80 << "\" height=\"" << h << "\" role=\"img\">";
  int y = 5;
  for (const auto& [label, v] : bars) {
    const double w = peak > 0 ? v / peak * bar_w : 0;
    s << "<text x=\"" << label_w - 6 << "\" y=\"" << y + 15 << "\" text-anchor=\"end\">"
      << HtmlEscape(label.size() > 34 ? label.substr(0, 33) + "…" : label) << "</text>";
    s << "<rect x=\"" << label_w << "\" y=\"" << y + 3 << "\" width=\"" << Fmt(w, "%.1f")
      << "\" height=\"" << row - 6 << "\" class=\"bar\"/>";
    s << "<text x=\"" << label_w + w + 5 << "\" y=\"" << y + 15 << "\">"
      << HtmlEscape(Fmt(v, value_spec)) << "</text>";
    y += row;
  }
  s << "</svg>";
  return s.str();
}

// Vertical histogram.
std::string HistogramChart(const std::string& id, const fit::Histogram& hist) {
  const int w = 640, h = 260, left = 50, bottom = 30, top = 10;
  std::ostringstream s;
  s << "<svg class=\"chart\" id=\"" << id << "\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w
    << "\" height=\"" << h << "\" role=\"img\">";
  std::int64_t peak = 1;
  for (std::int64_t c : hist.counts) peak = std::max(peak, c);
  const double plot_w = w - left - 10, plot_h = h - bottom - top;
  const double bw = hist.counts.empty() ? 0 : plot_w / static_cast<double>(hist.counts.size());
  s << "<line x1=\"" << left << "\" y1=\"" << h - bottom << "\" x2=\"" << w - 10 << "\" y2=\""
    << h - bottom << "\" class=\"axis\"/>";
  for (std::size_t i = 0; i < hist.counts.size(); ++i) {
    const double bh = static_cast<double>(hist.counts[i]) / static_cast<double>(peak) * plot_h;
    s << "<rect class=\"bar\" x=\"" << Fmt(left + bw * static_cast<double>(i) + 1, "%.1f")
      << "\" y=\"" << Fmt(h - bottom - bh, "%.1f") << "\" width=\""
      << Fmt(std::max(bw - 2, 1.0), "%.1f") << "\" height=\"" << Fmt(bh, "%.1f") << "\"><title>"
      << hist.counts[i] << "</title></rect>";
  }
  s << "<text x=\"" << left << "\" y=\"" << h - 8 << "\">" << Fmt(hist.lo) << "</text>";
  s << "<text x=\"" << w - 10 << "\" y=\"" << h - 8 << "\" text-anchor=\"end\">" << Fmt(hist.hi)
    << "</text>";
  s << "<text x=\"" << left - 5 << "\" y=\"" << top + 10 << "\" text-anchor=\"end\">" << peak
    << "</text></svg>";
  return s.str();
}

// Line chart in the unit square; each series is a list of (x, y) in [0, 1].
std::string UnitLineChart(
    const std::string& id,
    const std::vector<std::pair<std::string, std::vector<std::pair<double, double>>>>& series,
    const std::string& x_label, const std::string& y_label) {
  const int size = 300, pad = 40;
  std::ostringstream s;
  s << "<svg class=\"chart\" id=\"" << id << "\" xmlns=\"http://www.w3.org/2000/svg\" width=\""
    << size + 2 * pad + 120 << "\" height=\"" << size + 2 * pad << "\" role=\"img\">";
  s << "<rect x=\"" << pad << "\" y=\"" << pad << "\" width=\"" << size << "\" height=\"" << size
    << "\" class=\"frame\"/>";
  s << "<line x1=\"" << pad << "\" y1=\"" << pad + size << "\" x2=\"" << pad + size << "\" y2=\""
    << pad << "\" class=\"diag\"/>";
  const char* colors[] = {"#1f5fa8", "#c0392b", "#27864a"};
  for (std::size_t k = 0; k < series.size(); ++k) {
    s << "<polyline fill=\"none\" stroke=\"" << colors[k % 3] << "\" stroke-width=\"2\" points=\"";
    for (const auto& [x, y] : series[k].second) {
      s << Fmt(pad + x * size, "%.2f") << "," << Fmt(pad + (1 - y) * size, "%.2f") << " ";
    }
    s << "\"/>";
    s << "<text x=\"" << pad + size + 10 << "\" y=\"" << pad + 15 + 18 * static_cast<int>(k)
      << "\" fill=\"" << colors[k % 3] << "\">" << HtmlEscape(series[k].first) << "</text>";
  }
  s << "<text x=\"" << pad + size / 2 << "\" y=\"" << size + 2 * pad - 8
    << "\" text-anchor=\"middle\">" << HtmlEscape(x_label) << "</text>";
  s << "<text x=\"12\" y=\"" << pad + size / 2 << "\" transform=\"rotate(-90 12 " << pad + size / 2
    << ")\" text-anchor=\"middle\">" << HtmlEscape(y_label) << "</text></svg>";
  return s.str();
}

std::vector<std::pair<std::string, double>> Top(const std::map<std::string, std::size_t>& m,
                                                std::size_t n) {
  std::vector<std::pair<std::string, double>> v;
  for (const auto& [k, c] : m) v.emplace_back(k, static_cast<double>(c));
  std::stable_sort(v.begin(), v.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (v.size() > n) v.resize(n);
  return v;
}

// Every entry of `m`: first those named in `order` (in that order), then the rest by name.
std::vector<std::pair<std::string, double>> All(const std::map<std::string, std::size_t>& m,
                                                const std::vector<std::string>& order) {
  std::vector<std::pair<std::string, double>> v;
  for (const auto& name : order) {
    if (auto it = m.find(name); it != m.end())
      v.emplace_back(name, static_cast<double>(it->second));
  }
  for (const auto& [k, c] : m) {
    if (std::find(order.begin(), order.end(), k) == order.end())
      v.emplace_back(k, static_cast<double>(c));
  }
  return v;
}

const char* const kCss = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:1.6em;margin-bottom:0}h2{border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:32px}
.meta{color:#666;font-size:.9em}table{border-collapse:collapse;margin:8px 0;font-size:.9em}
td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}
.chart text{font-size:12px;fill:#333}.bar{fill:#4a7ab8}.axis{stroke:#444}
.frame{fill:none;stroke:#999}.diag{stroke:#bbb;stroke-dasharray:4 4}
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{border:1px solid #ddd;border-radius:6px;padding:8px 14px}
.card b{display:block;font-size:1.4em}.agree{background:#e6f0dc}
)";

void Card(std::ostream& h, const std::string& label, const std::string& value) {
  h << "<div class=\"card\">" << HtmlEscape(label) << "<b>" << HtmlEscape(value) << "</b></div>";
}

}  // namespace credence::cli
