"""Catalogue rows for what users feed the scoring commands and the modelling tools: requests
as JSON Lines and as length-delimited binary, and CSV files."""
import json

from common import Case

BUNDLE = ["--bundle", "{f}/starter"]


def jl(*records):
    """JSON Lines from dicts (dumped) and str/bytes (as they are)."""
    out = b""
    for r in records:
        if isinstance(r, dict):
            r = json.dumps(r)
        out += (r.encode("latin-1") if isinstance(r, str) else r) + b"\n"
    return out


def req(fx, i=0, **changes):
    d = fx.request(i)
    d.update(changes)
    return d


def req_event(fx, change, i=0, event=0):
    d = fx.request(i)
    change(d["events"][event])
    return d


def scored(name, make, err, exit=1, fmt=(), stdout="jsonl", pending="", lines=None, **kw):
    """`score` over the records `make(fixtures)` returns: every record gives one output record
    (error records for the bad ones), the run exits 1 and names the first failure."""
    def check(work, code, out, err_text):
        n = len(out.splitlines()) if stdout == "jsonl" else None
        return [] if lines is None or n == lines else ["%s output records, expected %d" %
                                                       (n, lines)]
    return Case(name, ["score"] + BUNDLE + ["--in", "{w}/in.jsonl"] + list(fmt), exit, err,
                files={"in.jsonl": make}, stdout=stdout, pending=pending, check=check, **kw)


def record_error(index, pattern):
    """The stderr summary of a run whose first failure is record `index`."""
    return r"records failed; the first: record %d\b.*%s" % (index, pattern)


REQUESTS_JSON = [
    scored("valid", lambda fx: "\n".join(fx.request_lines) + "\n", "", exit=0, lines=8),
    scored("malformed_line", lambda fx: jl(fx.request_lines[0], "{broken", fx.request_lines[1]),
           record_error(1, "malformed JSON"), lines=3),
    scored("missing_as_of", lambda fx: jl({"request_id": "r1"}),
           record_error(0, r"\(r1\): INVALID_ARGUMENT: as_of"), lines=1),
    scored("unknown_field", lambda fx: jl(req(fx, colour="red")),
           record_error(0, "colour"), lines=1),
    scored("events_object_not_array", lambda fx: jl(req(fx, events={})),
           record_error(0, "events"), lines=1),
    scored("nested_event_arrays", lambda fx: jl(req(fx, events=[fx.request(0)["events"][:2]])),
           record_error(0, r"INVALID_ARGUMENT.*events"), lines=1),
    scored("hundred_thousand_nested_arrays", lambda fx: jl('{"request_id":"n","events":' +
                                                          "[" * 100000 + "]" * 100000 + "}"),
           record_error(0, "INVALID_ARGUMENT"), lines=1),
    scored("bad_event_kind", lambda fx: jl(req_event(fx, lambda e: e.update(kind="EVENT_KIND_X"))),
           record_error(0, "EVENT_KIND_X|kind"), lines=1),
    scored("unknown_currency", lambda fx: jl(req_event(fx, lambda e: e["amount"].update(
        currency_code="XXQ"))), record_error(0, r"events\[0\]\.amount\.currency_code"), lines=1),
    scored("amount_beyond_int64", lambda fx: jl(req_event(fx, lambda e: e["amount"].update(
        minor_units="99999999999999999999"))), record_error(0, "minor_units|range"), lines=1),
    scored("amount_1e400", lambda fx: jl(req_event(fx, lambda e: e["amount"].update(
        minor_units="1e400"))), record_error(0, "minor_units"), lines=1),
    scored("amount_number_1e400", lambda fx: jl(json.dumps(req(fx)).replace(
        '"minor_units": "7917"', '"minor_units": 1e400', 1)),
           record_error(0, "out of range"), lines=1),
    scored("converted_amount_beyond_2_53", lambda fx: jl(req_event(fx, lambda e: e["amount"].update(
        minor_units="9007199254740993", currency_code="GBP"))),
           record_error(0, r"OUT_OF_RANGE.*events\[0\]\.amount"), lines=1),
    scored("time_year_9999", lambda fx: jl(req_event(fx, lambda e: e.update(
        time="9999-01-01T00:00:00Z"))), record_error(0, r"OUT_OF_RANGE|time"), lines=1),
    scored("as_of_year_1", lambda fx: jl(req(fx, as_of="0001-01-01T00:00:00Z")),
           record_error(0, r"as_of"), lines=1),
    scored("invalid_utf8_in_id", lambda fx: jl(json.dumps(req(fx, request_id="ID")).replace(
        '"ID"', '"r\xff\xfe1"')), record_error(0, "UTF-8"), lines=1),
    scored("invalid_utf8_in_value", lambda fx: jl(json.dumps(req(fx)).replace(
        "ent-steady-e1", "ent\xc0\xafe1", 1)), record_error(0, "UTF-8"), lines=1),
    scored("invalid_utf8_in_key", lambda fx: jl('{"request\xe4\xb8_id": "x"}'),
           record_error(0, "UTF-8"), lines=1),
    scored("control_chars_in_id", lambda fx: jl(req(fx, request_id="a\x1b[2J\x07\r\n\x00b")),
           "", exit=0, lines=1),
    scored("long_string_field", lambda fx: jl(req(fx, request_id="r" * 5000)),
           record_error(0, r"OUT_OF_RANGE.*request_id|request_id"), lines=1),
    scored("string_over_4096_bytes", lambda fx: jl(req_event(fx, lambda e: e.update(
        status="s" * 70000))), record_error(0, "OUT_OF_RANGE"), lines=1),
    scored("too_many_attributes", lambda fx: jl(req_event(fx, lambda e: e.update(
        attributes={"a%d" % i: {"string_value": "v"} for i in range(300)}))),
           record_error(0, "OUT_OF_RANGE.*attributes|attributes"), lines=1),
    scored("duplicate_event_ids", lambda fx: jl(req_event(fx, lambda e: e.update(
        id="ent-steady-e2"))), "", exit=0, lines=1),
    scored("blank_and_crlf_lines", lambda fx: "\r\n\r\n".join(fx.request_lines[:3]) + "\r\n\n \t\n",
           "", exit=0, lines=3),
    scored("no_final_newline", lambda fx: "\n".join(fx.request_lines[:2]), "", exit=0, lines=2),
    scored("byte_order_mark", lambda fx: "\ufeff" + "\n".join(fx.request_lines[:2]) + "\n",
           record_error(0, "JSON"), exit=(0, 1), lines=2),
    scored("nul_in_line", lambda fx: jl(fx.request_lines[0][:50] + "\x00" +
                                        fx.request_lines[0][50:]), record_error(0, "JSON"),
           lines=1),
    scored("json_array_of_requests", lambda fx: jl("[" + ",".join(fx.request_lines[:2]) + "]"),
           record_error(0, "JSON|INVALID_ARGUMENT"), lines=1),
    scored("top_level_string", lambda fx: jl('"x"', "42", "null", "true"),
           record_error(0, "JSON|INVALID_ARGUMENT"), lines=4),
    scored("ten_thousand_empty_objects", lambda fx: "{}\n" * 10000,
           r"10000 of 10000 records failed; the first: record 0\b", lines=10000, memory=1 << 30),
    scored("deep_object_nesting", lambda fx: jl('{"enterprise":' * 50000 + "{}" + "}" * 50000),
           record_error(0, "INVALID_ARGUMENT"), lines=1),
    scored("fail_fast", lambda fx: jl(fx.request_lines[0], "{broken", fx.request_lines[1]),
           r"record 1: .*stopping \(--fail-fast\)", fmt=["--fail-fast"], lines=2),
    scored("pb_output_of_errors", lambda fx: jl("{broken", fx.request_lines[0]),
           record_error(0, "JSON"), fmt=["--out-format", "pb"], stdout="pb"),
    Case("summary_of_bad_records", ["score"] + BUNDLE + ["--in", "{w}/in.jsonl", "--summary"], 1,
         record_error(1, "as_of"), files={"in.jsonl": lambda fx: jl(fx.request_lines[0],
                                                                     {"request_id": "x"})},
         stdout="text"),
    Case("explain_pretty_printed_unknown_field", ["explain"] + BUNDLE + ["--in", "{w}/one.json"],
         2, r"one\.json:\d+.*unknown_field",
         files={"one.json": lambda fx: json.dumps(req(fx, unknown_field=1), indent=2)},
         stdout="empty"),
    Case("explain_no_such_id", ["explain"] + BUNDLE + ["--in", "{f}/requests.jsonl",
                                                       "--request-id", "nope"], 2,
         r"no request with id 'nope' in .*requests\.jsonl", stdout="empty"),
    Case("explain_bad_first_record", ["explain"] + BUNDLE + ["--in", "{w}/in.jsonl"], 2,
         r"record 0: .*JSON", files={"in.jsonl": lambda fx: jl("{broken", fx.request_lines[1])},
         stdout="empty"),
    Case("explain_nothing_readable", ["explain"] + BUNDLE + ["--in", "{w}/in.jsonl"], 2,
         r"in\.jsonl(:\d+:\d+)?: malformed JSON", files={"in.jsonl": b"{broken\n{broken\n"},
         stdout="empty"),
    Case("explain_failing_request", ["explain"] + BUNDLE + ["--in", "{w}/in.jsonl"], 1,
         r"request r1 failed: INVALID_ARGUMENT: as_of",
         files={"in.jsonl": b'{"request_id":"r1"}\n'}, stdout="empty"),
    Case("explain_several_without_id", ["explain"] + BUNDLE + ["--in", "{f}/requests.jsonl"], 2,
         r"holds 8 requests; choose one with --request-id", stdout="empty"),
    Case("diff_with_bad_records", ["diff"] + BUNDLE + BUNDLE + ["--in", "{w}/in.jsonl"], 0,
         "", files={"in.jsonl": lambda fx: jl(fx.request_lines[0], "{broken", {"x": 1})},
         stdout="text", check=lambda w, c, out, e: [] if b"2 unreadable" in out else
         ["the unreadable records are not counted"]),
    Case("diff_json_with_bad_records", ["diff"] + BUNDLE + BUNDLE + ["--in", "{w}/in.jsonl",
                                                                      "--json"], 0, "",
         files={"in.jsonl": b"{broken\n"}, stdout="jsonl"),
    Case("report_all_records_bad", ["report"] + BUNDLE + ["--in", "{w}/in.jsonl", "--out",
                                                          "{w}/r.html"], 0, "",
         files={"in.jsonl": b"{broken\n{}\n"},
         check=lambda w, c, out, e: [] if "not defined" in open(w + "/r.html").read() else
         ["no 'not defined' for statistics of an unscored population"]),
    Case("features_with_bad_records", ["features"] + BUNDLE + ["--in", "{w}/in.jsonl", "--out",
                                                               "{w}/f.csv"], 1,
         r"record 1: .*JSON", files={"in.jsonl": lambda fx: jl(fx.request_lines[0], "{broken")},
         outputs_on=(0, 1)),
]

# --- Requests in binary ----------------------------------------------------------------------


def varint(n):
    out = b""
    while n >= 0x80:
        out += bytes([(n & 0x7F) | 0x80])
        n >>= 7
    return out + bytes([n])


def pb(name, make, err, exit=1, fmt=("--format", "pb"), stdout="pb", **kw):
    return Case(name, ["score"] + BUNDLE + ["--in", "{w}/in.bin"] + list(fmt), exit, err,
                files={"in.bin": make}, stdout=stdout, **kw)


def first_record(fx):
    data = fx.requests_pb
    length, shift, i = 0, 0, 0
    while True:
        b = data[i]
        i += 1
        length |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return data[: i + length]


REQUESTS_BINARY = [
    pb("valid", lambda fx: fx.requests_pb, "", exit=0),
    pb("valid_by_extension", lambda fx: fx.requests_pb, "", exit=0, fmt=()),
    pb("jsonl_output", lambda fx: fx.requests_pb, "", exit=0, fmt=("--format", "pb",
                                                                  "--out-format", "jsonl"),
       stdout="jsonl"),
    pb("garbage", bytes(range(1, 256)) * 16, r"DATA_LOSS|OUT_OF_RANGE|record"),
    pb("length_prefix_over_10_bytes", b"\xff" * 11, record_error(0, "malformed length prefix")),
    pb("length_prefix_cut", b"\xff\xff", record_error(0, "inside a length prefix")),
    pb("length_over_256_mib", varint(300 << 20) + b"x", record_error(0, "exceeds the maximum")),
    pb("one_tib_length", varint(1 << 40), record_error(0, "exceeds the maximum")),
    pb("truncated_record", lambda fx: first_record(fx)[:-10], record_error(0, "truncated record")),
    pb("undecodable_then_valid", lambda fx: varint(3) + b"\xff\xff\xff" + first_record(fx),
       record_error(0, "DATA_LOSS")),
    pb("invalid_utf8_request_id", lambda fx: varint(5) + b"\x22\x03r\xff1" + first_record(fx),
       record_error(0, "DATA_LOSS|UTF-8")),
    pb("zero_length_record", lambda fx: b"\x00" + first_record(fx), record_error(0, "as_of")),
    pb("ten_thousand_empty_records", b"\x00" * 10000, record_error(0, "as_of"), memory=1 << 30),
    pb("deep_groups", varint(400000) + b"\xfb\x7f" * 200000, record_error(0, "DATA_LOSS")),
    pb("huge_enum_value", lambda fx: varint(11) + b"\x2a\x09\x18\xff\xff\xff\xff\x07\x0a\x01x",
       record_error(0, "")),
    pb("valid_then_garbage", lambda fx: first_record(fx) + b"\xff\xff\xff\xff",
       record_error(1, "")),
    pb("jsonl_forced_on_binary", lambda fx: fx.requests_pb, record_error(0, "JSON"),
       fmt=("--format", "jsonl"), stdout="jsonl"),
    pb("pb_forced_on_json", lambda fx: "\n".join(fx.request_lines) + "\n", r"failed",
       fmt=("--format", "pb")),
    pb("empty_input", b"", "", exit=0, stdout="empty"),
    Case("explain_binary", ["explain"] + BUNDLE + ["--in", "{f}/requests.pb", "--request-id",
                                                   "req-003"], 0, "", stdout="text"),
    Case("diff_binary_garbage", ["diff"] + BUNDLE + BUNDLE + ["--in", "{w}/in.pb"], 0, "",
         files={"in.pb": b"\xff" * 11}, stdout="text"),
    Case("features_binary_truncated", ["features"] + BUNDLE + ["--in", "{w}/in.pb", "--format",
                                                               "pb", "--out", "{w}/f.csv"], 1,
         r"record 0: .*truncated", files={"in.pb": lambda fx: first_record(fx)[:-3]},
         outputs_on=(0, 1)),
]

# --- CSV -------------------------------------------------------------------------------------


def fit(name, csv, exit, err, extra=(), **kw):
    args = ["fit", "--in", "{w}/t.csv", "--label", "bad", "--out", "{w}/m.textproto"]
    return Case("fit_" + name, args + list(extra), exit, err, files={"t.csv": csv}, **kw)


def metrics(name, csv, exit, err, extra=(), files=None, **kw):
    args = ["metrics", "--in", "{w}/s.csv", "--score", "score", "--label", "bad"]
    return Case("metrics_" + name, args + list(extra), exit, err,
                files=files or {"s.csv": csv}, stdout="jsonl" if exit == 0 else "empty", **kw)


def predict_rows(name, csv, exit, err, **kw):
    args = ["predict", "--model", "{f}/model.json", "--in", "{w}/rows.csv", "--out", "{w}/p.csv"]
    return Case("predict_" + name, args, exit, err, files={"rows.csv": csv}, **kw)


SCORES = "score,bad\n" + "".join("%g,%d\n" % (i / 10, i % 3 == 0) for i in range(30))
CSV = [
    fit("valid", lambda fx: fx.training_csv(), 0, ""),
    fit("empty_file", b"", 1, r"t\.csv"),
    fit("header_only", b"x,y,bad\n", 1, r"t\.csv:1: no rows to fit"),
    fit("ragged_row", lambda fx: fx.training_csv() + "1,2\n", 1, r"t\.csv:202\b"),
    fit("unterminated_quote", lambda fx: fx.training_csv() + '1,"2,0\n', 1,
        r"t\.csv:202\b.*(quote|quoted)"),
    fit("invalid_utf8", lambda fx: fx.training_csv().encode() + b"1,\xff,0\n", 1,
        r"t\.csv:202\b.*UTF-8"),
    fit("byte_order_mark", lambda fx: "\ufeff" + fx.training_csv(), 0, ""),
    fit("crlf", lambda fx: fx.training_csv().replace("\n", "\r\n"), 0, ""),
    fit("nul_in_cell", lambda fx: fx.training_csv() + "1,\x002,0\n", 0,
        r"skipping column 'y': non-numeric value '\\x002' at \S+t\.csv:202"),
    fit("cell_over_one_mib", lambda fx: fx.training_csv() + "1," + "9" * ((1 << 20) + 10) +
        ",0\n", 1, r"t\.csv:202\b",
        check=lambda w, c, o, e: [] if len(e) < 8000 else ["a 1 MB cell echoed in full"]),
    fit("long_non_numeric_cell", lambda fx: "x,y,bad\n" + "".join(
        "%d,%s,%d\n" % (i % 17, "q" * 300000 if i == 5 else str(i % 3),
                        (i % 17 > 9) != (i % 5 == 0)) for i in range(200)), 0,
        r"note: skipping column 'y'",
        check=lambda w, c, o, e: [] if len(e) < 4000 else ["a 300 KB cell echoed in full"]),
    fit("label_two", lambda fx: fx.training_csv() + "1,2,2\n", 1, r"t\.csv:202\b.*label"),
    fit("label_missing", lambda fx: fx.training_csv().replace("bad", "good", 1), 1,
        r"no column 'bad'"),
    fit("infinite_value", lambda fx: fx.training_csv() + "inf,2,0\n", 1, r"t\.csv:202\b.*infinite"),
    fit("duplicate_header", b"x,x,bad\n1,2,0\n", 1, r"t\.csv:1\b"),
    fit("empty_header_name", b"x,,bad\n1,2,0\n", 1, r"t\.csv:1\b"),
    fit("hundred_thousand_and_one_columns", lambda fx: ",".join("c%d" % i for i in range(100001))
        + ",bad\n", 1, r"t\.csv.*(OUT_OF_RANGE|columns)"),
    fit("one_row", b"x,bad\n1,1\n", 1, r""),
    fit("one_class", lambda fx: "x,bad\n" + "".join("%d,0\n" % i for i in range(50)), 1, r""),
    fit("missing_without_impute", lambda fx: fx.training_csv() + ",2,0\n", 1,
        r"t\.csv:202\b.*--impute mean"),
    fit("all_missing_with_impute", lambda fx: "x,e,bad\n" + "".join(
        "%d,,%d\n" % (i % 7, (i % 7 > 3) != (i % 5 == 0)) for i in range(60)), 1,
        r"no value at all", extra=["--impute", "mean"]),
    fit("scorecard_many_categories", lambda fx: "c,x,bad\n" + "".join(
        "k%d,%d,%d\n" % (i, i % 13, (i % 13 > 6) != (i % 7 == 0)) for i in range(20000)),
        (0, 1), r"", extra=["--scorecard", "--categorical", "c"], timeout=180),
    metrics("valid", SCORES, 0, ""),
    metrics("non_numeric_score", SCORES + "abc,1\n", 1, r"s\.csv:32\b.*'abc'"),
    metrics("one_class", "score,bad\n" + "".join("%d,0\n" % i for i in range(20)), 1,
            r"s\.csv.*(good|bad)"),
    metrics("empty_baseline", SCORES, 1, r"e\.csv", extra=["--expected", "{w}/e.csv"],
            files={"s.csv": SCORES, "e.csv": b"score,bad\n"}),
    metrics("huge_score_cell", SCORES + "x" * 500000 + ",1\n", 1, r"s\.csv:32\b",
            check=lambda w, c, o, e: [] if len(e) < 4000 else ["a 500 KB cell echoed in full"]),
    predict_rows("valid", b"f0,f1\n1,2\n", 0, ""),
    predict_rows("non_numeric_cell", b"f0,f1\n1,abc\n", 1, r"rows\.csv:2: column 'f1'"),
    predict_rows("long_non_numeric_cell", "f0,f1\n1," + "z" * 400000 + "\n", 1,
                 r"rows\.csv:2: column 'f1'",
                 check=lambda w, c, o, e: [] if len(e) < 4000 else ["a 400 KB cell echoed"]),
    predict_rows("wrong_cell_count", b"f0,f1\n1,2,3\n", 1, r"rows\.csv:2\b"),
    predict_rows("missing_column", b"f0\n1\n", 1, r"rows\.csv:1: the header has no column"),
    Case("features_labels_duplicate_id", ["features"] + BUNDLE + [
        "--in", "{f}/requests.jsonl", "--labels", "{w}/l.csv", "--out", "{w}/f.csv"], 2,
         r"l\.csv:3\b.*duplicate request_id req-001",
         files={"l.csv": b"request_id,bad\nreq-001,1\nreq-001,0\n"}),
    Case("report_labels_bad_value", ["report"] + BUNDLE + [
        "--in", "{f}/requests.jsonl", "--labels", "{w}/l.csv", "--out", "{w}/r.html"], 2,
         r"l\.csv:2\b.*maybe", files={"l.csv": b"request_id,bad\nreq-001,maybe\n"}),
    Case("report_labels_one_class", ["report"] + BUNDLE + [
        "--in", "{f}/requests.jsonl", "--labels", "{w}/l.csv", "--out", "{w}/r.html"], 0, "",
         files={"l.csv": b"request_id,bad\nreq-001,0\nreq-002,0\n"},
         check=lambda w, c, o, e: [] if "AUC, Gini, KS and KS at PD not defined" in
         open(w + "/r.html").read() else ["AUC shown without labels of both classes"]),
]

CATEGORIES = {
    "requests_json": REQUESTS_JSON,
    "requests_binary": REQUESTS_BINARY,
    "csv": CSV,
}
