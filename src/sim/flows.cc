// Periodic flows (payouts, customs declarations and inspections, FX receipts), tax and
// financing. See generation.h and docs/simulator.md.
#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "sim/generation.h"

namespace credence::sim {
namespace {

// Rates of customs outcomes for one enterprise.
struct CustomsRates {
  double p_decl_amend, p_decl_withdraw, p_decl_error, p_price_jump, p_inspect, p_inspect_fail,
      p_smuggling, p_third_party;
};

CustomsRates CustomsRatesOf(const Generation& g) {
  const double r = g.p.r;
  const bool fraud = g.fraud, counterfeit = g.counterfeit;
  CustomsRates c;
  c.p_decl_amend = 0.01 + 0.08 * r;
  c.p_decl_withdraw = 0.003 + 0.03 * r;
  c.p_decl_error = 0.004 + 0.05 * r + (fraud ? 0.06 : 0.0);
  c.p_price_jump = 0.02 + 0.08 * r + (fraud ? 0.30 : 0.0);
  c.p_inspect = (g.p.aeo_advanced ? 0.02 : g.p.aeo_certified ? 0.04 : 0.08) + 0.15 * r;
  c.p_inspect_fail = 0.01 + 0.20 * r;
  c.p_smuggling = (fraud || counterfeit) ? 0.004 + 0.05 * r * r : 0.0005 * r;
  c.p_third_party = 0.01 + 0.08 * r + (fraud ? 0.35 : 0.0);
  return c;
}

// Marketplace payout every two weeks for the sales of the fortnight.
void AddPayout(Generation& g, Builder& b, std::int64_t t, double fortnight) {
  if (v1::Event* pay = b.Add(v1::EVENT_KIND_PAYMENT, t + 2 * 3600)) {
    const bool usd = g.rng.Bernoulli(0.7);
    SetMoney(pay->mutable_amount(), usd ? "USD" : "EUR",
             std::llround(fortnight * (0.9 - 0.05 * g.p.r) / (usd ? 7.10 : 7.72) * 100.0));
    pay->set_counterparty(kChannels[g.main_channel]);
    pay->set_channel(kChannels[g.main_channel]);
    pay->set_status("settled");
  }
}

// A customs inspection of declaration `decl_id`.
void AddInspection(Generation& g, Builder& b, const CustomsRates& c, std::int64_t t,
                   const std::string& decl_id) {
  if (v1::Event* ins = b.Add(v1::EVENT_KIND_CUSTOMS_INSPECTION, t + g.rng.Int(1, 3) * kDay)) {
    ins->set_reference_id(decl_id);
    ins->set_counterparty("customs");
    const double v = g.rng.Uniform();
    const double p_seize = g.counterfeit ? 0.15 : 0.002;
    ins->set_status(v < c.p_smuggling                                ? "smuggling"
                    : v < c.p_smuggling + p_seize                    ? "seized"
                    : v < c.p_smuggling + p_seize + c.p_inspect_fail ? "failed"
                                                                     : "passed");
  }
}

// One summary declaration per week with sales (9610 "list release, summary declaration"),
// more for large sellers; dormant shells and fraudsters also declare goods with little or
// no matching sales (paper exports).
void AddDeclarations(Generation& g, Builder& b, const CustomsRates& c, std::int64_t t,
                     const WeekSales& wk, const char* supervision) {
  Rng& rng = g.rng;
  std::int64_t decls = wk.orders > 0 ? 1 + wk.orders / 60 : 0;
  if ((g.fraud || g.shell) && rng.Bernoulli(g.fraud ? 0.5 : 0.1)) decls += 1;
  for (std::int64_t d = 0; d < decls; ++d) {
    v1::Event* decl = b.Add(v1::EVENT_KIND_CUSTOMS_DECLARATION, t - d * 3600);
    if (decl == nullptr) break;
    const double value = std::max(500.0, wk.sales_cny / static_cast<double>(decls)) *
                         (g.fraud ? rng.Uniform(1.5, 4.0) : 1.0);
    SetMoney(decl->mutable_amount(), "CNY", Fen(value));
    decl->set_counterparty("customs");
    decl->set_channel("customs_single_window");
    decl->set_destination_country(kMarkets[static_cast<std::size_t>(g.p.market_bias)].country);
    const double u = rng.Uniform();
    decl->set_status(u < c.p_decl_withdraw                    ? "withdrawn"
                     : u < c.p_decl_withdraw + c.p_decl_amend ? "amended"
                                                              : "accepted");
    SetString(decl, "supervision_code", supervision);
    SetBool(decl, "error", rng.Bernoulli(c.p_decl_error));
    SetBool(decl, "unit_price_jump", rng.Bernoulli(c.p_price_jump));
    const std::string decl_id = decl->id();
    if (rng.Bernoulli(c.p_inspect)) AddInspection(g, b, c, t, decl_id);
  }
}

// FX receipt of a month's proceeds; fraudsters receive less and more through third parties.
void AddFxReceipt(Generation& g, Builder& b, const CustomsRates& c, std::int64_t t,
                  double month_sales) {
  Rng& rng = g.rng;
  const Market& m = kMarkets[static_cast<std::size_t>(g.p.market_bias)];
  if (v1::Event* fx = b.Add(v1::EVENT_KIND_FX_RECEIPT, t + 3 * kDay)) {
    const double received =
        month_sales * (g.fraud ? rng.Uniform(0.3, 0.8) : rng.Uniform(0.85, 1.0));
    SetMoney(fx->mutable_amount(), "CNY", Fen(received));
    const bool third = rng.Bernoulli(c.p_third_party);
    fx->set_counterparty(third ? "payer-" + Num(rng.Below(50)) : "psp-main");
    fx->set_origin_country(third && rng.Bernoulli(0.7) ? "VG" : m.country);
    fx->set_status("credited");
    SetBool(fx, "third_party", third);
  }
}

}  // namespace

std::vector<double> AddPeriodicFlows(Generation& g, Builder& b,
                                     const std::vector<WeekSales>& weeks) {
  const CustomsRates c = CustomsRatesOf(g);
  static constexpr std::array<const char*, 4> kCodes = {"9610", "9710", "9810", "1210"};
  const char* supervision = kCodes[g.rng.Below(3)];
  double month_sales = 0;
  std::vector<double> month_sales_hist;
  for (std::size_t w = 0; w < weeks.size(); ++w) {
    const std::int64_t day = g.start_day + static_cast<std::int64_t>(w) * 7 + 6;
    if (day > g.last_day) break;
    const std::int64_t t = day * kDay + 10 * 3600;
    const WeekSales& wk = weeks[w];
    month_sales += wk.sales_cny;
    const double fortnight = wk.sales_cny + (w > 0 ? weeks[w - 1].sales_cny : 0.0);
    if (w % 2 == 1 && fortnight > 0) AddPayout(g, b, t, fortnight);
    AddDeclarations(g, b, c, t, wk, supervision);
    if (w % 4 == 3) {  // monthly (every 4 weeks)
      month_sales_hist.push_back(month_sales);
      if (month_sales > 0) AddFxReceipt(g, b, c, t, month_sales);
      month_sales = 0;
    }
  }
  return month_sales_hist;
}

void AddTax(Generation& g, Builder& b, const std::vector<double>& month_sales_hist) {
  Rng& rng = g.rng;
  const double r = g.p.r;
  const bool fraud = g.fraud, shell = g.shell;
  const std::int64_t start_day = g.start_day;
  const Params& p = g.p;
  const double p_refund_reject = 0.02 + 0.2 * r + (fraud ? 0.2 : 0.0);
  const double p_refund_partial = 0.04 + 0.1 * r;
  const double p_tax_late = 0.01 + 0.3 * r * r;
  for (std::size_t mth = 0; mth < month_sales_hist.size(); ++mth) {
    const std::int64_t day = start_day + static_cast<std::int64_t>(mth + 1) * 28 + 8;
    const std::int64_t t = day * kDay + 9 * 3600;
    if (p.claims_refunds && (month_sales_hist[mth] > 0 || (fraud && rng.Bernoulli(0.5)))) {
      // Refund = VAT rebate (9-13%) of the month's exports; fraud claims several times that
      // on fabricated exports, and more so recently.
      const double recent = static_cast<double>(month_sales_hist.size() - mth) < 7 ? 1.6 : 1.0;
      const double rebate = std::max(800.0, month_sales_hist[mth]) * rng.Uniform(0.09, 0.13);
      const double fraud_factor = fraud ? rng.Uniform(2.0, 5.0) * recent : 1.0;
      const double shell_factor = shell ? rng.Uniform(1.0, 3.0) : 1.0;
      const double claim = rebate * fraud_factor * shell_factor;
      if (v1::Event* c = b.Add(v1::EVENT_KIND_TAX_REFUND_CLAIM, t)) {
        SetMoney(c->mutable_amount(), "CNY", Fen(claim));
        c->set_counterparty("tax_bureau");
        const double lag = rng.LogNormal(std::log(25.0), 0.6) * (fraud ? 4.0 : 1.0);
        SetInt(c, "invoice_lag_days", static_cast<std::int64_t>(lag));
        const std::string claim_id = c->id();
        const double u = rng.Uniform();
        if (v1::Event* o = b.Add(v1::EVENT_KIND_TAX_REFUND_OUTCOME, t + rng.Int(7, 30) * kDay)) {
          o->set_reference_id(claim_id);
          o->set_counterparty("tax_bureau");
          o->set_status(u < p_refund_reject                      ? "rejected"
                        : u < p_refund_reject + p_refund_partial ? "partially_approved"
                                                                 : "approved");
        }
      }
    }
    if (mth % 3 == 2) {
      if (v1::Event* tp = b.Add(v1::EVENT_KIND_TAX_PAYMENT, t + 6 * kDay)) {
        const double due = std::max(
            200.0,
            0.01 * (month_sales_hist[mth] + month_sales_hist[mth - 1] + month_sales_hist[mth - 2]));
        SetMoney(tp->mutable_amount(), "CNY", Fen(due));
        tp->set_counterparty("tax_bureau");
        const bool late = rng.Bernoulli(p_tax_late);
        tp->set_status(late ? "late" : "on_time");
        SetInt(tp, "days_late", late ? rng.Int(1, r > 0.6 ? 150 : 40) : 0);
      }
    }
  }
}

void AddFinancing(Generation& g, Builder& b, const std::vector<double>& month_sales_hist) {
  if (!g.p.borrows) return;
  Rng& rng = g.rng;
  const double r = g.p.r;
  const Params& p = g.p;
  const std::int64_t start_day = g.start_day, last_day = g.last_day, as_of_day = g.as_of_day;
  const double p_late = 0.01 + 0.35 * std::pow(r, 1.5);
  const double avg_month_sales = [&] {
    double s = 0;
    for (double v : month_sales_hist) s += v;
    return month_sales_hist.empty() ? 0.0 : s / static_cast<double>(month_sales_hist.size());
  }();
  const double loan = std::max(2000.0, avg_month_sales * rng.Uniform(0.5, 1.5));
  for (std::int64_t day = start_day + rng.Int(10, 60); day <= last_day; day += rng.Int(80, 120)) {
    const std::int64_t t = day * kDay + 11 * 3600;
    v1::Event* dd = b.Add(v1::EVENT_KIND_LOAN_DRAWDOWN, t);
    if (dd == nullptr) break;
    const std::string lender = rng.Bernoulli(0.5) ? "bank_a" : "platform_finance";
    SetMoney(dd->mutable_amount(), "CNY", Fen(loan * rng.Uniform(0.8, 1.2)));
    dd->set_counterparty(lender);
    dd->set_status("disbursed");
    const std::string loan_id = dd->id();
    for (int k = 1; k <= 3; ++k) {
      const std::int64_t due_day = day + 30 * k;
      // Distressed sellers slip as the decline deepens.
      double pl = p_late;
      if (p.decline_start > 0 && static_cast<double>(as_of_day - due_day) < p.decline_start)
        pl *= 2.5;
      const bool late = rng.Bernoulli(std::min(pl, 0.95));
      std::int64_t dpd = 0;
      if (late) {
        dpd = rng.Int(1, 29);
        if (rng.Bernoulli(0.2 + 0.6 * r)) dpd += rng.Int(1, 60);
        if (rng.Bernoulli(0.3 * r)) dpd += rng.Int(30, 90);
      }
      v1::Event* rp = b.Add(v1::EVENT_KIND_LOAN_REPAYMENT, (due_day + dpd) * kDay + 15 * 3600);
      if (rp == nullptr) break;
      SetMoney(rp->mutable_amount(), "CNY", Fen(loan / 3.0));
      rp->set_counterparty(lender);
      rp->set_reference_id(loan_id);
      rp->set_status(dpd == 0 ? "on_time" : "late");
      SetInt(rp, "days_past_due", dpd);
    }
  }
}

}  // namespace credence::sim
