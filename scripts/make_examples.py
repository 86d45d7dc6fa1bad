#!/usr/bin/env python3
"""Writes examples/requests.jsonl: a handful of ScoreRequests for the README demo.

Deterministic (fixed seed). Each line is one credence.v1.ScoreRequest in protobuf's JSON
mapping. The profiles are chosen to exercise the starter bundle: a steady exporter, a seller
with many refunds, one with chargebacks, one with customs findings, one with penalties, a new
enterprise, one trading in several currencies, and one whose history has a duplicate event,
an event after as_of and events out of order.

Run from the repository root: python3 scripts/make_examples.py
"""
import datetime as dt
import json
import random

AS_OF = dt.datetime(2026, 10, 1, tzinfo=dt.timezone.utc)


def ts(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def make(rng, rid, eid, registered_days, orders_per_month, refund_p, chargeback_p,
         inspect_fail_p, penalties, currencies=("USD",), shuffle=False, extras=()):
    events = []
    n = 0

    def add(kind, t, **kw):
        nonlocal n
        n += 1
        e = {"id": f"{eid}-e{n}", "time": ts(t), "kind": kind}
        e.update(kw)
        events.append(e)
        return e["id"]

    start = AS_OF - dt.timedelta(days=min(registered_days, 540))
    days = (AS_OF - start).days
    for d in range(days):
        day = start + dt.timedelta(days=d, hours=rng.randint(8, 20), minutes=rng.randint(0, 59))
        for _ in range(rng.choices([0, 1, 2], weights=[30 - orders_per_month, orders_per_month, 1])[0]
                       if orders_per_month < 30 else 2):
            cur = rng.choice(currencies)
            minor = rng.randint(2000, 90000) if cur != "JPY" else rng.randint(300, 9000)
            oid = add("EVENT_KIND_ORDER", day,
                      amount={"currency_code": cur, "minor_units": str(minor)},
                      counterparty=f"buyer-{rng.randint(1, 60)}",
                      destination_country=rng.choice(["US", "DE", "GB", "FR", "JP"]),
                      channel=rng.choice(["marketplace_a", "own_site"]), status="completed")
            if rng.random() < refund_p:
                add("EVENT_KIND_REFUND", day + dt.timedelta(days=rng.randint(2, 20)),
                    amount={"currency_code": cur, "minor_units": str(minor)}, reference_id=oid)
            if rng.random() < chargeback_p:
                add("EVENT_KIND_CHARGEBACK", day + dt.timedelta(days=rng.randint(10, 40)),
                    amount={"currency_code": cur, "minor_units": str(minor)}, reference_id=oid)
        if d % 14 == 0:
            did = add("EVENT_KIND_CUSTOMS_DECLARATION", day, status="accepted",
                      attributes={"hs_code": {"string_value": "6109100010"}})
            if rng.random() < 0.5:
                add("EVENT_KIND_CUSTOMS_INSPECTION", day + dt.timedelta(days=1),
                    status="failed" if rng.random() < inspect_fail_p else "passed",
                    reference_id=did)
    for k in range(penalties):
        add("EVENT_KIND_ADMINISTRATIVE_PENALTY", AS_OF - dt.timedelta(days=60 + 200 * k),
            amount={"currency_code": "USD", "minor_units": "500000"}, status="final",
            counterparty="customs")
    for kind, t, kw in extras:
        add(kind, t, **kw)
    events = [e for e in events if e["time"] <= ts(AS_OF + dt.timedelta(days=60))]
    if shuffle:
        rng.shuffle(events)
    req = {
        "request_id": rid,
        "as_of": ts(AS_OF),
        "enterprise": {
            "id": eid,
            "name": f"Example enterprise {eid}",
            "registered_at": ts(AS_OF - dt.timedelta(days=registered_days)),
            "zone": "CBEC pilot zone Hangzhou",
            "sector": "apparel",
            "country": "CN",
        },
        "events": events,
    }
    return req


def main():
    rng = random.Random(20261129)
    reqs = [
        make(rng, "req-001", "ent-steady", 2400, 20, 0.02, 0.0, 0.0, 0),
        make(rng, "req-002", "ent-refunds", 1500, 18, 0.30, 0.01, 0.05, 0),
        make(rng, "req-003", "ent-chargebacks", 900, 15, 0.06, 0.08, 0.0, 0),
        make(rng, "req-004", "ent-customs", 1800, 12, 0.04, 0.0, 0.6, 1),
        make(rng, "req-005", "ent-penalised", 700, 10, 0.08, 0.02, 0.2, 3),
        make(rng, "req-006", "ent-new", 45, 6, 0.05, 0.0, 0.0, 0),
        make(rng, "req-007", "ent-multicurrency", 2000, 22, 0.03, 0.0, 0.02, 0,
             currencies=("USD", "EUR", "CNY", "JPY", "GBP")),
    ]
    # Messy history: shuffled, one duplicate id, one event after as_of.
    messy = make(rng, "req-008", "ent-messy", 1200, 14, 0.05, 0.01, 0.1, 0, shuffle=True,
                 extras=[("EVENT_KIND_ORDER", AS_OF + dt.timedelta(days=3),
                          {"amount": {"currency_code": "USD", "minor_units": "12500"}})])
    dup = dict(messy["events"][0])
    messy["events"].append(dup)
    reqs.append(messy)
    with open("examples/requests.jsonl", "w") as f:
        for r in reqs:
            f.write(json.dumps(r, separators=(",", ":"), sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
