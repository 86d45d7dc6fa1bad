#!/usr/bin/env python3
"""Writes the cross-border bundle and its reference pages from one table.

  models/cross-border/bundle.textproto   the bundle (features, rules, models, decision)
  docs/indicators.md                     every feature: definition, window, risk direction,
                                         threshold source
  docs/compliance.md                     every compliance rule, the score, grades, vetoes and
                                         the decision table

Keeping the three in one table means a threshold cannot change in the bundle without its
documentation changing too. Run from the repository root after editing:

  python3 models/cross-border/make_bundle.py

Threshold sources cite /work/shared/domain/README.md ("domain") by section and indicator id
(e.g. domain §3 C01), which in turn cites the public texts. Thresholds marked "synthesis"
have no published number; they were set from the simulated population (docs/simulator.md)
and should be re-binned on real data.
"""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DAY = 86400

# Written by `credence fit --scorecard` (scripts/build_cross_border.sh); when present it is the
# credit model instead of the placeholder.
SCORECARD_FILE = "scorecard.textproto"
HAVE_SCORECARD = os.path.exists(os.path.join(os.path.dirname(os.path.abspath(__file__)), SCORECARD_FILE))

DIMS = {
    "customs": "DIMENSION_CUSTOMS",
    "tax": "DIMENSION_TAX",
    "payment": "DIMENSION_PAYMENT_FINANCING",
    "logistics": "DIMENSION_LOGISTICS",
    "consumer": "DIMENSION_CONSUMER_PROTECTION",
    "ip": "DIMENSION_INTELLECTUAL_PROPERTY",
    "credentials": "DIMENSION_CREDENTIALS_PENALTIES",
    "operating": "DIMENSION_OPERATING_STABILITY",
}
DIM_TITLES = {
    "customs": "Customs",
    "tax": "Tax and export tax refunds",
    "payment": "Payment and financing",
    "logistics": "Logistics",
    "consumer": "Consumer protection",
    "ip": "Intellectual property",
    "credentials": "Credentials and penalties",
    "operating": "Operating stability",
}

FEATURES = []  # dicts: name, dim, desc, body (textproto), window (text), dir, source


def q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def window_text(days, offset):
    if days is None:
        return "all history"
    t = f"{days} d"
    if offset:
        t += f", ending {offset} d before as_of"
    return t


def filt(kinds, statuses=(), attrs=(), custom=(), min_amount=None):
    parts = [f"kinds: EVENT_KIND_{k}" for k in kinds]
    parts += [f"custom_kinds: {q(c)}" for c in custom]
    parts += [f"statuses: {q(s)}" for s in statuses]
    if min_amount is not None:
        parts.append(f"min_amount: {min_amount}")
    for name, op, kind, value in attrs:
        if kind == "bool":
            v = f"bool_value: {str(value).lower()}"
        elif kind == "string":
            v = f"string_value: {q(value)}"
        else:
            v = f"int_value: {value}"
        parts.append(f"attributes {{ name: {q(name)} op: COMPARE_OP_{op} value {{ {v} }} }}")
    return "filter { " + " ".join(parts) + " }"


def win(days, offset=0):
    if days is None:
        return "window { all_history: true }"
    s = f"window {{ trailing {{ seconds: {days * DAY} }}"
    if offset:
        s += f" offset {{ seconds: {offset * DAY} }}"
    return s + " }"


def feature(name, dim, desc, body, window, direction, source):
    assert not any(f["name"] == name for f in FEATURES), name
    FEATURES.append(dict(name=name, dim=dim, desc=desc, body=body, window=window,
                         dir=direction, source=source))


def agg(name, dim, desc, kinds, days, op, direction, source, offset=0, statuses=(), attrs=(),
        custom=(), value_attr=None, key=None, weight=None, top_k=None, quantile=None,
        min_amount=None):
    a = [f"op: AGGREGATE_OP_{op}"]
    if value_attr:
        a.append(f"value {{ source: VALUE_SOURCE_ATTRIBUTE attribute: {q(value_attr)} }}")
    if quantile is not None:
        a.append(f"quantile: {quantile}")
    if key:
        a.append(f"key: EVENT_FIELD_{key}")
    if weight:
        a.append(f"weight: SHARE_WEIGHT_{weight}")
    if top_k:
        a.append(f"top_k: {top_k}")
    body = "\n  ".join([filt(kinds, statuses, attrs, custom, min_amount), win(days, offset),
                        "aggregate { " + " ".join(a) + " }"])
    feature(name, dim, desc, body, window_text(days, offset), direction, source)


def ratio(name, dim, desc, num, den, direction, source, policy="SMOOTHED", prior_rate=0.0,
          prior_weight=1.0, window=None):
    r = [f"numerator: {q(num)}", f"denominator: {q(den)}",
         f"zero_denominator: ZERO_DENOMINATOR_POLICY_{policy}"]
    if policy == "SMOOTHED":
        r += [f"prior_rate: {prior_rate}", f"prior_weight: {prior_weight}"]
    body = "ratio { " + " ".join(r) + " }"
    w = window or f"as `{num}`"
    if policy == "SMOOTHED":
        desc += f" Smoothed: (num + {prior_rate}×{prior_weight}) / (den + {prior_weight})."
    feature(name, dim, desc, body, w, direction, source)
    FEATURES[-1].update(num=num, den=den, policy=policy, prior_rate=prior_rate,
                        prior_weight=prior_weight)


def link(name, dim, desc, kinds, days, linked_kinds, measure, direction, source, quantile=None,
         linked_statuses=(), offset=0):
    l = [filt(linked_kinds, linked_statuses).replace("filter", "linked_filter", 1),
         "direction: LINK_DIRECTION_INBOUND", f"measure: LINK_MEASURE_{measure}"]
    if quantile is not None:
        l.append(f"quantile: {quantile}")
    body = "\n  ".join([filt(kinds), win(days, offset), "link { " + " ".join(l) + " }"])
    feature(name, dim, desc, body, window_text(days, offset), direction, source)


def growth(name, dim, desc, of, direction, source, cap=10.0):
    body = f"growth {{ feature: {q(of)} zero_prior: ZERO_PRIOR_POLICY_CAP cap: {cap} }}"
    feature(name, dim, desc + f" A zero prior gives ±{cap:g} (capped).", body,
            f"as `{of}` vs the window before it", direction, source)


UP, DOWN, EXT = "↑", "↓", "extremes ↑"
D = "domain"

# --- Customs ---------------------------------------------------------------------------
agg("declarations_365d", "customs", "Customs declarations (summary declarations, entry/exit lists) in the last year.",
    ["CUSTOMS_DECLARATION"], 365, "COUNT", "volume (denominator)", f"{D} §3 C01 (document count)")
agg("declarations_prev_365d", "customs", "Customs declarations in the year before the last year (prior-year document count).",
    ["CUSTOMS_DECLARATION"], 365, "COUNT", "volume (denominator)", f"{D} §1.1: violation ratio uses the prior-year document count", offset=365)
agg("declaration_value_365d", "customs", "Declared export value in the last year, CNY.",
    ["CUSTOMS_DECLARATION"], 365, "SUM", "volume", f"{D} §1.2 SAFE fund-to-goods ratio (goods side)")
agg("declaration_errors_365d", "customs", "Declarations with a recorded declaration error (attribute error = true) in the last year.",
    ["CUSTOMS_DECLARATION"], 365, "COUNT", UP, f"{D} §3 C04 (Order 221 definition)", attrs=[("error", "EQ", "bool", True)])
ratio("declaration_error_rate_365d", "customs", "Declaration error rate: declarations with errors ÷ declarations.",
      "declaration_errors_365d", "declarations_365d", UP,
      f"{D} §3 C04: 2014 rule > 2× national average → dishonest; national average taken as 1% (synthesis), so 2% review and 5% severe",
      prior_rate=0.0, prior_weight=50)
agg("declarations_amended_365d", "customs", "Declarations amended or withdrawn in the last year.",
    ["CUSTOMS_DECLARATION"], 365, "COUNT", UP, f"{D} §3 C05", statuses=["amended", "withdrawn"])
ratio("declaration_amend_rate_365d", "customs", "Amended or withdrawn declarations ÷ declarations.",
      "declarations_amended_365d", "declarations_365d", UP, f"{D} §3 C05: no published threshold; 5% (synthesis: about 3× the clean-population rate)",
      prior_rate=0.0, prior_weight=50)
agg("inspections_365d", "customs", "Customs inspection results in the last year.",
    ["CUSTOMS_INSPECTION"], 365, "COUNT", "volume (denominator)", f"{D} §3 C06")
agg("inspections_adverse_365d", "customs", "Inspections with an adverse finding (failed, seized, smuggling) in the last year.",
    ["CUSTOMS_INSPECTION"], 365, "COUNT", UP, f"{D} §3 C06", statuses=["failed", "seized", "smuggling"])
ratio("inspection_finding_rate_365d", "customs", "Inspection finding rate: adverse inspections ÷ inspections.",
      "inspections_adverse_365d", "inspections_365d", UP,
      f"{D} §3 C06: no published threshold; 10% (synthesis)", prior_rate=0.0, prior_weight=10)
agg("smuggling_inspections_2y", "customs", "Inspections whose finding is smuggling in the last two years.",
    ["CUSTOMS_INSPECTION"], 730, "COUNT", UP, f"{D} §3 C03: smuggling → dishonest; AEO requires 2 clean years", statuses=["smuggling"])
agg("smuggling_penalties_2y", "customs", "Administrative penalties for smuggling (attribute smuggling = true) in the last two years.",
    ["ADMINISTRATIVE_PENALTY"], 730, "COUNT", UP, f"{D} §1.1 Order 251 item 1, §3 C03", attrs=[("smuggling", "EQ", "bool", True)])
agg("customs_penalties_365d", "customs", "Customs administrative penalties (attribute authority = customs) in the last year.",
    ["ADMINISTRATIVE_PENALTY"], 365, "COUNT", UP, f"{D} §1.1: advanced AEO ≤ 5 violations a year", attrs=[("authority", "EQ", "string", "customs")])
agg("customs_penalty_amount_365d", "customs", "Cumulative customs penalty amount in the last year, CNY.",
    ["ADMINISTRATIVE_PENALTY"], 365, "SUM", UP,
    f"{D} §3 C02: > RMB 1M (non-broker) with ratio > 1/1000 → dishonest; AEO cumulative ≤ RMB 50k",
    attrs=[("authority", "EQ", "string", "customs")])
agg("customs_penalties_over_30k_365d", "customs", "Customs penalties of more than RMB 30,000 each in the last year.",
    ["ADMINISTRATIVE_PENALTY"], 365, "COUNT", UP, f"{D} §1.1 AEO law-abiding item: no single penalty > RMB 30k (non-broker)",
    attrs=[("authority", "EQ", "string", "customs")], min_amount=30000.01)
ratio("customs_violation_ratio", "customs", "Customs violation ratio: customs penalties in the last year ÷ prior-year declarations.",
      "customs_penalties_365d", "declarations_prev_365d", UP,
      f"{D} §3 C01: > 1/1000 (with > RMB 1M penalties) → dishonest", prior_rate=0.0, prior_weight=1.0)
agg("order_value_365d_cny", "customs", "Value of completed orders in the last year, CNY (the sales side of the declared-to-sales ratio).",
    ["ORDER"], 365, "SUM", "volume", "synthesis", statuses=["completed"])
ratio("declared_to_sales_ratio_365d", "customs", "Declared export value ÷ value of completed orders: goods declared without matching sales (paper exports).",
      "declaration_value_365d", "order_value_365d_cny", UP,
      f"{D} §1.4 export-refund red flags (abnormal export growth, fast in-out); 2.0 (synthesis)", prior_rate=0.0, prior_weight=10000)

# --- Tax -----------------------------------------------------------------------------------
agg("tax_refund_claims_365d", "tax", "Export tax-refund claims filed in the last year.",
    ["TAX_REFUND_CLAIM"], 365, "COUNT", "volume", f"{D} §3 T02/T04")
agg("tax_refund_claim_value_365d", "tax", "Value of export tax-refund claims in the last year, CNY.",
    ["TAX_REFUND_CLAIM"], 365, "SUM", UP, f"{D} §3 T04")
growth("tax_refund_claim_growth", "tax", "Growth of claimed refund value: last year over the year before.",
       "tax_refund_claim_value_365d", EXT, f"{D} §3 T04: abnormal growth is a red flag, no number; 100% (synthesis)")
agg("tax_refund_adverse_outcomes_365d", "tax", "Refund-claim outcomes rejected or partially approved in the last year.",
    ["TAX_REFUND_OUTCOME"], 365, "COUNT", UP, f"{D} §3 T08", statuses=["rejected", "partially_approved"])
ratio("tax_refund_adjust_rate_365d", "tax", "Claims rejected or adjusted ÷ claims filed.",
      "tax_refund_adverse_outcomes_365d", "tax_refund_claims_365d", UP,
      f"{D} §3 T08: no published threshold; 20% (synthesis)", prior_rate=0.0, prior_weight=5)
agg("tax_refund_rejections_365d", "tax", "Refund claims rejected outright in the last year.",
    ["TAX_REFUND_OUTCOME"], 365, "COUNT", UP, f"{D} §3 T08", statuses=["rejected"])
agg("invoice_lag_long_claims_365d", "tax", "Claims whose supplier-invoice-to-export lag exceeds 90 days (attribute invoice_lag_days > 90).",
    ["TAX_REFUND_CLAIM"], 365, "COUNT", UP, f"{D} §3 T05: 90-day gap flagged", attrs=[("invoice_lag_days", "GT", "int", 90)])
ratio("invoice_lag_long_share_365d", "tax", "Share of refund claims with an invoice–export lag over 90 days.",
      "invoice_lag_long_claims_365d", "tax_refund_claims_365d", UP, f"{D} §3 T05; 20% (synthesis)", prior_rate=0.0, prior_weight=5)
ratio("tax_refund_to_sales_ratio_365d", "tax", "Refund claimed ÷ value of completed orders (CNY): the effective rebate rate.",
      "tax_refund_claim_value_365d", "order_value_365d_cny", UP,
      "export VAT rebate rates are at most 13% (synthesis, statutory rates not in the domain notes); 20% leaves room for timing",
      prior_rate=0.0, prior_weight=10000)
agg("unit_price_jumps_365d", "tax", "Declarations with a unit price > 110% of the last declared price for the same item (attribute unit_price_jump).",
    ["CUSTOMS_DECLARATION"], 365, "COUNT", UP, f"{D} §3 T09: 10% price jump trigger (SAT Bulletin 2010 No. 11)", attrs=[("unit_price_jump", "EQ", "bool", True)])
ratio("unit_price_jump_rate_365d", "tax", "Share of declarations with a unit-price jump.",
      "unit_price_jumps_365d", "declarations_365d", UP, f"{D} §3 T09; 20% (synthesis)", prior_rate=0.0, prior_weight=20)
agg("tax_payments_late_365d", "tax", "Tax payments made late in the last year.",
    ["TAX_PAYMENT"], 365, "COUNT", UP, f"{D} §1.2 tax credit deductions", statuses=["late"])
agg("tax_payments_over_90d_late_3y", "tax", "Tax payments more than 90 days late (attribute days_late > 90) in the last three years.",
    ["TAX_PAYMENT"], 1095, "COUNT", UP, f"{D} §3 C10, §1.1 Order 251 item 3: taxes unpaid > 3 months → dishonest", attrs=[("days_late", "GT", "int", 90)])

# --- Payment and financing -------------------------------------------------------------------
agg("orders_90d", "payment", "Orders (any status) in the last 90 days.", ["ORDER"], 90, "COUNT", "volume (denominator)", f"{D} §3 P01")
agg("chargebacks_90d", "payment", "Card chargebacks in the last 90 days.", ["CHARGEBACK"], 90, "COUNT", UP, f"{D} §3 P01")
ratio("chargeback_rate_90d", "payment", "Chargebacks ÷ orders over 90 days.", "chargebacks_90d", "orders_90d", UP,
      f"{D} §1.5 card programmes: Visa standard 0.9%, excessive 1.8%", prior_rate=0.0, prior_weight=200)
agg("disputes_opened_90d", "payment", "Disputes opened by buyers in the last 90 days.", ["DISPUTE_OPENED"], 90, "COUNT", UP, f"{D} §3 P02")
ratio("dispute_rate_90d", "payment", "Disputes ÷ orders over 90 days (VAMP-style).", "disputes_opened_90d", "orders_90d", UP,
      f"{D} §3 P02: VAMP 1.5% from April 2026", prior_rate=0.0, prior_weight=200)
agg("disputes_resolved_365d", "payment", "Disputes resolved in the last year.", ["DISPUTE_RESOLVED"], 365, "COUNT", "volume", f"{D} §3 P04")
agg("disputes_lost_365d", "payment", "Disputes decided for the buyer in the last year.", ["DISPUTE_RESOLVED"], 365, "COUNT", UP, f"{D} §3 P04", statuses=["buyer_won"])
ratio("dispute_loss_rate_365d", "payment", "Disputes lost ÷ disputes resolved.", "disputes_lost_365d", "disputes_resolved_365d", UP,
      f"{D} §3 P04; 50% (synthesis)", prior_rate=0.0, prior_weight=5)
agg("fx_receipts_value_365d", "payment", "Foreign-exchange receipts credited in the last year, CNY.", ["FX_RECEIPT"], 365, "SUM", DOWN, f"{D} §3 P05")
ratio("fund_to_goods_ratio_365d", "payment", "FX receipts ÷ declared export value (SAFE fund-to-goods ratio).", "fx_receipts_value_365d", "declaration_value_365d",
      "deviation from 1 ↑", f"{D} §1.2 SAFE monitoring ratio, §3 P05; below 0.5 (synthesis)", prior_rate=1.0, prior_weight=10000)
agg("fx_receipts_365d", "payment", "FX receipts in the last year.", ["FX_RECEIPT"], 365, "COUNT", "volume", f"{D} §3 P07")
agg("fx_third_party_365d", "payment", "FX receipts from a third party (attribute third_party = true) in the last year.",
    ["FX_RECEIPT"], 365, "COUNT", UP, f"{D} §3 P07", attrs=[("third_party", "EQ", "bool", True)])
ratio("third_party_fx_share_365d", "payment", "Share of FX receipts paid by third parties.", "fx_third_party_365d", "fx_receipts_365d", UP,
      f"{D} §3 P07, §1.4 red flag; 20% (synthesis)", prior_rate=0.0, prior_weight=5)
agg("repayments_365d", "payment", "Loan repayments in the last year.", ["LOAN_REPAYMENT"], 365, "COUNT", "volume", f"{D} §3 P09")
agg("repayments_late_365d", "payment", "Loan repayments made late in the last year.", ["LOAN_REPAYMENT"], 365, "COUNT", UP, f"{D} §3 P09", statuses=["late"])
ratio("late_repayment_rate_365d", "payment", "Late repayments ÷ repayments.", "repayments_late_365d", "repayments_365d", UP,
      f"{D} §3 P09; 20% (synthesis)", prior_rate=0.0, prior_weight=4)
agg("repayments_30dpd_365d", "payment", "Repayments made 30 or more days past due in the last year.", ["LOAN_REPAYMENT"], 365, "COUNT", UP,
    f"{D} §3 P09 (30+ episodes)", attrs=[("days_past_due", "GE", "int", 30)])
agg("repayments_90dpd_365d", "payment", "Repayments made more than 90 days past due in the last year (a default).", ["LOAN_REPAYMENT"], 365, "COUNT", UP,
    f"{D} §3 P08, §2.4: > 90 DPD = default (Basel)", attrs=[("days_past_due", "GT", "int", 90)])
agg("max_dpd_365d", "payment", "Largest days past due of a repayment in the last year (missing without repayments).", ["LOAN_REPAYMENT"], 365, "MAX", UP,
    f"{D} §3 P08: 5-class bands 1–90 / 91–120 / 121–180 / > 180", value_attr="days_past_due")
agg("loan_drawdown_value_365d", "payment", "Financing drawn in the last year, CNY.", ["LOAN_DRAWDOWN"], 365, "SUM", UP, f"{D} §3 P10")
ratio("leverage_to_sales_365d", "payment", "Financing drawn ÷ value of completed orders (CNY) over the last year.", "loan_drawdown_value_365d", "order_value_365d_cny", UP,
      f"{D} §3 P10 (utilisation proxy); 1.0 (synthesis)", prior_rate=0.0, prior_weight=10000)

# --- Logistics -------------------------------------------------------------------------------
agg("shipments_90d", "logistics", "Shipments in the last 90 days.", ["SHIPMENT"], 90, "COUNT", "volume (denominator)", f"{D} §3 L01")
agg("shipments_late_90d", "logistics", "Shipments dispatched after the 3-day handling promise in the last 90 days.", ["SHIPMENT"], 90, "COUNT", UP, f"{D} §3 L01", statuses=["late"])
ratio("late_shipment_rate_90d", "logistics", "Late shipment rate.", "shipments_late_90d", "shipments_90d", UP,
      f"{D} §1.5: Amazon < 4%, eBay ≤ 7%, Shopee penalty ≥ 20%", prior_rate=0.0, prior_weight=25)
agg("shipments_bad_tracking_90d", "logistics", "Shipments without valid carrier tracking (attribute tracking_valid = false) in the last 90 days.",
    ["SHIPMENT"], 90, "COUNT", UP, f"{D} §3 L03/L06", attrs=[("tracking_valid", "EQ", "bool", False)])
ratio("invalid_tracking_rate_90d", "logistics", "Share of shipments without valid tracking.", "shipments_bad_tracking_90d", "shipments_90d", UP,
      f"{D} §1.5: Amazon valid tracking ≥ 95% → > 5% invalid", prior_rate=0.0, prior_weight=25)
agg("deliveries_90d", "logistics", "Delivery outcomes in the last 90 days.", ["DELIVERY"], 90, "COUNT", "volume (denominator)", f"{D} §3 L04")
agg("deliveries_late_90d", "logistics", "Deliveries after the promised date (attribute on_time = false) in the last 90 days.",
    ["DELIVERY"], 90, "COUNT", UP, f"{D} §3 L04", attrs=[("on_time", "EQ", "bool", False)])
ratio("late_delivery_rate_90d", "logistics", "Late delivery rate.", "deliveries_late_90d", "deliveries_90d", UP,
      f"{D} §1.5: Amazon on-time > 97% recommended; 10% (synthesis, cross-border transit)", prior_rate=0.0, prior_weight=25)
agg("parcels_lost_90d", "logistics", "Parcels lost or damaged in the last 90 days.", ["DELIVERY"], 90, "COUNT", UP, f"{D} §3 L07", statuses=["lost", "damaged"])
ratio("lost_parcel_rate_90d", "logistics", "Lost or damaged parcels ÷ delivery outcomes.", "parcels_lost_90d", "deliveries_90d", UP,
      f"{D} §3 L07: no published threshold; 3% (synthesis)", prior_rate=0.0, prior_weight=25)
agg("orders_cancelled_90d", "logistics", "Orders cancelled by the seller before shipment in the last 90 days.", ["ORDER"], 90, "COUNT", UP, f"{D} §3 L02", statuses=["cancelled"])
ratio("seller_cancel_rate_90d", "logistics", "Pre-fulfilment cancel rate.", "orders_cancelled_90d", "orders_90d", UP,
      f"{D} §1.5: Amazon < 2.5%", prior_rate=0.0, prior_weight=40)
link("handling_days_p50_90d", "logistics", "Median days from order to shipment over orders of the last 90 days that have shipped (missing when none).",
     ["ORDER"], 90, ["SHIPMENT"], "DURATION_QUANTILE", UP, f"{D} §3 L08: Shopee 2 working days", quantile=0.5)
link("unshipped_order_share_90d", "logistics", "Share of orders of the 90 days ending 14 days before as_of with no shipment by then (cancelled orders included).",
     ["ORDER"], 90, ["SHIPMENT"], "SHARE_UNLINKED", UP, f"{D} §3 L05 (non-fulfilment); Shopee 10%", offset=14)

# --- Consumer protection ---------------------------------------------------------------------
agg("order_value_90d", "consumer", "Value of orders in the last 90 days, CNY.", ["ORDER"], 90, "SUM", "volume", f"{D} §3 P03")
agg("refunds_90d", "consumer", "Refunds paid in the last 90 days.", ["REFUND"], 90, "COUNT", UP, f"{D} §3 P03")
ratio("refund_rate_90d", "consumer", "Refunds ÷ orders over 90 days.", "refunds_90d", "orders_90d", UP,
      f"{D} §3 P03: no universal threshold; 15% (synthesis)", prior_rate=0.0, prior_weight=20)
agg("refund_value_90d", "consumer", "Value refunded in the last 90 days, CNY.", ["REFUND"], 90, "SUM", UP, f"{D} §3 P03")
ratio("refund_value_rate_90d", "consumer", "Refunded value ÷ order value over 90 days.", "refund_value_90d", "order_value_90d", UP,
      f"{D} §3 P03 (by value)", prior_rate=0.0, prior_weight=5000)
agg("refunds_late_90d", "consumer", "Refunds paid more than 7 days after the return was received (status late), last 90 days.", ["REFUND"], 90, "COUNT", UP,
    f"{D} §3 K06", statuses=["late"])
ratio("late_refund_rate_90d", "consumer", "Late refunds ÷ refunds.", "refunds_late_90d", "refunds_90d", UP,
      f"{D} §1.4 CRPL Art. 25: refund within 7 days; 20% (synthesis)", prior_rate=0.0, prior_weight=5)
agg("complaints_90d", "consumer", "Consumer complaints (platform and regulator hotline) in the last 90 days.", ["CONSUMER_COMPLAINT"], 90, "COUNT", UP, f"{D} §3 K03")
ratio("complaint_rate_90d", "consumer", "Consumer complaints ÷ orders over 90 days.", "complaints_90d", "orders_90d", UP,
      f"{D} §3 K03: no published threshold; 1% (synthesis)", prior_rate=0.0, prior_weight=100)
agg("complaints_upheld_365d", "consumer", "Consumer complaints upheld in the last year.", ["CONSUMER_COMPLAINT"], 365, "COUNT", UP, f"{D} §3 K03", statuses=["upheld"])
agg("order_defects_90d", "consumer", "Order defects in the last 90 days: chargebacks, disputes opened and consumer complaints.",
    ["CHARGEBACK", "DISPUTE_OPENED", "CONSUMER_COMPLAINT"], 90, "COUNT", UP, f"{D} §3 K01")
ratio("order_defect_rate_90d", "consumer", "Order defect rate: defects ÷ orders over 90 days.", "order_defects_90d", "orders_90d", UP,
      f"{D} §1.5: Amazon ODR < 1%", prior_rate=0.0, prior_weight=100)
agg("returns_90d", "consumer", "Returned parcels received in the last 90 days.", ["RETURN"], 90, "COUNT", UP, f"{D} §3 K05")
ratio("return_rate_90d", "consumer", "Returns ÷ orders over 90 days.", "returns_90d", "orders_90d", UP, f"{D} §3 K05 (7-day no-reason returns are a right; high rates signal quality)",
      prior_rate=0.0, prior_weight=20)

# --- Intellectual property -------------------------------------------------------------------
agg("ip_complaints_365d", "ip", "IP complaints received in the last year.", ["IP_COMPLAINT"], 365, "COUNT", UP, f"{D} §3 I01")
agg("ip_complaints_upheld_180d", "ip", "IP complaints upheld (no valid counter-notice) in the last 180 days.", ["IP_COMPLAINT"], 180, "COUNT", UP,
    f"{D} §3 I01: Amazon ≤ 5 per 180 d (unverified)", statuses=["upheld"])
agg("ip_complaints_upheld_365d", "ip", "IP complaints upheld in the last year.", ["IP_COMPLAINT"], 365, "COUNT", UP,
    f"{D} §1.5: AliExpress 3 serious infringements → closure, validity 365 d", statuses=["upheld"])
agg("ip_counter_noticed_365d", "ip", "IP complaints answered by a successful counter-notice in the last year.", ["IP_COMPLAINT"], 365, "COUNT", DOWN,
    f"{D} §3 I05", statuses=["counter_noticed"])
ratio("ip_counter_notice_share_365d", "ip", "Complaints overturned by counter-notice ÷ complaints.", "ip_counter_noticed_365d", "ip_complaints_365d", DOWN,
      f"{D} §3 I05", prior_rate=1.0, prior_weight=2)
agg("ip_complainants_365d", "ip", "Distinct rights holders complaining in the last year (complaints of any outcome).", ["IP_COMPLAINT"], 365, "DISTINCT_COUNT", UP,
    f"{D} §3 I01; 3 (synthesis)", key="COUNTERPARTY")
agg("counterfeit_seizures_365d", "ip", "Counterfeit goods detained by customs in the last year.", ["COUNTERFEIT_SEIZURE"], 365, "COUNT", UP, f"{D} §3 I02/I04")
agg("counterfeit_seizures_3y", "ip", "Counterfeit goods detained by customs in the last three years.", ["COUNTERFEIT_SEIZURE"], 1095, "COUNT", UP, f"{D} §3 I04")

# --- Credentials and penalties ---------------------------------------------------------------
agg("penalties_3y", "credentials", "Administrative penalties (all agencies) in the last three years.", ["ADMINISTRATIVE_PENALTY"], 1095, "COUNT", UP, f"{D} §3 R04 (36 m)")
agg("serious_penalties_3y", "credentials", "Penalties classed serious in the last three years.", ["ADMINISTRATIVE_PENALTY"], 1095, "COUNT", UP,
    f"{D} §3 R04, §1.1 Order 282 minor/general/serious", statuses=["serious"])
agg("penalty_amount_3y", "credentials", "Penalty amounts in the last three years, CNY.", ["ADMINISTRATIVE_PENALTY"], 1095, "SUM", UP, f"{D} §3 R04")
agg("days_since_last_penalty", "credentials", "Days since the latest administrative penalty (missing when none).", ["ADMINISTRATIVE_PENALTY"], None, "DAYS_SINCE_LAST", DOWN,
    f"{D} §1.1 credit repair: 6–12 months without recurrence")
agg("licence_revocations_3y", "credentials", "Licences revoked in the last three years.", ["LICENCE_REVOKED"], 1095, "COUNT", UP, f"{D} §3 R01, §1.2 NDRC serious dishonest")
agg("licence_expiries_365d", "credentials", "Licences that expired (not renewed) in the last year.", ["LICENCE_EXPIRED"], 365, "COUNT", UP, f"{D} §3 R01")
agg("dishonest_listings_5y", "credentials", "Dishonest-enterprise listings (custom event dishonest_listing, any class) in the last five years.",
    ["CUSTOM"], 1825, "COUNT", UP, f"{D} §1.1: customs publishes penalty information for 5 years", custom=["dishonest_listing"])
agg("serious_dishonest_listings_5y", "credentials", "Serious-dishonest listings (dishonest_listing with status serious) in the last five years.",
    ["CUSTOM"], 1825, "COUNT", UP, f"{D} §3 R03: veto", custom=["dishonest_listing"], statuses=["serious"])
agg("abnormal_listings_3y", "credentials", "Abnormal-operation listings (annual report not filed, unreachable) in the last three years.",
    ["CUSTOM"], 1095, "COUNT", UP, f"{D} §1.2 SAMR abnormal list; 3 years unresolved → serious dishonest", custom=["abnormal_operation_listing"])
agg("late_annual_reports_2y", "credentials", "Annual reports filed after 30 June in the last two years.", ["CUSTOM"], 730, "COUNT", UP,
    f"{D} §3 R05", custom=["annual_report"], statuses=["late"])

# --- Operating stability ---------------------------------------------------------------------
feature("tenure_days", "operating", "Days since the enterprise was registered.", "days_since_registration {}", "to as_of", DOWN,
        f"{D} §3 O01; < 12 months since first refund claim → refund class 3")
agg("orders_365d", "operating", "Orders in the last year.", ["ORDER"], 365, "COUNT", DOWN, f"{D} §3 O05 (no revenue → tax grade M); 12 (synthesis: one a month)")
agg("order_value_prev_270d", "operating", "Value of orders in the 270 days before the last 90 days, CNY.", ["ORDER"], 270, "SUM", "volume", f"{D} §3 O03", offset=90)
ratio("surge_ratio", "operating", "Order value of the last 90 days ÷ order value of the 270 days before (1/3 = steady; 1 = three times the prior run rate).",
      "order_value_90d", "order_value_prev_270d", EXT, f"{D} §3 O03: new firm + surge is a fraud pattern; > 1 (synthesis)", prior_rate=0.333, prior_weight=3000)
growth("order_value_growth_365d", "operating", "Growth of completed order value: last year over the year before.", "order_value_365d_cny", EXT,
       f"{D} §3 O02; < −50% decline (synthesis)")
feature("order_value_trend_360d", "operating", "Least-squares slope of monthly (30-day) order value over the last 360 days, CNY per month.",
        "\n  ".join([filt(["ORDER"]), win(360), "trend { period { seconds: 2592000 } }"]), "360 d in 12 periods of 30 d", EXT, f"{D} §3 O02/O04")
agg("days_since_last_order", "operating", "Days since the latest order (missing when none).", ["ORDER"], None, "DAYS_SINCE_LAST", UP, f"{D} §3 O05")
agg("buyer_top5_share_365d", "operating", "Share of order value from the five largest buyers over the last year.", ["ORDER"], 365, "TOP_K_SHARE", UP,
    f"{D} §3 O06; 80% (synthesis)", key="COUNTERPARTY", weight="VALUE", top_k=5)
agg("destination_hhi_365d", "operating", "Herfindahl index of order value over destination countries, last year.", ["ORDER"], 365, "HHI", UP,
    f"{D} §3 O07; 0.8 (synthesis)", key="DESTINATION_COUNTRY", weight="VALUE")
agg("channel_top_share_365d", "operating", "Share of order value through the largest sales channel, last year.", ["ORDER"], 365, "TOP_K_SHARE", UP,
    f"{D} §3 O08", key="CHANNEL", weight="VALUE", top_k=1)
agg("distinct_buyers_365d", "operating", "Distinct buyers in the last year.", ["ORDER"], 365, "DISTINCT_COUNT", DOWN, f"{D} §3 O06", key="COUNTERPARTY")
agg("distinct_destinations_365d", "operating", "Distinct destination countries in the last year.", ["ORDER"], 365, "DISTINCT_COUNT", DOWN, f"{D} §3 O07", key="DESTINATION_COUNTRY")
agg("control_changes_365d", "operating", "Changes of legal representative or shareholders in the last year.", ["CUSTOM"], 365, "COUNT", UP,
    f"{D} §3 O10: new legal rep at a new exporter → refund class 4", custom=["control_change"])
agg("order_value_stddev_365d", "operating", "Standard deviation of single order values over the last year, CNY.", ["ORDER"], 365, "STDDEV_POP", EXT, f"{D} §3 O04")

# ---------------------------------------------------------------------------------------------
# Compliance rules: (id, dim, severity, condition, points, outcome, grade_cap, reason, description, source)
RULES = []


def rule(rid, dim, sev, cond, points, desc, source, outcome=None, cap=None, flag=None, message=None):
    code = rid.split("_")[0].upper()
    RULES.append(dict(id=rid, dim=dim, sev=sev, cond=cond, points=points, desc=desc, source=source,
                      outcome=outcome, cap=cap, flag=flag, code=code, message=message))


# Customs
rule("cu01_smuggling", "customs", "BLOCK", "smuggling_inspections_2y >= 1.0 || smuggling_penalties_2y >= 1.0", -100,
     "A smuggling finding (inspection or administrative penalty) in two years: points only; the dishonest grade, its repair and its end follow from the lifecycle causes smuggling_penalty and smuggling_finding.",
     f"{D} §1.1 Order 251 item 1; §3 C03", flag="smuggling",
     message="{smuggling_inspections_2y} smuggling findings, {smuggling_penalties_2y} smuggling penalties in two years")
rule("cu02_violation_ratio_and_penalties", "customs", "BLOCK",
     "customs_violation_ratio > 0.001 && customs_penalty_amount_365d > 1000000.0", -60,
     "Customs violations above 1/1000 of prior-year declarations and cumulative customs penalties above RMB 1M: at most 'dishonest'.",
     f"{D} §1.1 Order 251 item 2; §3 C01/C02", outcome="REJECT", cap="dishonest",
     message="violation ratio {customs_violation_ratio}, customs penalties {customs_penalty_amount_365d} CNY")
rule("cu03_penalties_without_documents", "customs", "BLOCK",
     "declarations_prev_365d == 0.0 && customs_penalty_amount_365d > 1000000.0", -60,
     "No prior-year declarations and customs penalties above RMB 1M (the amount test alone applies): at most 'dishonest'.",
     f"{D} §1.1 Order 251 item 2 (document count unavailable)", outcome="REJECT", cap="dishonest")
rule("cu04_single_penalty_over_30k", "customs", "HIGH", "customs_penalties_over_30k_365d >= 1.0", -20,
     "A single customs penalty above RMB 30,000 in the last year: fails the AEO law-abiding item, at most 'regular'.",
     f"{D} §1.1 AEO advanced standard, law-abiding items", cap="regular")
rule("cu05_cumulative_penalties", "customs", "MEDIUM", "customs_penalty_amount_365d > 50000.0 || customs_penalties_365d > 5.0", -15,
     "Customs penalties above RMB 50,000 in total or more than 5 violations in a year: at most 'regular'.",
     f"{D} §1.1 AEO: cumulative ≤ RMB 50k and ≤ 5 violations", cap="regular")
rule("cu06_declaration_errors", "customs", "MEDIUM", "declaration_error_rate_365d > 0.02 && declarations_365d >= 20.0", -15,
     "Declaration error rate above 2% (twice the assumed 1% national average) with at least 20 declarations.",
     f"{D} §3 C04 (2014: > 2× national average)", message="declaration error rate {declaration_error_rate_365d}")
rule("cu07_declaration_errors_severe", "customs", "HIGH", "declaration_error_rate_365d > 0.05 && declarations_365d >= 20.0", -15,
     "Declaration error rate above 5% (in addition to cu06).", f"{D} §3 C04; synthesis", outcome="REVIEW")
rule("cu08_amendments", "customs", "LOW", "declaration_amend_rate_365d > 0.05 && declarations_365d >= 20.0", -8,
     "More than 5% of declarations amended or withdrawn.", f"{D} §3 C05; synthesis")
rule("cu09_inspection_findings", "customs", "HIGH", "inspection_finding_rate_365d > 0.10 && inspections_365d >= 3.0", -25,
     "More than 10% of at least 3 inspections with adverse findings.", f"{D} §3 C06; synthesis", outcome="REVIEW", flag="customs_findings",
     message="inspection finding rate {inspection_finding_rate_365d} over {inspections_365d} inspections")
rule("cu10_paper_exports", "customs", "HIGH", "declared_to_sales_ratio_365d > 2.0 && declarations_365d >= 12.0", -25,
     "Declared export value more than twice the value of completed orders (goods declared without matching sales).",
     f"{D} §1.4 export-refund red flags; synthesis", outcome="REVIEW", flag="paper_exports")
# Tax
rule("tx01_tax_arrears_90d", "tax", "BLOCK", "tax_payments_over_90d_late_3y >= 1.0", -60,
     "Taxes paid more than three months late in three years: points only; the dishonest grade follows from the lifecycle causes tax_arrears and tax_paid_beyond_limit.",
     f"{D} §1.1 Order 251 item 3; §3 C10")
rule("tx02_late_tax_payments", "tax", "MEDIUM", "tax_payments_late_365d >= 2.0", -15,
     "Two or more late tax payments in a year.", f"{D} §1.2 tax credit (deduction scoring)")
rule("tx03_refund_claim_surge", "tax", "MEDIUM", "tax_refund_claim_growth > 1.0 && tax_refund_claim_value_365d > 100000.0", -15,
     "Refund claims more than doubled over the previous year (and above RMB 100,000).", f"{D} §3 T04; synthesis")
rule("tx04_refund_exceeds_rebate", "tax", "HIGH", "tax_refund_to_sales_ratio_365d > 0.2 && tax_refund_claims_365d >= 3.0", -30,
     "Refunds claimed exceed 20% of sales, above any rebate rate.", "rebate rates ≤ 13% (synthesis)", outcome="REVIEW", flag="refund_fraud_pattern",
     message="refund claims {tax_refund_to_sales_ratio_365d} of sales")
rule("tx05_refund_adjustments", "tax", "MEDIUM", "tax_refund_adjust_rate_365d > 0.2 && tax_refund_claims_365d >= 3.0", -15,
     "More than 20% of refund claims rejected or adjusted.", f"{D} §3 T08; synthesis")
rule("tx06_invoice_lag", "tax", "MEDIUM", "invoice_lag_long_share_365d > 0.2 && tax_refund_claims_365d >= 3.0", -15,
     "More than 20% of claims with a supplier-invoice-to-export lag over 90 days.", f"{D} §3 T05")
rule("tx07_unit_price_jumps", "tax", "LOW", "unit_price_jump_rate_365d > 0.2 && declarations_365d >= 12.0", -10,
     "More than 20% of declarations with a unit price > 110% of the last one.", f"{D} §3 T09")
rule("tx08_refunds_new_enterprise", "tax", "LOW", "tenure_days < 365.0 && tax_refund_claims_365d >= 1.0", -5,
     "Refund claims within the first year of registration.", f"{D} §1.2 export-refund class 3 (< 12 months)")
rule("tx09_refund_rejections", "tax", "MEDIUM", "tax_refund_rejections_365d >= 3.0", -10,
     "Three or more refund claims rejected outright in a year.", f"{D} §3 T08")
# Payment and financing
rule("pf01_default_90dpd", "payment", "HIGH", "repayments_90dpd_365d >= 1.0", -40,
     "A repayment more than 90 days past due in the last year (a default).", f"{D} §2.4 Basel default definition; §3 P08",
     outcome="REJECT", flag="default")
rule("pf02_delinquency_30dpd", "payment", "MEDIUM", "repayments_30dpd_365d >= 2.0", -20,
     "Two or more repayments 30+ days past due in a year.", f"{D} §3 P09", outcome="REVIEW")
rule("pf03_late_repayments", "payment", "MEDIUM", "late_repayment_rate_365d > 0.2 && repayments_365d >= 3.0", -15,
     "More than 20% of repayments late.", f"{D} §3 P09; synthesis")
rule("pf04_chargebacks_standard", "payment", "MEDIUM", "chargeback_rate_90d > 0.009 && chargebacks_90d >= 3.0", -15,
     "Chargeback rate above Visa's standard threshold (0.9%), at least 3 chargebacks.", f"{D} §1.5 Visa VDMP standard")
rule("pf05_chargebacks_excessive", "payment", "HIGH", "chargeback_rate_90d > 0.018 && chargebacks_90d >= 3.0", -15,
     "Chargeback rate above Visa's excessive threshold (1.8%) (in addition to pf04).", f"{D} §1.5 Visa VDMP excessive", outcome="REVIEW")
rule("pf06_disputes", "payment", "MEDIUM", "dispute_rate_90d > 0.015 && disputes_opened_90d >= 3.0", -10,
     "Dispute rate above 1.5% (VAMP from April 2026).", f"{D} §1.5 Visa VAMP")
rule("pf07_disputes_lost", "payment", "LOW", "dispute_loss_rate_365d > 0.5 && disputes_resolved_365d >= 5.0", -8,
     "More than half of resolved disputes lost.", f"{D} §3 P04; synthesis")
rule("pf08_fund_goods_mismatch", "payment", "MEDIUM", "fund_to_goods_ratio_365d < 0.5 && declaration_value_365d > 100000.0", -15,
     "FX receipts below half of declared exports (fund flow does not match goods flow).", f"{D} §1.2 SAFE fund-to-goods ratio", flag="fx_mismatch")
rule("pf09_third_party_fx", "payment", "HIGH", "third_party_fx_share_365d > 0.2 && fx_receipts_365d >= 4.0", -20,
     "More than 20% of FX receipts paid by third parties.", f"{D} §1.4 red flags; §3 P07", outcome="REVIEW")
rule("pf10_leverage", "payment", "LOW", "leverage_to_sales_365d > 1.0", -8,
     "Financing drawn in a year exceeds a year's sales.", f"{D} §3 P10; synthesis")
# Logistics
rule("lg01_late_shipments", "logistics", "LOW", "late_shipment_rate_90d > 0.04 && shipments_90d >= 25.0", -5,
     "Late shipment rate above Amazon's 4% target.", f"{D} §1.5 Amazon")
rule("lg02_late_shipments_severe", "logistics", "MEDIUM", "late_shipment_rate_90d > 0.2 && shipments_90d >= 25.0", -15,
     "Late shipment rate at Shopee's penalty level (20%).", f"{D} §1.5 Shopee")
rule("lg03_invalid_tracking", "logistics", "MEDIUM", "invalid_tracking_rate_90d > 0.05 && shipments_90d >= 25.0", -10,
     "More than 5% of shipments without valid tracking (Amazon ≥ 95% valid).", f"{D} §1.5 Amazon; §3 L06 false shipment")
rule("lg04_late_deliveries", "logistics", "LOW", "late_delivery_rate_90d > 0.1 && deliveries_90d >= 25.0", -5,
     "More than 10% of deliveries late.", f"{D} §1.5 Amazon on-time delivery; synthesis")
rule("lg05_lost_parcels", "logistics", "LOW", "lost_parcel_rate_90d > 0.03 && deliveries_90d >= 25.0", -8,
     "More than 3% of parcels lost or damaged.", f"{D} §3 L07; synthesis")
rule("lg06_seller_cancels", "logistics", "LOW", "seller_cancel_rate_90d > 0.025 && orders_90d >= 40.0", -8,
     "Pre-fulfilment cancel rate above Amazon's 2.5%.", f"{D} §1.5 Amazon")
rule("lg07_unshipped_orders", "logistics", "MEDIUM", "unshipped_order_share_90d > 0.1 && orders_90d >= 25.0", -10,
     "More than 10% of orders never shipped (Shopee non-fulfilment level).", f"{D} §1.5 Shopee non-fulfilment > 10%")
# Consumer protection
rule("cp01_order_defects", "consumer", "MEDIUM", "order_defect_rate_90d > 0.01 && orders_90d >= 50.0", -10,
     "Order defect rate above Amazon's 1%.", f"{D} §1.5 Amazon ODR")
rule("cp02_refunds", "consumer", "MEDIUM", "refund_rate_90d > 0.15 && orders_90d >= 20.0", -15,
     "More than 15% of orders refunded.", f"{D} §3 P03; synthesis", flag="refunds",
     message="refund rate {refund_rate_90d} over {orders_90d} orders")
rule("cp03_late_refunds", "consumer", "MEDIUM", "late_refund_rate_90d > 0.2 && refunds_90d >= 5.0", -15,
     "More than 20% of refunds paid later than 7 days after the return.", f"{D} §1.4 CRPL Art. 25")
rule("cp04_complaints", "consumer", "LOW", "complaint_rate_90d > 0.01 && orders_90d >= 50.0", -10,
     "More than one consumer complaint per 100 orders.", f"{D} §3 K03; synthesis")
rule("cp05_upheld_complaints", "consumer", "MEDIUM", "complaints_upheld_365d >= 10.0", -15,
     "Ten or more upheld consumer complaints in a year.", f"{D} §3 K03; synthesis")
# Intellectual property
rule("ip01_upheld_180d", "ip", "HIGH", "ip_complaints_upheld_180d >= 5.0", -30,
     "Five or more upheld IP complaints in 180 days.", f"{D} §1.5 Amazon (≤ 5 per 180 d)", outcome="REVIEW", flag="ip")
rule("ip02_upheld_365d", "ip", "MEDIUM", "ip_complaints_upheld_365d >= 3.0", -15,
     "Three or more upheld IP complaints in a year.", f"{D} §1.5 AliExpress (3 serious → closure)")
rule("ip03_counterfeit_seizure", "ip", "HIGH", "counterfeit_seizures_365d >= 1.0", -35,
     "Counterfeit goods detained by customs in the last year.", f"{D} §3 I02/I04", outcome="REVIEW", flag="counterfeit")
rule("ip04_repeat_counterfeit", "ip", "BLOCK", "counterfeit_seizures_3y >= 3.0", -60,
     "Three or more counterfeit seizures in three years: at most 'regular' (repeated seizures are not a listed dishonest fact of the measures; they fail the AEO law-abiding standard).",
     f"{D} §3 I02 (serious infringement); synthesis", outcome="REJECT", cap="regular")
rule("ip05_many_rights_holders", "ip", "LOW", "ip_complainants_365d >= 3.0", -8,
     "Complaints from three or more rights holders in a year.", f"{D} §3 I01; synthesis")
# Credentials and penalties
rule("cr01_serious_dishonest", "credentials", "BLOCK", "serious_dishonest_listings_5y >= 1.0", -100,
     "Listed as seriously dishonest in the last five years: reject; the grade follows from the lifecycle cause serious_dishonest_listing.",
     f"{D} §1.1 Order 282 serious dishonest; §3 R03 (veto)", outcome="REJECT", flag="serious_dishonest")
rule("cr02_dishonest", "credentials", "BLOCK", "dishonest_listings_5y >= 1.0", -50,
     "Listed as dishonest in the last five years: review; the grade follows from the lifecycle's listing causes (repairable, ending after two years).",
     f"{D} §1.1 Order 282", outcome="REVIEW")
rule("cr03_licence_revoked", "credentials", "HIGH", "licence_revocations_3y >= 1.0", -40,
     "A licence revoked in the last three years: at most 'regular'.", f"{D} §1.2 NDRC: licence revocation is serious dishonest information",
     outcome="REVIEW", cap="regular")
rule("cr04_no_customs_registration", "credentials", "HIGH", "!('customs_registration' in enterprise.licences)", -30,
     "No active customs registration.", f"{D} §3 R01", outcome="REVIEW")
rule("cr05_abnormal_listing", "credentials", "MEDIUM", "abnormal_listings_3y >= 1.0", -20,
     "On the abnormal-operation list in the last three years: at most 'regular'.", f"{D} §1.2 SAMR abnormal list; §1.1 Order 237 Art. 7–8", cap="regular")
rule("cr06_serious_penalty", "credentials", "HIGH", "serious_penalties_3y >= 1.0", -30,
     "A penalty classed serious in three years: points; its cap comes from the lifecycle's serious class.", f"{D} §1.1 Order 282 severity classes")
rule("cr07_repeated_penalties", "credentials", "MEDIUM", "penalties_3y >= 3.0", -20,
     "Three or more administrative penalties in three years.", f"{D} §3 R04; synthesis")
rule("cr08_late_annual_report", "credentials", "LOW", "late_annual_reports_2y >= 1.0", -5,
     "An annual report filed late in the last two years.", f"{D} §3 R05")
rule("cr09_licence_expired", "credentials", "LOW", "licence_expiries_365d >= 1.0", -10,
     "A licence expired without renewal in the last year.", f"{D} §3 R01")
rule("cr10_not_aeo", "credentials", "INFO", "!('AEO:advanced' in enterprise.certifications) && !('AEO:certified' in enterprise.certifications)", 0,
     "Not an AEO (certified or advanced certified) enterprise: at most 'regular' (only AEOs hold the certified grades).",
     f"{D} §1.1 Order 282: advanced certified and certified are the AEO grades", cap="regular")
rule("cr11_not_advanced_aeo", "credentials", "INFO",
     "'AEO:certified' in enterprise.certifications && !('AEO:advanced' in enterprise.certifications)", 0,
     "A certified but not advanced-certified AEO: at most 'certified'.", f"{D} §1.1 Order 282", cap="certified")
rule("cr12_aeo_expired", "credentials", "INFO",
     "'AEO:advanced' in enterprise.expired_certifications || 'AEO:certified' in enterprise.expired_certifications", 0,
     "An AEO certificate that expired before as_of (it no longer counts; cr10/cr11 cap the grade).",
     "Order 251: advanced AEOs re-examined every 5 years [S4]", flag="aeo_expired")
# Operating stability
rule("os01_new_enterprise", "operating", "LOW", "tenure_days < 365.0", -10,
     "Registered less than a year ago.", f"{D} §3 O01", flag="new")
rule("os02_new_firm_surge", "operating", "MEDIUM", "tenure_days < 730.0 && surge_ratio > 1.0 && order_value_90d > 200000.0", -15,
     "A firm under two years old whose last 90 days tripled its prior run rate.", f"{D} §3 O03: new firm + surge is a fraud pattern", flag="surge")
rule("os03_dormant", "operating", "MEDIUM", "orders_365d < 12.0", -20,
     "Fewer than 12 orders in a year (dormant or shell).", f"{D} §3 O05; synthesis", flag="dormant")
rule("os04_buyer_concentration", "operating", "LOW", "buyer_top5_share_365d > 0.8 && orders_365d >= 20.0", -5,
     "Five buyers hold more than 80% of a year's order value.", f"{D} §3 O06; synthesis")
rule("os05_decline", "operating", "MEDIUM", "order_value_growth_365d < -0.5", -15,
     "Order value fell by more than half from the previous year.", f"{D} §3 O02; synthesis", flag="decline")
rule("os06_control_changes", "operating", "MEDIUM", "control_changes_365d >= 2.0", -10,
     "Two or more changes of legal representative or shareholders in a year.", f"{D} §3 O10")
rule("os07_market_concentration", "operating", "LOW", "destination_hhi_365d > 0.8 && orders_365d >= 20.0", -3,
     "Sales concentrated in one destination market (HHI > 0.8).", f"{D} §3 O07; synthesis")

# ---------------------------------------------------------------------------------------------
# Screening (Engine::Screen, docs/screening.md): short-window features for single events, named
# lists and the event rules with their outcome policy. The features join FEATURES (written in
# their dimension's section); the lists and rules go to the bundle's `lists` and `screening`
# sections and to the generated part of docs/screening.md.
agg("orders_1d", "payment", "Orders in the last 24 hours (screening).", ["ORDER"], 1, "COUNT", "volume", "screening velocity window")
agg("orders_2d", "payment", "Orders in the last 48 hours (screening).", ["ORDER"], 2, "COUNT", "volume", "screening velocity window")
agg("orders_prior_88d", "operating", "Orders in the 88 days before the last 48 hours (screening: was the account dormant?).", ["ORDER"], 88, "COUNT",
    DOWN, "screening: dormancy before a burst", offset=2)
agg("order_destinations_2d", "operating", "Distinct destination countries of the orders of the last 48 hours (screening).", ["ORDER"], 2, "DISTINCT_COUNT", UP,
    "screening: sudden spread over new markets", key="DESTINATION_COUNTRY")
agg("order_value_p95_90d", "consumer", "95th percentile of single order values over 90 days, CNY (screening: the size of a large order).", ["ORDER"], 90,
    "QUANTILE", "scale", "screening: outlier amounts", quantile=0.95)
agg("order_value_30d", "consumer", "Value of orders in the last 30 days, CNY (screening baseline).", ["ORDER"], 30, "SUM", "volume", "screening baseline")
agg("refunds_1d", "consumer", "Refunds in the last 24 hours (screening).", ["REFUND"], 1, "COUNT", UP, "screening velocity window")
agg("refunds_30d", "consumer", "Refunds in the last 30 days (screening baseline).", ["REFUND"], 30, "COUNT", UP, "screening baseline")
agg("refund_value_1d", "consumer", "Value refunded in the last 24 hours, CNY (screening).", ["REFUND"], 1, "SUM", UP, "screening velocity window")
agg("returns_7d", "consumer", "Returned parcels received in the last 7 days (screening).", ["RETURN"], 7, "COUNT", UP, "screening velocity window")
agg("chargebacks_2d", "payment", "Chargebacks in the last 48 hours (screening).", ["CHARGEBACK"], 2, "COUNT", UP, "screening velocity window")
agg("disputes_2d", "payment", "Disputes opened in the last 48 hours (screening).", ["DISPUTE_OPENED"], 2, "COUNT", UP, "screening velocity window")
agg("payouts_1d", "payment", "Payouts received in the last 24 hours (screening).", ["PAYMENT"], 1, "COUNT", UP, "screening velocity window")
agg("payout_value_1d", "payment", "Value of payouts in the last 24 hours, CNY (screening).", ["PAYMENT"], 1, "SUM", UP, "screening velocity window")
agg("payout_value_90d", "payment", "Value of payouts in the last 90 days, CNY (screening baseline).", ["PAYMENT"], 90, "SUM", "volume", "screening baseline")
agg("payout_counterparties_30d", "payment", "Distinct counterparties paying out in the last 30 days (screening).", ["PAYMENT"], 30, "DISTINCT_COUNT", UP,
    "screening: payouts spread over receivers", key="COUNTERPARTY")
agg("counterfeit_seizures_30d", "ip", "Counterfeit goods detained by customs in the last 30 days (screening).", ["COUNTERFEIT_SEIZURE"], 30, "COUNT", UP,
    "screening velocity window")
agg("ip_complaints_30d", "ip", "IP complaints received in the last 30 days (screening).", ["IP_COMPLAINT"], 30, "COUNT", UP, "screening velocity window")

# Named lists (Bundle.lists): rules read them as lists.<name>.
LISTS = [
    ("blocked_counterparties", "lists/blocked_counterparties.txt", [],
     "Counterparties the platform must not pay or trade with: its fraud consortium and sanctions screening results "
     "(a file beside the bundle, one id per line; the ids here are the simulator's placeholders, replace them).",
     "FATF Recommendation 6 (targeted financial sanctions) and 16 (payment transparency); platform consortium lists"),
    ("high_risk_destinations", None, ["KP", "IR", "MM", "RU", "BY", "SY", "CU"],
     "Destinations under FATF's call for action (DPRK, Iran, Myanmar) or broad EU/US restrictive measures.",
     "FATF public statement 'High-Risk Jurisdictions subject to a Call for Action' (DPRK, Iran, Myanmar); EU restrictive measures (Russia, Belarus, Syria); US embargo (Cuba)"),
    ("watched_hs_codes", None, ["6109", "6110", "6403", "6404", "4202", "9102", "8517", "9503", "3304", "3303"],
     "HS headings most often detained as counterfeit: clothing, footwear, bags, watches, phones, toys, cosmetics, perfume.",
     "European Commission, Report on the EU customs enforcement of intellectual property rights (product categories most detained)"),
]
BLOCKED_COUNTERPARTIES = [f"acct-blocked-{i:04d}" for i in range(1, 41)]

SCREEN_POLICY = dict(review_points=40, block_points=100, lateness_days=1)
SCREEN_RULES = []


def screen_rule(rid, cond, desc, source, outcome=None, points=0, message=None):
    code = rid.split("_")[0].upper()
    SCREEN_RULES.append(dict(id=rid, cond=cond, desc=desc, source=source, outcome=outcome, points=points,
                             code=code, message=message))


# Lists and facts that decide alone.
screen_rule("sc01_listed_counterparty", "event.counterparty in lists.blocked_counterparties",
            "The event's counterparty is on the blocked list: block (payouts, orders and everything else).",
            "FATF Rec. 6 and 16: no funds to listed parties; the list is the platform's", outcome="REJECT",
            message="counterparty is on the blocked list")
screen_rule("sc02_high_risk_destination", "event.destination_country in lists.high_risk_destinations",
            "Goods or payments bound for a high-risk or sanctioned destination: review.",
            "FATF call for action; EU/US restrictive measures (lists.high_risk_destinations)", outcome="REVIEW")
screen_rule("sc03_watched_goods_after_seizure",
            "event.kind == 'CUSTOMS_DECLARATION' && 'hs_code' in event.attributes && "
            "event.attributes['hs_code'] in lists.watched_hs_codes && counterfeit_seizures_3y >= 1.0",
            "A declaration of goods in a counterfeit-prone heading by an enterprise with a counterfeit seizure in three years.",
            f"{D} §3 I04; EU customs IPR enforcement report (most detained headings)", outcome="REVIEW")
screen_rule("sc04_counterfeit_seizure", "event.kind == 'COUNTERFEIT_SEIZURE'",
            "Customs detained counterfeit goods of the enterprise: 40 points (review on its own).",
            f"{D} §3 I02/I04", points=40, message="{counterfeit_seizures_30d} seizures in 30 days")
screen_rule("sc05_counterfeit_burst", "counterfeit_seizures_30d >= 3.0",
            "Three or more counterfeit seizures within 30 days: block until reviewed.",
            f"{D} §1.5: marketplaces close shops after repeated serious infringements", outcome="REJECT",
            message="{counterfeit_seizures_30d} counterfeit seizures in 30 days")
screen_rule("sc06_smuggling_finding", "event.kind == 'CUSTOMS_INSPECTION' && event.status == 'smuggling'",
            "An inspection found smuggling: block.", f"{D} §1.1 Order 251 item 1", outcome="REJECT")
screen_rule("sc07_licence_revoked", "event.kind == 'LICENCE_REVOKED'",
            "A licence was revoked: block until the enterprise's right to trade is re-established.", f"{D} §3 R01",
            outcome="REJECT")
screen_rule("sc08_dishonest_listing", "event.kind == 'CUSTOM' && event.custom_kind == 'dishonest_listing'",
            "The enterprise was listed as dishonest: review (serious listings block through sc09).", f"{D} §1.1 Order 282",
            outcome="REVIEW")
screen_rule("sc09_serious_dishonest_listing",
            "event.kind == 'CUSTOM' && event.custom_kind == 'dishonest_listing' && event.status == 'serious'",
            "A serious-dishonest listing: block.", f"{D} §3 R03 (veto)", outcome="REJECT")
screen_rule("sc10_serious_penalty", "event.kind == 'ADMINISTRATIVE_PENALTY' && event.status == 'serious'",
            "An administrative penalty classed serious: 40 points (review on its own).", f"{D} §1.1 Order 282 minor/general/serious",
            points=40)
# Velocity: bursts against the enterprise's own baseline.
screen_rule("sc11_refund_burst", "refunds_1d >= 8.0 && refunds_1d > 4.0 * refunds_30d / 30.0 + 3.0",
            "At least 8 refunds in 24 hours and over four times the daily refund rate of the last 30 days (+3): review.",
            "refund abuse and cash-out patterns (synthesis; calibrated on the simulated population)", outcome="REVIEW",
            message="{refunds_1d} refunds in 24 h against {refunds_30d} in 30 days")
screen_rule("sc12_refund_flood", "refunds_1d >= 20.0 && refunds_1d > 8.0 * refunds_30d / 30.0 + 5.0",
            "At least 20 refunds in 24 hours and over eight times the usual daily rate (+5): block.",
            "refund abuse (synthesis)", outcome="REJECT", message="{refunds_1d} refunds in 24 hours")
screen_rule("sc13_refund_value_spike", "refund_value_1d > 0.5 * order_value_30d && refund_value_1d > 5000.0",
            "More refunded in 24 hours than half the order value of the last 30 days (and over CNY 5,000): 30 points.",
            "refund abuse by value (synthesis)", points=30,
            message="refunded {refund_value_1d} CNY in 24 h against {order_value_30d} CNY of orders in 30 days")
screen_rule("sc14_refund_above_large_order",
            "event.kind == 'REFUND' && event.has_amount && orders_90d >= 5.0 && event.amount > 2.0 * order_value_p95_90d",
            "A single refund above twice the 95th percentile of order values: 20 points.",
            "refunds larger than any plausible order (synthesis)", points=20)
screen_rule("sc15_chargeback_burst", "chargebacks_2d >= 3.0",
            "Three or more chargebacks within 48 hours: review.",
            f"{D} §1.5 card programmes (chargeback monitoring); synthesis for the 48 h window", outcome="REVIEW",
            message="{chargebacks_2d} chargebacks in 48 hours")
screen_rule("sc16_chargeback_flood", "chargebacks_2d >= 8.0",
            "Eight or more chargebacks within 48 hours: block.", "card-testing and friendly-fraud bursts (synthesis)",
            outcome="REJECT")
screen_rule("sc17_chargeback_rate_excessive",
            "event.kind == 'CHARGEBACK' && orders_90d >= 100.0 && chargeback_rate_90d > 0.018",
            "A chargeback while the 90-day chargeback rate is above 1.8% (Visa's excessive level): 30 points.",
            f"{D} §1.5: Visa standard 0.9%, excessive 1.8%", points=30)
screen_rule("sc18_dispute_burst", "disputes_2d >= 5.0", "Five or more disputes opened within 48 hours: 30 points.",
            f"{D} §3 P02 (VAMP); synthesis for the window", points=30)
screen_rule("sc19_dormant_reactivation",
            "event.kind == 'ORDER' && orders_prior_88d == 0.0 && orders_365d > orders_2d && orders_2d >= 10.0",
            "Ten or more orders in 48 hours after 88 days without any, by an enterprise that had sold before "
            "(not a new seller's first orders): review.",
            "account takeover and bust-out patterns: dormancy, then a burst (synthesis)", outcome="REVIEW",
            message="{orders_2d} orders in 48 hours after {orders_prior_88d} in the 88 days before")
screen_rule("sc20_dormant_new_markets",
            "event.kind == 'ORDER' && orders_prior_88d == 0.0 && orders_365d > orders_2d && order_destinations_2d >= 4.0",
            "After 88 dormant days (having sold before), orders to four or more destinations within 48 hours: block.",
            "bust-out through new markets (synthesis)", outcome="REJECT",
            message="{order_destinations_2d} destinations in 48 hours after a dormant period")
screen_rule("sc21_destination_spread", "event.kind == 'ORDER' && order_destinations_2d >= 6.0 && orders_2d < 30.0",
            "Six or more destinations within 48 hours from fewer than 30 orders: 25 points.",
            f"{D} §3 O07 (destination concentration); synthesis", points=25)
screen_rule("sc22_large_order_outlier",
            "event.kind == 'ORDER' && event.has_amount && orders_90d >= 20.0 && event.amount > 10.0 * order_value_p95_90d",
            "An order above ten times the 95th percentile of the last 90 days: 30 points.",
            "amount outliers (synthesis)", points=30)
screen_rule("sc23_payout_spike",
            "event.kind == 'PAYMENT' && payout_value_1d > 3.0 * payout_value_90d / 6.0 + 20000.0",
            "Payouts of the last 24 hours above three typical fortnightly payouts (+ CNY 20,000): review.",
            "cash-out before exit (synthesis: marketplaces pay out every two weeks)", outcome="REVIEW",
            message="{payout_value_1d} CNY paid out in 24 h; {payout_value_90d} CNY in 90 days")
screen_rule("sc24_payout_receivers_spread", "event.kind == 'PAYMENT' && payout_counterparties_30d >= 4.0",
            "Payouts from four or more counterparties within 30 days: 20 points.", "layering through many receivers (synthesis)",
            points=20)
screen_rule("sc25_large_payout_young_enterprise",
            "event.kind == 'PAYMENT' && event.has_amount && event.amount > 100000.0 && tenure_days < 180.0",
            "A payout above CNY 100,000 to an enterprise registered less than 180 days ago: 40 points.",
            f"{D} §3 O01 (new firm + surge)", points=40)
screen_rule("sc26_ip_complaint_burst", "ip_complaints_30d >= 5.0",
            "Five or more IP complaints within 30 days: 25 points.", f"{D} §3 I01 (Amazon: ≤ 5 per 180 days)", points=25)
screen_rule("sc27_return_burst", "returns_7d >= 15.0 && returns_7d > 0.5 * orders_1d * 7.0 + 5.0",
            "A burst of returns against the current order rate: 20 points.", f"{D} §3 K05; synthesis", points=20)


WEIGHTS = {"customs": 3, "tax": 2, "payment": 2, "logistics": 1, "consumer": 1, "ip": 1.5, "credentials": 2, "operating": 1}
GRADES = [("advanced_certified", 95), ("certified", 85), ("regular", 60), ("dishonest", 40), ("seriously_dishonest", 0)]

# ---------------------------------------------------------------------------------------------
# Customs credit lifecycle (GACC Order 282): grades from facts, points for the rest.
# Statutory grades are reached only through a trigger (a rule's grade cap or an active piece of
# dishonest information); the composite never puts an enterprise there.
STATUTORY = ["dishonest", "seriously_dishonest"]
WATCH_REASONS = 4

# Public sources of the lifecycle figures (cited as [key] in causes, classes and docs). The
# official text of Order 282 was not found in the searchable stores; every figure below is a
# bundle parameter naming where it comes from, to be confirmed against the official text.
SOURCES = [
    ("G1", "GACC, interpretation of Order 282 (English, 2026-01-27): five grades, minor/general/serious dishonest information, credit repair and error tolerance",
     "https://www.cceeccic.org/435861947.html"),
    ("G2", "GACC press briefing of 2026-02-12 (CCTV): in force 1 April 2026; repair and fault-tolerance mechanisms",
     "https://www.cnsonews.com.cn/lang/English/507078.html"),
    ("G3", "Re-publications summarising Order 282 (five grades, three information classes, repair)",
     "http://sharelogis.com/send_desc/10970.html, http://www.myjeyom.cn/send_desc/10975.html"),
    ("G4", "GACC draft of the revised measures (征求意见稿, 2025-07-04); only its first articles could be read",
     "https://focustax.cn/home/index/article?id=25705&types=1"),
    ("S1", "Order 251 Art. 22, dishonest criteria: smuggling, violation ratio and penalty amount, taxes unpaid 3 months (secondary)",
     "https://ssopdot.com/blog/6829.html"),
    ("S2", "Order 251, credit repair on application: 1 year after a smuggling-penalty identification, 6 months for ratio/amount cases (secondary)",
     "https://ssopdot.com/blog/6808.html"),
    ("S3", "Order 251: customs repairs on its own after 2 years without recurrence; serious-dishonest list not repairable on application",
     "http://waytogo.com.cn/Article/jwsxqyrhsq.html"),
    ("S4", "Order 251: advanced certified enterprises re-examined every 5 years (every 3 years under Orders 225/237)",
     "https://m.etongguan.com/articles/hglswm954.html"),
    ("S5", "GACC Announcement 2023 No. 170: non-intentional violations of non-broker enterprises not counted for dishonest status (error tolerance precedent)",
     "http://www.anqiu.gov.cn/xxgk/snab/202312/t20231222_6279974.html"),
    ("S6", "Order 225 (2014) Art. 7: customs discloses penalty information for 5 years",
     "http://crsrw.com/qiyezixun/161977.html"),
    ("S7", "NDRC credit-repair measures (adopted 2025-11-19, in force 2026-04-01): minor information in principle not disclosed (at most 3 months); general 3 months to 1 year; serious 1 to 3 years; repair after the minimum (secondary)",
     "http://www.jnyxfs.com/news/79c1199909.html"),
]

# Classes of dishonest information: (class, grade cap, points, disclosure days, repairable,
# repair after days, source). Points go to the cause's dimension while the information counts.
CLASSES = [
    ("MINOR", "", -5, 90, True, 0,
     "[S7] at most 3 months, repairable once the legal duty is met; points: synthesis"),
    ("GENERAL", "", -15, 365, True, 90,
     "[S7] 3 months to 1 year, repair after the 3-month minimum; points: synthesis"),
    ("SERIOUS", "regular", -40, 1095, False, 0,
     "[S7] up to 3 years; not repairable as the issue and Order 251 treat serious cases [S3] "
     "(NDRC allows repair after 1 year: unconfirmed for customs); cap 'regular' (no AEO grade while "
     "it counts): synthesis"),
]
TOLERANCE_DAYS = 365
TOLERANCE_SOURCE = "[G1][G2] error tolerance for first minor violations; [S5] precedent; the 365-day window is synthesis"

# Causes of dishonest information, first match wins: id, description, filter, grade cap,
# default class, duration days (None = the class's disclosure), repairable, repair wait days,
# cleared_by filter, dimension, source.
CAUSES = []


def cause(cid, desc, filter_, cap, cls, duration, repairable, wait, dim, source, cleared=None):
    CAUSES.append(dict(id=cid, desc=desc, filter=filter_, cap=cap, cls=cls, duration=duration,
                       repairable=repairable, wait=wait, dim=dim, source=source, cleared=cleared))


cause("serious_dishonest_listing", "Listed as seriously dishonest (dishonest_listing, status serious)",
      filt(["CUSTOM"], statuses=["serious"], custom=["dishonest_listing"]), "seriously_dishonest", "SERIOUS",
      1825, False, None, "credentials", "[G1] seriously dishonest grade; [S3] not repairable; 5 years [S6]")
cause("smuggling_penalty", "Administrative penalty for smuggling (attribute smuggling = true)",
      filt(["ADMINISTRATIVE_PENALTY"], attrs=[("smuggling", "EQ", "bool", True)]), "dishonest", "GENERAL",
      730, True, 365, "customs", "[S1] Art. 22(1)-(2); repair after 1 year [S2]; ends after 2 years [S3]")
cause("smuggling_finding", "Inspection finding of smuggling (status smuggling)",
      filt(["CUSTOMS_INSPECTION"], statuses=["smuggling"]), "dishonest", "GENERAL",
      730, True, 365, "customs", "[S1] Art. 22(1)-(2); repair after 1 year [S2]; ends after 2 years [S3]")
cause("listing_violation_ratio", "Dishonest listing for the violation-ratio and penalty-amount test (attribute cause = violation_ratio)",
      filt(["CUSTOM"], custom=["dishonest_listing"], attrs=[("cause", "EQ", "string", "violation_ratio")]), "dishonest", "GENERAL",
      730, True, 180, "customs", "[S1] Art. 22(3); repair after 6 months [S2]; ends after 2 years [S3]")
cause("listing_tax_arrears", "Dishonest listing for taxes unpaid beyond the limit (attribute cause = tax_arrears)",
      filt(["CUSTOM"], custom=["dishonest_listing"], attrs=[("cause", "EQ", "string", "tax_arrears")]), "dishonest", "GENERAL",
      730, True, 90, "tax", "[S1] Art. 22(4); repair wait 3 months: unconfirmed ([S2] is cut off there; [S7] minimum)")
cause("dishonest_listing", "Dishonest listing for another or an unnamed cause (dishonest_listing)",
      filt(["CUSTOM"], custom=["dishonest_listing"]), "dishonest", "GENERAL",
      730, True, 365, "credentials", "[G1]; the longest wait of [S2] since the cause is not named; ends after 2 years [S3]")
cause("tax_arrears", "Taxes unpaid more than three months after the deadline (tax_payment, status overdue, sent when the limit passes)",
      filt(["TAX_PAYMENT"], statuses=["overdue"]), "dishonest", "GENERAL",
      730, True, 90, "tax", "[S1] Art. 22(4): dishonest until paid; repair wait after payment 3 months: unconfirmed [S7]",
      cleared=filt(["TAX_PAYMENT"], statuses=["paid", "late", "on_time"]))
cause("tax_paid_beyond_limit", "Taxes paid more than 90 days late (tax_payment, days_late > 90)",
      filt(["TAX_PAYMENT"], attrs=[("days_late", "GT", "int", 90)]), "dishonest", "GENERAL",
      730, True, 90, "tax", "[S1] Art. 22(4), identified at the payment; repair wait 3 months: unconfirmed [S7]")
cause("administrative_penalty", "Other administrative penalty (its class decides its effect)",
      filt(["ADMINISTRATIVE_PENALTY"]), "", "GENERAL",
      None, True, 0, "credentials", "[G1] minor/general/serious with differentiated treatment")

# Placeholder credit model: hand-set logistic coefficients (feature, coefficient, reference, impute, cap_lower, cap_upper).
LOGISTIC_INTERCEPT = -3.6
LOGISTIC = [
    ("late_repayment_rate_365d", 4.0, 0.03, None, None, None),
    ("repayments_30dpd_365d", 0.45, 0.0, None, None, 6),
    ("refund_rate_90d", 6.0, 0.05, None, None, None),
    ("chargeback_rate_90d", 40.0, 0.003, None, None, 0.05),
    ("inspection_finding_rate_365d", 4.0, 0.03, None, None, None),
    ("tax_refund_to_sales_ratio_365d", 2.5, 0.1, None, None, 1.0),
    ("penalties_3y", 0.3, 0.0, None, None, 8),
    ("serious_penalties_3y", 0.5, 0.0, None, None, 4),
    ("ip_complaints_upheld_365d", 0.15, 0.0, None, None, 10),
    ("late_shipment_rate_90d", 2.0, 0.03, None, None, None),
    ("third_party_fx_share_365d", 2.5, 0.02, None, None, None),
    ("tenure_days", -0.0004, 1825.0, 0.0, None, 3650),
    ("days_since_last_order", 0.004, 1.0, 365.0, None, 365),
    ("dishonest_listings_5y", 0.8, 0.0, None, None, 3),
]
REASON_CODES = [
    ("PD01", "late_repayment_rate_365d", "Share of loan repayments made late in the last year"),
    ("PD02", "repayments_30dpd_365d", "Repayments 30 or more days past due"),
    ("PD03", "refund_rate_90d", "High share of orders refunded in the last 90 days"),
    ("PD04", "chargeback_rate_90d", "Card chargebacks relative to orders"),
    ("PD05", "inspection_finding_rate_365d", "Customs inspections with adverse findings"),
    ("PD06", "tax_refund_to_sales_ratio_365d", "Export tax refunds claimed relative to sales"),
    ("PD07", "penalties_3y", "Administrative penalties in the last three years"),
    ("PD08", "serious_penalties_3y", "Serious administrative penalties"),
    ("PD09", "ip_complaints_upheld_365d", "Upheld intellectual-property complaints"),
    ("PD10", "late_shipment_rate_90d", "Orders shipped late"),
    ("PD11", "third_party_fx_share_365d", "Foreign-exchange receipts from third parties"),
    ("PD12", "tenure_days", "Short operating history"),
    ("PD13", "days_since_last_order", "No recent orders"),
    ("PD14", "dishonest_listings_5y", "Dishonest-enterprise listing"),
]

def all_reason_codes():
    """REASON_CODES, then one code per remaining feature (PD15, PD16, ... in catalogue order)
    whose text is the feature's description, so any model over any feature (the fitted
    scorecard, the challenger) explains itself with a code and a text."""
    out = list(REASON_CODES)
    named = {feat for _, feat, _ in REASON_CODES}
    for f in FEATURES:
        if f["name"] not in named:
            out.append(("PD%02d" % (len(out) + 1), f["name"], f["desc"]))
    descs = {f["name"]: f["desc"] for f in FEATURES}
    return [(code, feat, reason_text(feat, descs[feat])) for code, feat, _ in out]


# --- Truthful reasons (docs/models.md "Reasons") --------------------------------------------
# Every feature declares which way risk moves (`risk_direction`) and, where a value can be
# computed on too little, the data it needs (`data_requirement`): a feature whose data do not
# exist never gives its own adverse reason, only the "not enough history" code below. Risk-
# increasing rates are smoothed toward 0 (prior_rate 0.0 above), so a spotless record (none of
# the adverse events, whatever its size) has the lowest value and reaches the best attribute of
# a monotonic scorecard; the counter-notice share is smoothed toward 1 for the same reason.
RISK_DIRECTIONS = {UP: "INCREASING", DOWN: "DECREASING", EXT: "TWO_SIDED",
                   "deviation from 1 ↑": "TWO_SIDED", "volume": "NONE",
                   "volume (denominator)": "NONE", "scale": "NONE"}
# Counts that grow with the size of the business: the rate built on them carries the risk, so
# they are not risks (nor reasons) of their own.
SIZE_PROPORTIONAL = {
    "declaration_errors_365d", "declarations_amended_365d", "inspections_adverse_365d",
    "tax_refund_claim_value_365d", "tax_refund_adverse_outcomes_365d",
    "invoice_lag_long_claims_365d", "unit_price_jumps_365d", "chargebacks_90d",
    "disputes_opened_90d", "disputes_lost_365d", "fx_receipts_value_365d", "fx_third_party_365d",
    "repayments_late_365d", "loan_drawdown_value_365d", "shipments_late_90d",
    "shipments_bad_tracking_90d", "deliveries_late_90d", "parcels_lost_90d",
    "orders_cancelled_90d", "refunds_90d", "refund_value_90d", "refunds_late_90d", "complaints_90d",
    "order_defects_90d", "returns_90d", "ip_counter_noticed_365d",
}

# "Not enough history" codes: the reason a feature gives instead of its own when the events it
# is computed from are missing (DataRequirement.reason_code). Keyed by the count they need.
HISTORY_CODES = [
    ("PH01", "declarations_365d", "Not enough customs declarations in the last year to assess them"),
    ("PH02", "inspections_365d", "Not enough customs inspections in the last year to assess their outcomes"),
    ("PH03", "tax_refund_claims_365d", "Not enough export tax-refund claims in the last year to assess them"),
    ("PH04", "orders_90d", "Not enough orders in the last 90 days to assess how they were handled"),
    ("PH05", "repayments_365d", "Not enough loan repayment history"),
    ("PH06", "shipments_90d", "Not enough shipments in the last 90 days to assess shipping"),
    ("PH07", "deliveries_90d", "Not enough deliveries in the last 90 days to assess them"),
    ("PH08", "refunds_90d", "Not enough refunds in the last 90 days to assess how they were paid"),
    ("PH09", "disputes_resolved_365d", "Not enough resolved disputes in the last year to assess them"),
    ("PH10", "fx_receipts_365d", "Not enough foreign-exchange receipts in the last year to assess them"),
]
# Features whose value is missing without events, and the count they need.
MISSING_WITHOUT = {"max_dpd_365d": "repayments_365d", "handling_days_p50_90d": "shipments_90d",
                   "unshipped_order_share_90d": "orders_90d"}

# Reason texts for the enterprise: what happened, in words, never a formula (the formulas are
# in docs/indicators.md). Features not listed (size measures, which give no reasons) use their
# description.
REASON_TEXT = {
    "late_repayment_rate_365d": "Loan repayments made late in the last year",
    "repayments_30dpd_365d": "Loan repayments 30 or more days past due in the last year",
    "refund_rate_90d": "High share of orders refunded in the last 90 days",
    "chargeback_rate_90d": "High rate of card chargebacks in the last 90 days",
    "inspection_finding_rate_365d": "Customs inspections with adverse findings in the last year",
    "tax_refund_to_sales_ratio_365d": "Export tax refunds claimed are high relative to your sales",
    "penalties_3y": "Administrative penalties in the last three years",
    "serious_penalties_3y": "Serious administrative penalties in the last three years",
    "ip_complaints_upheld_365d": "Intellectual-property complaints upheld against you in the last year",
    "late_shipment_rate_90d": "High share of orders shipped late in the last 90 days",
    "third_party_fx_share_365d": "High share of foreign-exchange receipts paid by third parties",
    "tenure_days": "Short time since registration",
    "days_since_last_order": "No recent orders",
    "dishonest_listings_5y": "Listed as a dishonest enterprise in the last five years",
    "declaration_error_rate_365d": "High share of customs declarations with errors in the last year",
    "declaration_amend_rate_365d": "High share of customs declarations amended or withdrawn in the last year",
    "smuggling_inspections_2y": "Customs inspections finding smuggling in the last two years",
    "smuggling_penalties_2y": "Penalties for smuggling in the last two years",
    "customs_penalties_365d": "Customs penalties in the last year",
    "customs_penalty_amount_365d": "Amount of customs penalties in the last year",
    "customs_penalties_over_30k_365d": "A customs penalty above RMB 30,000 in the last year",
    "customs_violation_ratio": "Customs violations high relative to your number of declarations",
    "declared_to_sales_ratio_365d": "Declared export value high relative to your completed sales",
    "tax_refund_claim_growth": "Unusual change in export tax-refund claims from the previous year",
    "tax_refund_adjust_rate_365d": "High share of export tax-refund claims rejected or adjusted",
    "tax_refund_rejections_365d": "Export tax-refund claims rejected in the last year",
    "invoice_lag_long_share_365d": "High share of tax-refund claims with a long delay between supplier invoice and export",
    "unit_price_jump_rate_365d": "High share of customs declarations with a sharp rise in unit price",
    "tax_payments_late_365d": "Tax payments made late in the last year",
    "tax_payments_over_90d_late_3y": "Tax paid more than 90 days late in the last three years",
    "dispute_rate_90d": "High rate of buyer disputes in the last 90 days",
    "dispute_loss_rate_365d": "High share of resolved disputes decided in the buyer's favour",
    "fund_to_goods_ratio_365d": "Foreign-exchange receipts do not match declared exports",
    "repayments_90dpd_365d": "A loan repayment more than 90 days past due in the last year",
    "max_dpd_365d": "Loan repayments made long after their due date in the last year",
    "leverage_to_sales_365d": "Financing drawn is high relative to your sales",
    "invalid_tracking_rate_90d": "High share of shipments without valid tracking in the last 90 days",
    "late_delivery_rate_90d": "High share of deliveries arriving late in the last 90 days",
    "lost_parcel_rate_90d": "High share of parcels lost or damaged in the last 90 days",
    "seller_cancel_rate_90d": "High share of orders cancelled before shipment in the last 90 days",
    "handling_days_p50_90d": "Long time from order to shipment in the last 90 days",
    "unshipped_order_share_90d": "High share of orders not shipped",
    "refund_value_rate_90d": "High share of sales value refunded in the last 90 days",
    "late_refund_rate_90d": "High share of refunds paid late in the last 90 days",
    "complaint_rate_90d": "High rate of consumer complaints in the last 90 days",
    "complaints_upheld_365d": "Consumer complaints upheld against you in the last year",
    "order_defect_rate_90d": "High share of orders with a chargeback, dispute or complaint in the last 90 days",
    "return_rate_90d": "High share of orders returned in the last 90 days",
    "ip_complaints_365d": "Intellectual-property complaints received in the last year",
    "ip_complaints_upheld_180d": "Intellectual-property complaints upheld against you in the last 180 days",
    "ip_counter_notice_share_365d": "Few intellectual-property complaints against you were overturned",
    "ip_complainants_365d": "Complaints from several rights holders in the last year",
    "counterfeit_seizures_365d": "Counterfeit goods detained by customs in the last year",
    "counterfeit_seizures_3y": "Counterfeit goods detained by customs in the last three years",
    "penalty_amount_3y": "Amount of administrative penalties in the last three years",
    "days_since_last_penalty": "Recent administrative penalty",
    "licence_revocations_3y": "A licence revoked in the last three years",
    "licence_expiries_365d": "A licence expired without renewal in the last year",
    "serious_dishonest_listings_5y": "Listed as seriously dishonest in the last five years",
    "abnormal_listings_3y": "Listed for abnormal operations in the last three years",
    "late_annual_reports_2y": "Annual report filed late in the last two years",
    "orders_365d": "Few orders in the last year",
    "surge_ratio": "Sudden change in recent sales compared with the months before",
    "order_value_growth_365d": "Large change in sales compared with the previous year",
    "order_value_trend_360d": "Strong trend in monthly sales over the last year",
    "buyer_top5_share_365d": "Sales concentrated on a few buyers",
    "destination_hhi_365d": "Sales concentrated on few destination countries",
    "channel_top_share_365d": "Sales concentrated on one sales channel",
    "distinct_buyers_365d": "Few distinct buyers in the last year",
    "distinct_destinations_365d": "Few destination countries in the last year",
    "control_changes_365d": "Change of legal representative or shareholders in the last year",
    "order_value_stddev_365d": "Large variation in order values",
}


# Levels of a reason (ReasonCode.from_value): the more severe wording applies from the value
# given, which is the threshold the compliance rules or the indicator definitions already use,
# so a reason says how far the record is from the norm ("some" vs "more than a fifth").
REASON_LEVELS = [
    ("late_repayment_rate_365d", 0.2, "More than a fifth of loan repayments made late in the last year",
     "pf03: more than 20% of repayments late"),
    ("handling_days_p50_90d", 3.0, "Orders usually shipped more than 3 days after they were placed",
     "the 3-day handling promise of shipments_late_90d"),
]


def level_codes():
    """(code, feature, text, from_value): PL01, PL02, ... in REASON_LEVELS order, a series of
    their own (like the PH codes) so that adding features to the catalogue never renumbers
    them."""
    return [("PL%02d" % (i + 1), feat, text, v) for i, (feat, v, text, _) in enumerate(REASON_LEVELS)]


def risk_direction(f):
    if f["name"] in SIZE_PROPORTIONAL:
        return "NONE"
    return RISK_DIRECTIONS[f["dir"]]


def data_requirement(f):
    """(count feature, minimum, "not enough history" code) or None."""
    codes = {feat: code for code, feat, _ in HISTORY_CODES}
    counts = {g["name"] for g in FEATURES if "AGGREGATE_OP_COUNT" in g["body"]}
    need = MISSING_WITHOUT.get(f["name"])
    if need is None and f.get("den") in counts:
        need = f["den"]
    if need is None:
        return None
    # A direction-free or risk-lowering share gives no "not enough history" reason: having no
    # complaints to overturn is not a shortcoming.
    code = codes.get(need, "") if risk_direction(f) == "INCREASING" else ""
    return need, 1, code


def reason_text(name, desc):
    import re
    # Size measures give no reasons; their text is the description without its technical
    # asides (attribute names in parentheses).
    return checked_text(REASON_TEXT.get(name) or re.sub(r"\s*\([^)]*\)", "", desc))


def checked_text(text):
    """A reason text for the enterprise: never a formula."""
    for formula in ("÷", "Smoothed", "×", "(num", "="):
        assert formula not in text, text
    return text


# Limits: a share of the trailing 12 months' completed sales (`order_value_365d_cny`), scaled
# by grade, up to the fixed amount the decision table names; the limit cap below keeps every
# limit at or under three times that figure whatever a row says.
LIMIT_SALES_SHARE = {5000000: 0.5, 2000000: 0.3, 1000000: 0.2, 500000: 0.1}
LIMIT_CAP = "3.0 * order_value_365d_cny"


def limit_entry(amount):
    if amount == 0:
        return "0"
    return f"math.least({amount}.0, {LIMIT_SALES_SHARE[amount]} * order_value_365d_cny)"


def limit_text(amount):
    if amount == 0:
        return "0"
    return f"{LIMIT_SALES_SHARE[amount]:.0%} of 12-month completed sales, at most {amount:,}"


# Governance of the bundle's models (docs/governance.md). Everything here was developed and
# measured on simulated data only, and says so.
SIMULATED_ONLY = ("Validated on simulated cohorts only (credence simulate, seeds 1 and 2; "
                  "MODEL_CARD.md); not for lending decisions on real enterprises.")
GOVERNANCE = {
    "cb_scorecard": dict(validation_status="VALIDATED_WITH_CONDITIONS", validation_date="2026-12-01",
                         approver="credence maintainers (demonstration)",
                         validation_notes=SIMULATED_ONLY),
    "cb_pd_placeholder": dict(owner="credence maintainers", validation_status="RETIRED",
                              intended_use="Comparison only: the hand-set model the fitted scorecard replaced."),
    "cb_challenger_xgb": dict(owner="credence maintainers", validation_status="NOT_VALIDATED",
                              intended_use="Shadow challenger: scored on every request for comparison; never decides."),
}
SHADOW_MODELS = ["cb_challenger_xgb", "cb_pd_placeholder"]


def governance_lines(model_id, indent):
    out = []
    for key, value in GOVERNANCE[model_id].items():
        v = f"VALIDATION_STATUS_{value}" if key == "validation_status" else q(value)
        out.append(f"{indent}{key}: {v}")
    return out


MASTER = [("AAA", 0.005, "APPROVE", 500000000), ("AA", 0.01, "APPROVE", 300000000), ("A", 0.02, "APPROVE", 150000000),
          ("BBB", 0.04, "APPROVE", 50000000), ("BB", 0.08, "REVIEW", 0), ("B", 0.15, "REVIEW", 0),
          ("CCC", 0.3, "REJECT", 0), ("C", 1, "REJECT", 0)]

# Decision table (FIRST hit): (credit entry, compliance entry, outcome, limit CNY, description)
DECISION = [
    ('-', '"seriously_dishonest"', "REJECT", 0, "Seriously dishonest: reject whatever the credit grade."),
    ('-', '"dishonest"', "REJECT", 0, "Dishonest: reject (customs applies strict controls to dishonest enterprises)."),
    ('"CCC", "C"', '-', "REJECT", 0, "PD above 15%: reject."),
    ('"BB", "B"', '-', "REVIEW", 0, "PD 4–15%: manual review."),
    ('"AAA", "AA"', '"advanced_certified", "certified"', "APPROVE", 5000000, "Low PD and an AEO: the largest limit."),
    ('"AAA", "AA", "A"', '"advanced_certified", "certified", "regular"', "APPROVE", 2000000, "PD ≤ 2% and regular or better."),
    ('"BBB"', '"advanced_certified", "certified"', "APPROVE", 1000000, "PD 2–4% and an AEO."),
    ('"BBB"', '"regular"', "APPROVE", 500000, "PD 2–4% and regular."),
    ('-', '-', "REVIEW", 0, "Anything else: manual review."),
]


def sev(s):
    return f"SEVERITY_{s}"


def dur(days):
    return f"{{ seconds: {days * DAY} }}"


def write_lifecycle(w):
    """The grade policy and the credit lifecycle, inside `compliance { ... }`."""
    w("  policy {")
    for g in STATUTORY:
        w(f"    statutory_grades: {q(g)}")
    w(f"    watch_reasons: {WATCH_REASONS}")
    w("  }")
    w("  lifecycle {")
    w('    class_attribute: "dishonest_class"')
    w("    class_from_status: true")
    for cls, cap, points, disclosure, repairable, after, source in CLASSES:
        parts = [f"dishonest_class: DISHONEST_CLASS_{cls}"]
        if cap:
            parts.append(f"grade_cap: {q(cap)}")
        parts += [f"points: {points}", f"disclosure {dur(disclosure)}"]
        if repairable:
            parts += ["repairable: true", f"repair_after {dur(after)}"]
        parts.append(f"source: {q(source)}")
        w("    classes { " + " ".join(parts) + " }")
    w(f"    tolerance {{ window {dur(TOLERANCE_DAYS)} source: {q(TOLERANCE_SOURCE)} }}")
    for c in CAUSES:
        w("    causes {")
        w(f"      id: {q(c['id'])}")
        w(f"      description: {q(c['desc'])}")
        w("      " + c["filter"])
        if c["cap"]:
            w(f"      grade_cap: {q(c['cap'])}")
        w(f"      default_class: DISHONEST_CLASS_{c['cls']}")
        if c["duration"] is not None:
            w(f"      duration {dur(c['duration'])}")
        if c["repairable"]:
            w("      repairable: true")
            w(f"      repair_wait {dur(c['wait'])}")
        if c["cleared"]:
            w("      " + c["cleared"].replace("filter", "cleared_by", 1))
        w(f"      dimension: {DIMS[c['dim']]}")
        w(f"      source: {q(c['source'])}")
        w("    }")
    w("  }")


def write_bundle(path):
    out = []
    w = out.append
    w(f"""# credence cross-border e-commerce bundle: the default bundle for scoring cross-border
# e-commerce (CBEC) enterprises from their event histories.
#
# GENERATED by models/cross-border/make_bundle.py from one table that also writes
# docs/indicators.md and docs/compliance.md; edit the script, not this file.
#
# Sections: {len(FEATURES)} features across the eight compliance dimensions; {len(RULES)} compliance rules with
# points, severities, reason codes and vetoes (grade caps); a 0-100 score per dimension and a
# weighted composite; five compliance grades modelled on the customs enterprise credit grades
# in force since 1 April 2026 (GACC Order 282); a master scale; a decision table turning
# credit grade and compliance grade into approve / review / reject and a financing limit.
#
# CREDIT MODEL: `cb_scorecard`, the scorecard fitted with `credence fit --scorecard` on the
# simulated development cohort (scripts/build_cross_border.sh; MODEL_CARD.md), when
# scorecard.textproto exists; otherwise the hand-set logistic `cb_pd_placeholder`.
# `cb_challenger_xgb` is a gradient-boosted challenger trained by train_challenger.py; it and
# the placeholder are shadow models: every response carries their results, neither decides.
# Limits are a share of 12-month completed sales, capped at three times that figure.
#
# Base currency CNY; amounts in features are CNY major units.
# proto-file: credence/v1/bundle.proto
# proto-message: credence.v1.Bundle

metadata {{
  name: "cross-border"
  version: "0.1.0"
  description: "Cross-border e-commerce enterprises: customs, tax, payment, logistics, consumer, IP, credentials, operating stability."
  owners: "credence maintainers"
  labels {{ key: "credit_model_status" value: "{'fitted_scorecard' if HAVE_SCORECARD else 'placeholder'}" }}
}}
base_currency: "CNY"
fx_rates {{ currency_code: "USD" rate: "7.10" }}
fx_rates {{ currency_code: "EUR" rate: "7.72" }}
fx_rates {{ currency_code: "GBP" rate: "9.05" }}
fx_rates {{ currency_code: "JPY" rate: "0.0472" }}
fx_rates {{ currency_code: "CAD" rate: "5.18" }}
fx_rates {{ currency_code: "AUD" rate: "4.68" }}
fx_rates {{ currency_code: "SGD" rate: "5.30" }}
fx_rates {{ currency_code: "HKD" rate: "0.91" }}
""")
    for dim in DIMS:
        w(f"\n# --- {DIM_TITLES[dim]} " + "-" * (80 - len(DIM_TITLES[dim])))
        for f in FEATURES:
            if f["dim"] != dim:
                continue
            w("features {")
            w(f"  name: {q(f['name'])}")
            w(f"  description: {q(f['desc'])}")
            w(f"  dimension: {DIMS[dim]}")
            w("  " + f["body"])
            w(f"  risk_direction: RISK_DIRECTION_{risk_direction(f)}")
            if req := data_requirement(f):
                w(f"  data_requirement {{ feature: {q(req[0])} min_value: {req[1]} "
                  f"reason_code: {q(req[2])} }}")
            w("}")
    w("""
# --- Credit model (PLACEHOLDER) -----------------------------------------------------------
# Hand-set coefficients (log-odds of default per unit); positive raises the PD. Replaced by
# the fitted scorecard when the integrator runs `credence fit --scorecard` (MODEL_CARD.md).""")
    w("models {")
    w('  id: "cb_pd_placeholder"')
    w('  description: "PLACEHOLDER logistic PD model with hand-set coefficients; to be replaced by the fitted scorecard."')
    w("  governance {")
    for line in governance_lines("cb_pd_placeholder", "    "):
        w(line)
    w("  }")
    w("  logistic {")
    w(f"    intercept: {LOGISTIC_INTERCEPT}")
    for feat, coef, ref, imp, lo, hi in LOGISTIC:
        s = f"    terms {{ feature: {q(feat)} coefficient: {coef} reference: {ref}"
        if imp is not None:
            s += f" impute: {imp}"
        if lo is not None or hi is not None:
            s += " transform {"
            if lo is not None:
                s += f" cap_lower: {lo}"
            if hi is not None:
                s += f" cap_upper: {hi}"
            s += " }"
        w(s + " }")
    w("  }")
    w("}")
    credit_model = "cb_pd_placeholder"
    scorecard = os.path.join(os.path.dirname(path), SCORECARD_FILE)
    if os.path.exists(scorecard):
        # >>> The fitted scorecard (a credence.v1.Model in text format written by
        # `credence fit --scorecard --out models/cross-border/scorecard.textproto`) becomes the
        # credit model; the placeholder stays in the bundle for comparison.
        import re
        with open(scorecard) as fh:
            text = fh.read()
        m = re.search(r'^id:\s*"([^"]+)"', text, re.M)
        if not m:
            raise SystemExit(f"{scorecard}: no top-level id")
        credit_model = m.group(1)
        w("\n# Credit model: the scorecard fitted by `credence fit --scorecard` (scorecard.textproto),")
        w("# with the validation record (GOVERNANCE) added to the governance the fit wrote.")
        w("models {")
        for line in text.rstrip("\n").split("\n"):
            w("  " + line if line else "")
            if line == "governance {" and credit_model in GOVERNANCE:
                for extra in governance_lines(credit_model, "    "):
                    w(extra)
        w("}")
    if os.path.exists(os.path.join(os.path.dirname(path), "challenger_xgb.json")):
        import json
        with open(os.path.join(os.path.dirname(path), "challenger_features.json")) as fh:
            feats = json.load(fh)
        w("""
# Challenger: gradient-boosted trees trained by train_challenger.py (XGBoost JSON). A shadow
# model (shadow_models below): in every response, never the credit model.""")
        w("models {")
        w('  id: "cb_challenger_xgb"')
        w('  description: "Gradient-boosted challenger (python3-xgboost) trained on the simulated development cohort."')
        w("  governance {")
        for line in governance_lines("cb_challenger_xgb", "    "):
            w(line)
        w("  }")
        w('  tree_ensemble {')
        w('    file: "challenger_xgb.json"')
        w('    format: TREE_MODEL_FORMAT_XGBOOST_JSON')
        for ft in feats:
            w(f"    features: {q(ft)}")
        w("  }")
        w("}")
    present = {"cb_pd_placeholder"} | ({"cb_challenger_xgb"} if os.path.exists(
        os.path.join(os.path.dirname(path), "challenger_xgb.json")) else set())
    w("\n# Shadow models: scored on every request; their results are in ScoreResponse.shadow.")
    for m in SHADOW_MODELS:
        if m in present and m != credit_model:
            w(f"shadow_models: {q(m)}")
    w("explanation { max_decision_reasons: 4 }")
    w(f"""
credit {{
  model: "{credit_model}"
  scaling {{ base_score: 600 base_odds: 50 pdo: 20 min_score: 300 max_score: 850 }}
  grade_scale: "master"
}}
""")
    w("grade_scales {")
    w('  id: "master"')
    for g, pd, oc, lim in MASTER:
        w(f'  bands {{ grade: "{g}" max_pd: {pd} outcome: OUTCOME_{oc} limit_minor_units: {lim} }}')
    w("}\n")
    for code, feat, text in all_reason_codes():
        w(f"reason_codes {{ code: {q(code)} feature: {q(feat)} text: {q(text)} }}")
    for code, feat, text, v in level_codes():
        w(f"reason_codes {{ code: {q(code)} feature: {q(feat)} text: {q(checked_text(text))} from_value: {v} }}")
    w("# \"Not enough history\" codes, named by the features' data requirements.")
    for code, _, text in HISTORY_CODES:
        w(f"reason_codes {{ code: {q(code)} text: {q(text)} }}")
    w("\n# --- Compliance score and grades --------------------------------------------------------")
    w("compliance {")
    for dim, wt in WEIGHTS.items():
        w(f"  weights {{ dimension: {DIMS[dim]} weight: {wt} }}")
    for g, m in GRADES:
        w(f"  grades {{ grade: {q(g)} min_score: {m} }}")
    write_lifecycle(w)
    w("}\n")
    w("rule_sets {")
    w('  id: "compliance"')
    w('  description: "Cross-border compliance rules; every criterion is documented in docs/compliance.md."')
    for r in RULES:
        w("  rules {")
        w(f"    id: {q(r['id'])}")
        w(f"    description: {q(r['desc'])}")
        w(f"    dimension: {DIMS[r['dim']]}")
        w(f"    severity: {sev(r['sev'])}")
        w(f"    condition: {q(r['cond'])}")
        w(f"    points: {r['points']}")
        if r["flag"]:
            w(f"    flag: {q(r['flag'])}")
        if r["outcome"]:
            w(f"    outcome: OUTCOME_{r['outcome']}")
        w(f"    reason_code: {q(r['code'])}")
        if r["message"]:
            w(f"    message: {q(r['message'])}")
        if r["cap"]:
            w(f"    grade_cap: {q(r['cap'])}")
        w("  }")
    w("}\n")
    w("decision_tables {")
    w('  id: "policy"')
    w('  description: "Credit grade x compliance grade -> outcome and financing limit (CNY)."')
    w("  hit_policy: DECISION_HIT_POLICY_FIRST")
    w('  inputs { name: "credit_grade" expression: "credit.grade" }')
    w('  inputs { name: "compliance_grade" expression: "compliance.grade" }')
    w('  outputs { name: "outcome" }')
    w('  outputs { name: "limit" }')
    for c, k, oc, lim, desc in DECISION:
        w(f"  rows {{ input_entries: {q(c)} input_entries: {q(k)} output_entries: {q(chr(34) + oc + chr(34))} "
          f"output_entries: {q(limit_entry(lim))} description: {q(desc)} }}")
    w("}")
    w(f'decision {{ table: "policy" limit_cap: {q(LIMIT_CAP)} }}')
    write_screening_section(w)
    with open(path, "w") as fh:
        fh.write("\n".join(out) + "\n")


def write_screening_section(w):
    w("\n# --- Screening: named lists and event rules (docs/screening.md) ---------------------------")
    for name, file, values, desc, source in LISTS:
        w("lists {")
        w(f"  name: {q(name)}")
        w(f"  description: {q(desc)}")
        for v in values:
            w(f"  values: {q(v)}")
        if file:
            w(f"  file: {q(file)}")
        w("}")
    w("screening {")
    w(f"  review_points: {SCREEN_POLICY['review_points']}")
    w(f"  block_points: {SCREEN_POLICY['block_points']}")
    w(f"  allowed_lateness {{ seconds: {SCREEN_POLICY['lateness_days'] * DAY} }}")
    w("  rule_sets {")
    w('    id: "screening"')
    w('    description: "Event rules of the cross-border bundle; every rule is documented in docs/screening.md."')
    for r in SCREEN_RULES:
        w("    rules {")
        w(f"      id: {q(r['id'])}")
        w(f"      description: {q(r['desc'])}")
        w(f"      condition: {q(r['cond'])}")
        if r["points"]:
            w(f"      points: {r['points']}")
        if r["outcome"]:
            w(f"      outcome: OUTCOME_{r['outcome']}")
        w(f"      reason_code: {q(r['code'])}")
        if r["message"]:
            w(f"      message: {q(r['message'])}")
        w("    }")
    w("  }")
    w("}")


def write_blocked_list(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        fh.write("# Blocked counterparties (GENERATED by models/cross-border/make_bundle.py): placeholders\n"
                 "# that `credence simulate --stream` pays in its listed_payout scenario. Replace them with\n"
                 "# the platform's consortium and sanctions screening results, one id per line.\n")
        for c in BLOCKED_COUNTERPARTIES:
            fh.write(c + "\n")


SCREENING_BEGIN = "<!-- BEGIN generated by models/cross-border/make_bundle.py: do not edit -->"
SCREENING_END = "<!-- END generated -->"


def write_screening_doc(path):
    """Rewrites the generated part of docs/screening.md (between the markers)."""
    src = os.path.join(ROOT, "docs", "screening.md")
    with open(src) as fh:
        text = fh.read()
    begin, end = text.index(SCREENING_BEGIN), text.index(SCREENING_END)
    outcome = {"REJECT": "block", "REVIEW": "review", None: ""}
    L = [SCREENING_BEGIN, "",
         f"Policy: review at {SCREEN_POLICY['review_points']} points, block at {SCREEN_POLICY['block_points']}; "
         f"allowed lateness {SCREEN_POLICY['lateness_days']} day. {len(SCREEN_RULES)} rules in the rule set `screening`; "
         "the reason code is the upper-cased id prefix.", "",
         "| rule | condition | outcome | points | what it catches | source |", "| --- | --- | --- | --- | --- | --- |"]
    for r in SCREEN_RULES:
        L.append(f"| `{r['id']}` | `{md_escape(r['cond'])}` | {outcome[r['outcome']]} | {r['points'] or ''} | "
                 f"{md_escape(r['desc'])} | {md_escape(r['source'])} |")
    L += ["", "Lists:", "", "| list | values | what it holds | source |", "| --- | --- | --- | --- |"]
    for name, file, values, desc, source in LISTS:
        held = f"`{file}` ({len(BLOCKED_COUNTERPARTIES)} placeholder ids)" if file else ", ".join(values)
        L.append(f"| `lists.{name}` | {md_escape(held)} | {md_escape(desc)} | {md_escape(source)} |")
    L += ["", SCREENING_END]
    with open(path, "w") as fh:
        fh.write(text[:begin] + "\n".join(L) + text[end + len(SCREENING_END):])


def md_escape(s):
    return s.replace("|", "\\|")


def write_indicators(path):
    L = ["# Indicator catalogue (cross-border bundle)", "",
         "Every feature of `models/cross-border/bundle.textproto`, by dimension. Generated by",
         "`models/cross-border/make_bundle.py` from the same table as the bundle, so the two cannot",
         "drift apart. Exact computation semantics (windows are `(as_of − d, as_of]`, smoothing,",
         "missing values) are in [features.md](features.md); the compliance rules that read these",
         "indicators are in [compliance.md](compliance.md).", "",
         "Columns: **window** — the trailing window ending at as_of (\"offset\" shifts it into the",
         "past); **risk** — ↑ a higher value means higher risk, ↓ lower risk, \"volume\" a denominator",
         "or scale with no direction of its own; **threshold source** — where the rule thresholds",
         "that read the indicator come from. `domain §x` refers to the domain research notes",
         "(`/work/shared/domain/README.md`, section and indicator id), which cite the public texts",
         "(GACC Orders 251 and 282, AEO standards, SAFE monitoring ratios, marketplace seller",
         "metrics, card-network programmes). **synthesis** marks thresholds with no published",
         "number, set from the simulated population ([simulator.md](simulator.md)) — re-bin them",
         "on real data before relying on them.", "",
         "Event conventions the indicators rely on (what `credence simulate` writes and what a",
         "real integration should send): declarations carry `error`, `unit_price_jump` (bool) and",
         "`supervision_code`; inspections reference their declaration and have status `passed`,",
         "`failed`, `seized` or `smuggling`; penalties carry `authority` (`customs`, `samr`,",
         "`tax_bureau`, `safe`), status `minor`/`general`/`serious` and `smuggling` (bool);",
         "repayments carry `days_past_due` (int); tax payments `days_late` (int); refund claims",
         "`invoice_lag_days` (int); shipments `tracking_valid` and deliveries `on_time` (bool); FX",
         "receipts `third_party` (bool); listings and reports are custom events",
         "`dishonest_listing` (status `general`/`serious`, attribute `cause`: `smuggling`,",
         "`violation_ratio`, `tax_arrears` or `other`), `abnormal_operation_listing`,",
         "`annual_report` (status `on_time`/`late`) and `control_change`. The customs credit",
         "lifecycle ([compliance.md](compliance.md)) also reads tax payments with status `overdue`",
         "(taxes unpaid three months after the deadline, cleared by a payment whose `reference_id`",
         "names them), an optional string attribute `dishonest_class` (`minor`/`general`/`serious`)",
         "on penalties and findings, and the credit-repair events (application, outcome `granted` /",
         "`rejected`).", "",
         f"{len(FEATURES)} indicators.", ""]
    for dim in DIMS:
        fs = [f for f in FEATURES if f["dim"] == dim]
        L.append(f"## {DIM_TITLES[dim]} ({len(fs)})")
        L.append("")
        L.append("| feature | definition | window | risk | threshold source |")
        L.append("| --- | --- | --- | --- | --- |")
        for f in fs:
            L.append(f"| `{f['name']}` | {md_escape(f['desc'])} | {md_escape(f['window'])} | {f['dir']} | {md_escape(f['source'])} |")
        L.append("")
    with open(path, "w") as fh:
        fh.write("\n".join(L))


def write_compliance(path):
    total_w = sum(WEIGHTS.values())
    L = ["# Compliance scoring (cross-border bundle)", "",
         "How `models/cross-border/bundle.textproto` turns indicators ([indicators.md](indicators.md))",
         "into a compliance score, a compliance grade and — with the credit grade — a decision.",
         "Generated by `models/cross-border/make_bundle.py` together with the bundle. The engine",
         "semantics (hit policies, errored hits, clamping, vetoes) are in [rule_sets.md](rule_sets.md).", "",
         "## Score", "",
         "Each weighted dimension starts at 100; every rule hit adds its (negative) points to its",
         "dimension, which is clamped to [0, 100]. The composite is the weighted mean:", "",
         "| dimension | weight |", "| --- | --- |"]
    for dim, wt in WEIGHTS.items():
        L.append(f"| {DIM_TITLES[dim]} | {wt} |")
    L += ["", f"(total weight {total_w:g}). Customs carries the largest weight because the grade models",
          "the customs enterprise credit grade; tax, payment and credentials follow.", "",
          "## Grades: facts decide, points position", "",
          "Five classes modelled on the customs enterprise credit grades of GACC Order 282 (in force",
          "since 1 April 2026; [G1], [G2]): advanced certified, certified, regular, dishonest,",
          "seriously dishonest. The composite positions an enterprise *within* what the facts allow:", "",
          "| grade | composite ≥ | reached |", "| --- | --- | --- |"]
    for g, m in GRADES:
        how = "only through a trigger (statutory)" if g in STATUTORY else "by the composite, unless a trigger caps lower"
        L.append(f"| `{g}` | {m if g not in STATUTORY else '—'} | {how} |")
    L += ["", "1. **Points grade.** The first grade whose minimum the composite reaches (the 95 cut-off for",
          "   `advanced_certified` follows the AEO standard's pass mark, total ≥ 95 with no failed item;",
          "   domain §1.1). The response reports it as `compliance.points_grade`.",
          "2. **Statutory grades are never reached on points.** `dishonest` and `seriously_dishonest`",
          "   follow from listed facts (smuggling, the violation-ratio-and-penalty test, taxes unpaid",
          "   beyond the limit, listings; [S1], [G1]). A composite that would fall into one leaves the",
          "   enterprise `regular` **on watch** (`compliance.watch`, the request variable",
          f"   `compliance.watch`), and `compliance.watch_reasons` names the {WATCH_REASONS} rule hits or pieces of",
          "   information that cost the most points.",
          "3. **Triggers cap.** The grade is then lowered to the worst cap in force: a rule hit's",
          "   `grade_cap` or an active piece of dishonest information (below). Every cap in force is in",
          "   `compliance.triggers`; the ones that decide the grade are `binding`, so every dishonest or",
          "   seriously dishonest grade names the trigger(s) that caused it.",
          "4. **AEO preconditions.** Only AEOs hold the certified grades: `cr10_not_aeo` caps every",
          "   enterprise without a *valid* AEO certificate at `regular`, `cr11_not_advanced_aeo` every",
          "   certified AEO at `certified`. A certificate counts only when as_of lies in",
          "   [valid_from, valid_until); expired ones are in `enterprise.expired_certifications` with",
          "   their end (rule `cr12_aeo_expired` flags them). The measures re-examine advanced certified",
          "   enterprises every 5 years under Order 251 ([S4]; 3 years before), so a certificate older",
          "   than its re-examination date should carry that `valid_until`.", "",
          "An errored hit (a rule that read a missing feature) applies no points and no cap.", "",
          "## Credit lifecycle: dishonest information, repair and tolerance", "",
          "The `compliance.lifecycle` section of the bundle finds each piece of dishonest information in",
          "the history (an event matching a cause; the first matching cause wins), classes it, and works",
          "out where it stands at as_of. The response lists every piece in",
          "`compliance.information`; `credence explain` prints, for each cap, when it started, when it",
          "ends or can be repaired, and why.", "",
          "- **Class** (minor / general / serious, [G1]): the event's string attribute",
          "  `dishonest_class`, else its status when that is `minor`, `general` or `serious` (penalties",
          "  already carry one), else the cause's default class (**general** unless stated).",
          "- **While it counts** it adds its class's points to the cause's dimension and caps the grade at",
          "  the worse of the cause's cap and the class's cap.",
          "- **It stops counting** at identification (or clearing) + the cause's duration (else the",
          "  class's disclosure period), or when a **granted repair** ends it earlier.",
          "- **Repair**: an event `EVENT_KIND_CREDIT_REPAIR_APPLICATION` (reference_id = the",
          "  information's event id) and an `EVENT_KIND_CREDIT_REPAIR_OUTCOME` (reference_id = the",
          "  application, status `granted` or `rejected`). A grant counts only when the cause and the",
          "  class are repairable, the condition is cleared, and the waiting period (the longer of the",
          "  cause's wait and the class's `repair_after`, counted from identification or clearing) has",
          "  passed; any other grant is reported as `granted_not_eligible` and not applied.",
          "- **Clearing**: for taxes unpaid beyond the limit the information counts, and cannot be",
          "  repaired, until a payment referencing it (reference_id) arrives; the wait and the duration",
          "  count from the payment.",
          f"- **Error tolerance**: a minor piece of a cause without a statutory cap, with no other minor",
          f"  piece in the {TOLERANCE_DAYS} days before it, is tolerated: it never counts ({TOLERANCE_SOURCE}).", "",
          "### Classes", "",
          "| class | grade cap | points | disclosure (days) | repairable | repair after (days) | source |",
          "| --- | --- | --- | --- | --- | --- | --- |"]
    for cls, cap, points, disclosure, repairable, after, source in CLASSES:
        L.append(f"| {cls.lower()} | {cap or '—'} | {points} | {disclosure} | {'yes' if repairable else 'no'} | "
                 f"{after if repairable else '—'} | {md_escape(source)} |")
    L += ["", "### Causes (first match wins)", "",
          "| cause | events | grade cap | default class | duration (days) | repair wait (days) | cleared by | dimension | source |",
          "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for c in CAUSES:
        cleared = "a payment referencing it" if c["cleared"] else "—"
        dur_text = str(c["duration"]) if c["duration"] is not None else "class disclosure"
        wait = str(c["wait"]) if c["repairable"] else "not repairable"
        L.append(f"| `{c['id']}` | {md_escape(c['desc'])} | {c['cap'] or '—'} | {c['cls'].lower()} | {dur_text} | "
                 f"{wait} | {cleared} | {DIM_TITLES[c['dim']]} | {md_escape(c['source'])} |")
    L += ["", "The violation-ratio-and-penalty test computed by the engine itself (`cu02`, `cu03`) is a",
          "**condition trigger**: it caps while the trailing-year condition holds and ends when it no",
          "longer does; an official listing for that test (`dishonest_listing` with attribute",
          "`cause = violation_ratio`) is information with the 6-month repair wait.", "",
          "### Which figures are confirmed", "",
          "The official text of Order 282 was not available; the five grades, the three classes, credit",
          "repair and error tolerance are confirmed by GACC's own interpretation and briefing ([G1], [G2]).",
          "**Every period and point value above is a bundle parameter, unconfirmed for Order 282**: the",
          "waiting periods (1 year, 6 months) and the 2-year end are Order 251's ([S2], [S3]); the class",
          "disclosure periods are the NDRC's general credit-repair measures ([S7]); the tax-arrears wait,",
          "the tolerance window, the class points and caps are synthesis. Change them in",
          "`models/cross-border/make_bundle.py` once the official text is read.", "",
          "## Official grade and reconciliation", "",
          "A request may carry the grade the enterprise officially holds (`enterprise.customs_grade`:",
          "grade, `effective_at`, reference). The response's `compliance.official` compares it with the",
          "engine's grade: `same`, `engine_stricter` (naming the binding triggers), `engine_more_lenient`",
          "(naming repaired or ended information, or saying that no trigger in force supports a",
          "statutory grade), `not_in_force` (effective after as_of) or `unknown_grade`. Decision tables",
          "read `compliance.official_agrees`; `credence report` tabulates official × engine grades.", "",
          "### Sources", ""]
    for key, what, url in SOURCES:
        L.append(f"- [{key}] {what} — {url}")
    L += ["",
          f"## Rules ({len(RULES)})", "",
          "Rule ids start with the dimension (cu customs, tx tax, pf payment and financing, lg",
          "logistics, cp consumer protection, ip intellectual property, cr credentials and",
          "penalties, os operating stability); the reason code is the upper-cased id prefix. Minimum",
          "counts in conditions keep small samples from firing rate rules.", ""]
    for dim in DIMS:
        rs = [r for r in RULES if r["dim"] == dim]
        L.append(f"### {DIM_TITLES[dim]} ({len(rs)})")
        L.append("")
        L.append("| rule | condition | severity | points | outcome | grade cap | criterion | source |")
        L.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for r in rs:
            L.append(f"| `{r['id']}` | `{md_escape(r['cond'])}` | {r['sev'].lower()} | {r['points']} | "
                     f"{(r['outcome'] or '').lower()} | {r['cap'] or ''} | {md_escape(r['desc'])} | {md_escape(r['source'])} |")
        L.append("")
    L += ["## Credit grade (master scale)", "",
          "The credit model's PD maps to a grade (first band whose max PD it does not exceed); nine",
          "grade symbols follow the bank borrower rating symbols of domain §1.2 (AAA … C, here eight",
          "bands, ≥ 7 non-default grades as Basel asks, domain §2.4).", "",
          "| grade | PD ≤ | outcome without a table | limit (CNY) |", "| --- | --- | --- | --- |"]
    for g, pd, oc, lim in MASTER:
        L.append(f"| {g} | {pd} | {oc.lower()} | {lim // 100:,} |")
    L += ["", "The credit model is `cb_scorecard`, the WoE scorecard fitted by `credence fit",
          "--scorecard` on the simulated development cohort (`scripts/build_cross_border.sh`;",
          "figures in `models/cross-border/MODEL_CARD.md`). The hand-set logistic",
          "`cb_pd_placeholder` it replaced stays in the bundle for comparison.", "",
          "## Decision table `policy`", "",
          "Hit policy FIRST: the first row whose credit-grade and compliance-grade entries match",
          "decides the outcome and the financing limit (CNY). Rule hits with an outcome (e.g.",
          "`cu01_smuggling` → reject) still apply: the strictest proposal wins (rule_sets.md).", "",
          "| # | credit grade | compliance grade | outcome | limit (CNY) | why |", "| --- | --- | --- | --- | --- | --- |"]
    for i, (c, k, oc, lim, desc) in enumerate(DECISION):
        L.append(f"| {i} | `{c}` | `{k}` | {oc.lower()} | {limit_text(lim)} | {desc} |")
    L += ["", "**Limits follow the business.** Each approving row's limit is a share of the",
          "enterprise's completed sales over the last 12 months (`order_value_365d_cny`), scaled",
          "by grade and bounded by the row's amount, as a CEL expression (the limit column above;",
          "`credence explain` shows the computation). The bundle's limit cap",
          f"(`decision.limit_cap: {LIMIT_CAP}`) bounds every limit, the master scale's too, at",
          "three times that figure; an enterprise without completed sales gets no limit. The",
          "master scale's limits above apply only when no decision table decides.", ""]
    with open(path, "w") as fh:
        fh.write("\n".join(L))


def main():
    import sys
    import tempfile
    targets = [(write_bundle, os.path.join(ROOT, "models", "cross-border", "bundle.textproto")),
               (write_indicators, os.path.join(ROOT, "docs", "indicators.md")),
               (write_compliance, os.path.join(ROOT, "docs", "compliance.md")),
               (write_blocked_list, os.path.join(ROOT, "models", "cross-border", "lists", "blocked_counterparties.txt")),
               (write_screening_doc, os.path.join(ROOT, "docs", "screening.md"))]
    if "--check" in sys.argv[1:]:
        # CTest: the committed files are what this script generates.
        stale = []
        with tempfile.TemporaryDirectory() as tmp:
            for write, path in targets:
                out = os.path.join(tmp, os.path.basename(path))
                if write is write_bundle:
                    # The model sections depend on files beside the bundle.
                    for f in ("challenger_xgb.json", "challenger_features.json", SCORECARD_FILE):
                        src = os.path.join(os.path.dirname(path), f)
                        if os.path.exists(src):
                            with open(src) as a, open(os.path.join(tmp, f), "w") as b:
                                b.write(a.read())
                write(out)
                with open(out) as a, open(path) as b:
                    if a.read() != b.read():
                        stale.append(os.path.relpath(path, ROOT))
        if stale:
            print("out of date (run python3 models/cross-border/make_bundle.py): " + ", ".join(stale))
            sys.exit(1)
        print("up to date")
        return
    for write, path in targets:
        write(path)
    print(f"{len(FEATURES)} features, {len(RULES)} rules, {len(SCREEN_RULES)} screening rules")


if __name__ == "__main__":
    main()
