// The HTML report of `credence report`: content against the library, escaping, and a
// headless Chromium render. Its statistics are fit::'s (tests/fit/metrics_test.cc).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <string>

#include "credence/engine.h"
#include "tests/tools/cli_testing.h"
#include "tests/tools/population.h"

namespace credence {
namespace {

using ::credence::testing::MakePopulation;
using ::credence::testing::ReadFileOrEmpty;
using ::credence::testing::RunCli;
using ::credence::testing::SourcePath;
using ::credence::testing::TestTempPath;
using ::credence::testing::WriteJsonl;
using ::testing::HasSubstr;
using ::testing::Not;

class ReportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    in_ = TestTempPath("report_in.jsonl");
    baseline_ = TestTempPath("report_base.jsonl");
    labels_ = TestTempPath("report_labels.csv");
    html_ = TestTempPath("report.html");
    WriteJsonl(in_, MakePopulation(80, "r"));
    WriteJsonl(baseline_, MakePopulation(64, "b", 90));
  }
  static void TearDownTestSuite() {
    for (const auto& p : {in_, baseline_, labels_, html_}) std::filesystem::remove(p);
  }
  static std::string in_, baseline_, labels_, html_;
};
std::string ReportTest::in_, ReportTest::baseline_, ReportTest::labels_, ReportTest::html_;

TEST_F(ReportTest, ContentMatchesTheLibrary) {
  auto loaded = LoadBundle(SourcePath("models/starter"));
  ASSERT_TRUE(loaded.ok());
  auto engine = Engine::Compile(*loaded);
  ASSERT_TRUE(engine.ok());
  // Labels: the simulator's columns; "bad" = 1 for examples with a PD above 5% (every other
  // such request) so that the AUC is neither 0 nor 1.
  const auto population = MakePopulation(80, "r");
  std::vector<double> pd;
  std::vector<int> bad;
  std::map<std::string, int> grades;
  {
    std::ofstream f(labels_);
    f << "request_id,enterprise_id,archetype,default_12m,violation_12m,bad\n";
    int i = 0;
    for (const auto& req : population) {
      auto r = (*engine)->Score(req);
      ASSERT_TRUE(r.ok());
      ++grades[r->credit().grade()];
      const int label = (r->credit().pd() > 0.05 && i % 2 == 0) || i % 11 == 0 ? 1 : 0;
      f << req.request_id() << "," << req.enterprise().id() << ",x,0,0," << label << "\n";
      pd.push_back(r->credit().pd());
      bad.push_back(label);
      ++i;
    }
  }
  double wins = 0, pairs = 0;
  for (std::size_t i = 0; i < pd.size(); ++i) {
    for (std::size_t j = 0; j < pd.size(); ++j) {
      if (bad[i] && !bad[j]) {
        pairs += 1;
        wins += pd[i] > pd[j] ? 1 : pd[i] == pd[j] ? 0.5 : 0;
      }
    }
  }
  char auc[32];
  std::snprintf(auc, sizeof auc, "%.4f", wins / pairs);

  auto r = RunCli("report --bundle " + SourcePath("models/starter") + " --in " + in_ +
                  " --labels " + labels_ + " --baseline " + baseline_ +
                  " --title '<script>alert(1)</script> & co' --out " + html_);
  ASSERT_EQ(r.exit_code, 0);
  const std::string html = ReadFileOrEmpty(html_);
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("http://www.w3.org/1999"))) << "no external references";
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("href=")));
  for (const char* id :
       {"chart-decisions", "chart-credit-grades", "chart-compliance-grades",
        "chart-score-histogram", "chart-dimensions", "chart-rule-hits", "chart-reasons",
        "table-zones", "table-sectors", "chart-roc", "chart-ks", "table-psi-score", "table-csi"}) {
    EXPECT_THAT(html, HasSubstr(std::string("id=\"") + id + "\"")) << id;
  }
  EXPECT_THAT(html, HasSubstr("requests<b>80</b>"));
  EXPECT_THAT(html, HasSubstr("AUC<b>" + std::string(auc) + "</b>"));
  // Zone names are escaped.
  EXPECT_THAT(html, HasSubstr("<td>Qianhai &lt;FTZ&gt;</td><td>27</td>"));
  EXPECT_THAT(html, HasSubstr("<td>electronics &amp; parts</td>"));
  // Grades are in the bundle's order, best first.
  {
    const auto chart_at = html.find("id=\"chart-credit-grades\"");
    const std::string chart = html.substr(chart_at, html.find("</svg>", chart_at) - chart_at);
    std::size_t last = 0;
    int seen = 0;
    for (const char* g : {"AAA", "AA", "A", "BBB", "BB", "B", "CCC", "C"}) {
      const auto at = chart.find(std::string(">") + g + "</text>");
      if (at == std::string::npos) continue;
      EXPECT_GT(at, last) << g;
      last = at;
      ++seen;
    }
    EXPECT_GE(seen, 4);
  }
  // Each grade's bar is labelled with its count.
  for (const auto& [grade, n] : grades) {
    EXPECT_TRUE(std::regex_search(html, std::regex(">" + grade + "</text><rect[^>]*/><text[^>]*>" +
                                                   std::to_string(n) + "</text>")))
        << grade << " " << n;
  }
}

TEST_F(ReportTest, RendersInHeadlessChromium) {
  const char* chromium = nullptr;
  for (const char* c : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (std::filesystem::exists(c)) chromium = c;
  }
  if (chromium == nullptr) GTEST_SKIP() << "chromium is not installed";
  auto r = RunCli("report --bundle " + SourcePath("models/starter") + " --in " + in_ +
                  " --baseline " + baseline_ + " --out " + html_);
  ASSERT_EQ(r.exit_code, 0);
  const std::string png = TestTempPath("report.png");
  const std::string dom = TestTempPath("report_dom.html");
  std::filesystem::remove(png);
  const std::string profile = TestTempPath("chromium_profile");
  const std::string common = std::string(chromium) +
                             " --headless --no-sandbox --disable-gpu --no-first-run "
                             "--user-data-dir=" +
                             profile + " ";
  const std::string url = "file://" + html_;
  ASSERT_EQ(std::system((common + "--window-size=1200,2400 --screenshot=" + png + " " + url +
                         " >/dev/null 2>&1")
                            .c_str()),
            0);
  ASSERT_EQ(std::system((common + "--dump-dom " + url + " > " + dom + " 2>/dev/null").c_str()), 0);
  const std::string dumped = ReadFileOrEmpty(dom);
  // The browser parsed the page: the charts are in its DOM as SVG elements.
  EXPECT_THAT(dumped, HasSubstr("<svg class=\"chart\" id=\"chart-score-histogram\""));
  EXPECT_THAT(dumped, HasSubstr("<svg class=\"chart\" id=\"chart-credit-grades\""));
  EXPECT_THAT(dumped, HasSubstr("id=\"table-csi\""));
  EXPECT_THAT(dumped, HasSubstr("</body></html>"));
  ASSERT_TRUE(std::filesystem::exists(png));
  EXPECT_GT(std::filesystem::file_size(png), 20000u) << "a blank page would be tiny";
  const std::string header = ReadFileOrEmpty(png).substr(0, 8);
  EXPECT_EQ(header, "\x89PNG\r\n\x1a\n");
  std::filesystem::remove(png);
  std::filesystem::remove(dom);
  std::filesystem::remove_all(profile);
}

// `credence report` and `credence metrics` compute PSI with the same code (fit::Psi), so they
// agree, also on a population where a bin of the baseline is empty and the current sample
// puts a share below 0.0001 in it: the report's former copy lifted that share to 0.0001 (its
// bin then added nothing), fit:: keeps it. Expected value by hand.
TEST(ReportPsiTest, ReportAndMetricsAgreeOnPsiWithAnEmptyBin) {
  // Three kinds of request whose credit scores differ: 0, 1 and 2 chargebacks.
  auto kind = [](int chargebacks, const std::string& id) {
    std::string events;
    for (int i = 1; i <= chargebacks; ++i) {
      events += std::string(i > 1 ? "," : "") + R"({"id":"c)" + std::to_string(i) +
                R"(","time":"2026-09-0)" + std::to_string(i) +
                R"(T00:00:00Z","kind":"EVENT_KIND_CHARGEBACK"})";
    }
    auto r = ParseRequest(R"({"request_id":")" + id + R"(","as_of":"2026-10-01T00:00:00Z",)" +
                              R"("enterprise":{"id":"e"},"events":[)" + events + "]}",
                          WireFormat::kJson);
    EXPECT_TRUE(r.ok()) << r.status();
    return *r;
  };
  auto loaded = LoadBundle(SourcePath("models/starter"));
  ASSERT_TRUE(loaded.ok());
  auto engine = Engine::Compile(*loaded);
  ASSERT_TRUE(engine.ok());
  double score[3];
  for (int c = 0; c < 3; ++c) {
    auto r = (*engine)->Score(kind(c, "probe"));
    ASSERT_TRUE(r.ok() && r->credit().available());
    score[c] = r->credit().score();
  }
  ASSERT_LT(score[2], score[1]);
  ASSERT_LT(score[1], score[0]);
  // Baseline: 50 low (2 chargebacks), 50 high (1). Its deciles are low x4, the midpoint, high
  // x4, so the top bin (above the high score) is empty. Current: 10,000 low, 9,999 high and
  // one above every edge (0 chargebacks).
  std::vector<v1::ScoreRequest> base, current;
  std::vector<double> base_scores, current_scores;
  auto add = [&](std::vector<v1::ScoreRequest>& to, std::vector<double>& scores, int c, int n) {
    for (int i = 0; i < n; ++i) {
      to.push_back(kind(c, "r" + std::to_string(to.size())));
      scores.push_back(score[c]);
    }
  };
  add(base, base_scores, 2, 50);
  add(base, base_scores, 1, 50);
  add(current, current_scores, 2, 10000);
  add(current, current_scores, 1, 9999);
  add(current, current_scores, 0, 1);
  const double want =
      (0.49995 - 0.5) * std::log(0.49995 / 0.5) + (0.00005 - 0.0001) * std::log(0.00005 / 0.0001);

  const std::string base_in = TestTempPath("psi_base.jsonl"), in = TestTempPath("psi_in.jsonl");
  const std::string html = TestTempPath("psi.html");
  WriteJsonl(base_in, base);
  WriteJsonl(in, current);
  auto r = RunCli("report --bundle " + SourcePath("models/starter") + " --in " + in +
                  " --baseline " + base_in + " --out " + html);
  ASSERT_EQ(r.exit_code, 0);
  std::smatch m;
  const std::string page = ReadFileOrEmpty(html);
  ASSERT_TRUE(
      std::regex_search(page, m, std::regex("id=\"table-psi-score\" data-psi=\"([^\"]+)\"")));
  const double report_psi = std::stod(m[1]);

  // The same scores as CSV for `credence metrics` (labels alternate; AUC needs both).
  auto write_csv = [](const std::string& path, const std::vector<double>& scores) {
    std::ofstream f(path);
    f << "score,bad\n";
    char buf[40];
    for (std::size_t i = 0; i < scores.size(); ++i) {
      std::snprintf(buf, sizeof buf, "%.17g", scores[i]);
      f << buf << "," << i % 2 << "\n";
    }
  };
  const std::string base_csv = TestTempPath("psi_base.csv"), csv = TestTempPath("psi.csv");
  write_csv(base_csv, base_scores);
  write_csv(csv, current_scores);
  auto metrics =
      RunCli("metrics --in " + csv + " --score score --label bad --expected " + base_csv);
  ASSERT_EQ(metrics.exit_code, 0);
  const double metrics_psi = nlohmann::json::parse(metrics.out)["psi"].get<double>();

  EXPECT_NEAR(report_psi, want, 1e-15);
  EXPECT_NEAR(metrics_psi, want, 1e-15);
  EXPECT_EQ(report_psi, metrics_psi);
  for (const auto& p : {base_in, in, html, base_csv, csv}) std::filesystem::remove(p);
}

// Statistics that cannot be computed say so instead of printing numbers: with labels without
// a bad, AUC, Gini and KS are shown as "not defined" with the reason (the report's former copy
// printed 0.0000 for each).
TEST(ReportUsageTest, StatisticsWithoutValueAreShownAsSuch) {
  const std::string labels = TestTempPath("all_good.csv");
  const std::string html = TestTempPath("degenerate.html");
  {
    std::ofstream f(labels);
    f << "request_id,bad\n";
    for (const auto& line : ::credence::testing::ExampleLines()) {
      auto r = ParseRequest(line, WireFormat::kJson);
      ASSERT_TRUE(r.ok());
      f << r->request_id() << ",0\n";
    }
  }
  auto r = RunCli("report --bundle " + SourcePath("models/starter") + " --in " +
                  SourcePath("examples/requests.jsonl") + " --labels " + labels + " --baseline " +
                  SourcePath("examples/requests.jsonl") + " --out " + html);
  ASSERT_EQ(r.exit_code, 0);
  const std::string page = ReadFileOrEmpty(html);
  for (const char* card : {"AUC", "Gini", "KS", "KS at PD"}) {
    EXPECT_THAT(page, HasSubstr(std::string("\">") + card + "<b>not defined</b>")) << card;
  }
  EXPECT_THAT(page, HasSubstr("AUC, Gini, KS and KS at PD not defined: "));
  EXPECT_THAT(page, HasSubstr("need at least one good (0) and one bad (1) label"));
  EXPECT_THAT(page, HasSubstr("id=\"chart-roc\""));
  // The same population as its own baseline: every PSI and CSI is 0.
  EXPECT_THAT(page, HasSubstr("Credit score PSI: 0.0000 (stable)"));
  std::filesystem::remove(labels);
  std::filesystem::remove(html);
}

TEST(ReportUsageTest, HelpAndBadLabels) {
  auto help = RunCli("report --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("--label-column"));
  const std::string labels = TestTempPath("bad_labels.csv");
  std::ofstream(labels) << "request_id,bad\nreq-001,maybe\n";
  auto r = RunCli("report --bundle " + SourcePath("models/starter") + " --in " +
                      SourcePath("examples/requests.jsonl") + " --labels " + labels + " --out " +
                      TestTempPath("never.html"),
                  true);
  EXPECT_EQ(r.exit_code, 2);
  // The labels are read as `credence fit` and `metrics` read theirs (fit::LabelColumn).
  EXPECT_THAT(r.out, HasSubstr(":2: label column 'bad' holds 'maybe'; labels must be 0"));
  EXPECT_FALSE(std::filesystem::exists(TestTempPath("never.html")));
  std::filesystem::remove(labels);
}

}  // namespace
}  // namespace credence
