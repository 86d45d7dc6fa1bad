"""Catalogue rows for careless and hostile use of the command line itself: options, input
paths, output locations, signals, and data that tries to control the terminal."""
import os
import signal
import stat

from common import Case

IS_ROOT = os.geteuid() == 0  # root reads and writes whatever the mode says
B = ["--bundle", "{f}/starter"]
REQ = ["--in", "{f}/requests.jsonl"]
FIT = ["fit", "--in", "{f}/train.csv", "--label", "bad", "--out", "{w}/m.textproto"]
CARD = FIT + ["--scorecard"]
SIM = ["simulate", "--enterprises", "2", "--seed", "1", "--as-of", "2026-10-01T00:00:00Z"]

# --- Options -----------------------------------------------------------------------------

# Every numeric option of every command, with a value it must accept.
NUMERIC_OPTIONS = [
    (["score"] + B + REQ, "threads", "int"), (["score"] + B + REQ, "summary-rows", "int"),
    (["score"] + B + REQ, "max-reasons", "int"),
    (["explain"] + B + REQ + ["--request-id", "req-001"], "max-reasons", "int"),
    (["diff"] + B + B + REQ, "top", "uint"), (["diff"] + B + B + REQ, "threads", "int"),
    (["report"] + B + REQ + ["--out", "{w}/r.html"], "threads", "int"),
    (["features"] + B + REQ, "threads", "int"),
    (SIM, "threads", "int"), (SIM, "history-days", "int"),
    (["simulate", "--seed", "1", "--as-of", "2026-10-01T00:00:00Z"], "enterprises", "uint"),
    (["simulate", "--enterprises", "1", "--as-of", "2026-10-01T00:00:00Z"], "seed", "uint"),
    (FIT, "l2", "number"), (CARD, "bins", "int"), (CARD, "initial-bins", "int"),
    (CARD, "chi-threshold", "number"), (CARD, "min-bin-share", "number"),
    (CARD, "min-iv", "number"), (CARD, "max-corr", "number"), (CARD, "base-score", "number"),
    (CARD, "base-odds", "number"), (CARD, "pdo", "number"),
    (["metrics", "--in", "{f}/train.csv", "--score", "x", "--label", "bad"], "bins", "int"),
]

# Values no numeric option may accept, with what the message must say.
BAD_VALUES = [
    ("trailing_garbage", "2x", "takes (an|a) "), ("empty", "", "takes (an|a) "),
    ("nan", "nan", "takes (an|a) "), ("hex", "0x10", "takes (an|a) "),
    ("leading_space", " 1", "takes (an|a) "),
    ("beyond_double", "1e400", "(takes an|is out of range|must be in)"),
    ("huge_integer", "99999999999999999999", "(must be in|is out of range)"),
]

# Out-of-range values, one per option where the range is known.
OUT_OF_RANGE = [
    (["score"] + B + REQ, "threads", "257", r"\[0, 256\]"),
    (["score"] + B + REQ, "max-reasons", "65", r"\[0, 64\]"),
    (SIM, "threads", "257", r"\[0, 256\]"), (SIM, "history-days", "29", r"\[30, 3650\]"),
    (["simulate", "--seed", "1", "--as-of", "2026-10-01T00:00:00Z"], "enterprises", "0",
     r"\[1, 10000000\]"),
    (FIT, "l2", "-1", r"\[0, \+inf\)"), (CARD, "bins", "0", r"\[1, 1000\]"),
    (CARD, "min-bin-share", "0.6", r"\[0, 0\.5\]"), (CARD, "max-corr", "0", r"\(0, 1\]"),
    (CARD, "pdo", "0", r"\(0, \+inf\)"), (CARD, "base-odds", "-3", r"\(0, \+inf\)"),
    (["metrics", "--in", "{f}/train.csv", "--score", "x", "--label", "bad"], "bins", "1",
     r"\[2, 1000\]"),
]


def usage(name, args, err, stdout="empty"):
    return Case(name, args, 2, r"credence \S+: [^\n]*" + err + r".*\n\nusage: credence ",
                stdout=stdout)


def option_cases():
    rows = []
    for command, option, kind in NUMERIC_OPTIONS:
        label = command[0] + "_" + option.replace("-", "_")
        for value_name, value, message in BAD_VALUES:
            if kind == "number" and value_name == "huge_integer":
                continue  # a large integer is a valid number
            rows.append(usage("%s_%s" % (label, value_name), command + ["--" + option, value],
                              r"--%s %s" % (option, message)))
    for command, option, value, rng in OUT_OF_RANGE:
        rows.append(usage("%s_%s_out_of_range" % (command[0], option.replace("-", "_")),
                          command + ["--" + option, value], r"--%s must be in %s" % (option, rng)))
    rows += [
        Case("no_command", [], 2, r"usage: credence COMMAND"),
        Case("unknown_command", ["frobnicate"], 2, r"unknown command 'frobnicate'"),
        usage("unknown_option", ["score"] + B + ["--bogus"], r"unknown option --bogus"),
        usage("abbreviated_option", ["score", "--bund", "{f}/starter"], r"unknown option --bund"),
        usage("missing_bundle", ["score"] + REQ, r"--bundle is required"),
        usage("missing_value", ["score"] + B + ["--threads"], r"threads"),
        usage("unexpected_positional", ["score"] + B + ["extra"], r"unexpected argument 'extra'"),
        usage("validate_two_bundles", ["validate", "a", "b"], r"unexpected argument 'b'"),
        usage("validate_no_bundle", ["validate"], r"one BUNDLE is required"),
        usage("diff_one_bundle", ["diff"] + B + REQ, r"--bundle must be given twice"),
        usage("diff_three_bundles", ["diff"] + B + B + B + REQ, r"--bundle must be given twice"),
        usage("format_unknown", ["score"] + B + ["--format", "xml"], r"--format: .*xml"),
        usage("out_format_unknown", ["score"] + B + ["--out-format", "csv"], r"--out-format"),
        usage("features_format_unknown", ["features"] + B + REQ + ["--format", "csv"],
              r"--format must be jsonl or pb, not 'csv'"),
        usage("predict_margin_and_contribs", ["predict", "--model", "m", "--in", "x", "--margin",
                                              "--contribs"], r"exclude each other"),
        usage("fit_impute_with_scorecard", CARD + ["--impute", "mean"], r"--impute does not"),
        usage("fit_bins_without_scorecard", FIT + ["--bins", "5"], r"--bins needs --scorecard"),
        usage("fit_impute_unknown", FIT + ["--impute", "median"], r"--impute must be mean"),
        usage("simulate_bad_as_of", ["simulate", "--enterprises", "1", "--seed", "1", "--as-of",
                                     "yesterday"], r"--as-of must be an RFC 3339 time"),
        usage("simulate_as_of_year_9999", ["simulate", "--enterprises", "1", "--seed", "1",
                                           "--as-of", "9999-01-01T00:00:00Z"],
              r"--as-of must be between 1970 and 2191"),
        usage("simulate_format_unknown", SIM + ["--format", "xml"],
              r"--format must be jsonl or pb"),
        usage("flag_with_value", ["diff"] + B + B + REQ + ["--json=yes"], r"json"),
        usage("cel_conformance_no_file", ["cel-conformance"], r"at least 1 FILE\.jsonl"),
        usage("version_with_argument", ["version", "x"], r"unexpected argument 'x'"),
        usage("escape_in_option_value", ["score"] + B + ["--format", "\x1b[2J\x07"],
              r"--format: .*\\x1b\[2J\\x07"),
        usage("escape_in_unknown_option", ["score"] + B + ["--\x1b[31mred"], r"unknown option"),
    ]
    for command in ("score", "validate", "explain", "diff", "report", "features", "fit",
                    "metrics", "predict", "simulate", "monitor", "screen", "state",
                    "cel-conformance", "version"):
        rows.append(Case("help_" + command.replace("-", "_"), [command, "--help"], 0, r"^$",
                         stdout="text"))
    rows.append(Case("help", ["help"], 0, r"^$", stdout="text"))
    return rows


# --- Input paths -------------------------------------------------------------------------

# Every input option of every command, with the command line around it ({x} is the input).
INPUT_OPTIONS = [
    ("score_in", ["score"] + B + ["--in", "{x}"], "--in", 2),
    ("score_bundle", ["score", "--bundle", "{x}"] + REQ, "--bundle", 2),
    ("explain_in", ["explain"] + B + ["--in", "{x}"], "--in", 2),
    ("diff_in", ["diff"] + B + B + ["--in", "{x}"], "--in", 2),
    ("diff_bundle", ["diff", "--bundle", "{x}"] + B + REQ, "--bundle", 2),
    ("report_in", ["report"] + B + ["--in", "{x}", "--out", "{w}/r.html"], "--in", 2),
    ("report_baseline", ["report"] + B + REQ + ["--baseline", "{x}", "--out", "{w}/r.html"],
     "--baseline", 2),
    ("report_labels", ["report"] + B + REQ + ["--labels", "{x}", "--out", "{w}/r.html"],
     "--labels", 2),
    ("features_in", ["features"] + B + ["--in", "{x}"], "--in", 2),
    ("features_labels", ["features"] + B + REQ + ["--labels", "{x}"], "--labels", 2),
    ("fit_in", ["fit", "--in", "{x}", "--label", "bad", "--out", "{w}/m.txt"], "--in", 2),
    ("metrics_in", ["metrics", "--in", "{x}", "--score", "x", "--label", "bad"], "--in", 2),
    ("metrics_expected", ["metrics", "--in", "{f}/train.csv", "--score", "x", "--label", "bad",
                          "--expected", "{x}"], "--expected", 2),
    ("predict_in", ["predict", "--model", "{f}/model.json", "--in", "{x}"], "--in", 2),
    ("predict_model", ["predict", "--model", "{x}", "--in", "{f}/rows.csv"], "--model", 2),
    ("monitor_in", ["monitor"] + B + ["--in", "{x}", "--labels", "{f}/train.csv", "--json"],
     "--in", 2),
    ("monitor_labels", ["monitor"] + B + REQ + ["--labels", "{x}", "--json"], "--labels", 2),
    ("monitor_baseline", ["monitor"] + B + REQ + ["--labels", "{f}/train.csv", "--baseline",
                                                  "{x}", "--json"], "--baseline", 2),
    ("validate", ["validate", "{x}"], "BUNDLE", 1),
    ("cel_conformance", ["cel-conformance", "{x}"], "FILE", 1),
]
FOLDER_INPUTS = ("--bundle", "--model", "BUNDLE")  # a folder is a bundle


def with_input(args, path):
    return [a.replace("{x}", path) for a in args]


def path_cases():
    rows = []
    for name, args, option, code in INPUT_OPTIONS:
        if option not in FOLDER_INPUTS:
            rows.append(Case(name + "_directory", with_input(args, "{w}"), code,
                             r"%s \S+: is a directory" % option))
        rows.append(Case(name + "_device", with_input(args, "/dev/zero"), code,
                         r"%s /dev/zero: is a character device" % option))
        rows.append(Case(name + "_missing", with_input(args, "{w}/missing"), code,
                         r"%s \S*missing: cannot open: No such file or directory|missing.*"
                         r"(No such file|NOT_FOUND)" % option))
    unreadable = lambda w, fx: os.chmod(os.path.join(w, "secret.jsonl"), 0)
    rows += [
        Case("fifo_score", ["score"] + B + ["--in", "{w}/in.fifo"], 0, "", stdout="jsonl",
             fifos={"in.fifo": (lambda fx: fx.read("requests.jsonl"), False)}),
        Case("fifo_explain", ["explain"] + B + ["--in", "{w}/in.fifo", "--request-id",
                                                "req-004"], 0, "", stdout="text",
             fifos={"in.fifo": (lambda fx: fx.read("requests.jsonl"), False)}),
        Case("fifo_fit", ["fit", "--in", "{w}/in.fifo", "--label", "bad", "--out",
                          "{w}/m.txt"], 0, "",
             fifos={"in.fifo": (lambda fx: fx.read("train.csv"), False)}),
        Case("score_stdin", ["score"] + B + ["--in", "-"], 0, "", stdout="jsonl",
             stdin_path="{f}/requests.jsonl"),
        Case("score_stdin_directory", ["score"] + B, 2, r"stdin is a directory",
             stdin_path="{w}"),
        Case("explain_stdin", ["explain"] + B + ["--in", "-", "--request-id", "req-002"], 0, "",
             stdin_path="{f}/requests.jsonl", stdout="text"),
        Case("unreadable_file", ["score"] + B + ["--in", "{w}/secret.jsonl"], 0 if IS_ROOT else 2,
             "" if IS_ROOT else r"--in \S+secret\.jsonl: cannot open: Permission denied",
             files={"secret.jsonl": lambda fx: fx.request_lines[0] + "\n"}, setup=unreadable),
        Case("dangling_symlink", ["score"] + B + ["--in", "{w}/link"], 2,
             r"--in \S+link: cannot open: No such file",
             setup=lambda w, fx: os.symlink(os.path.join(w, "gone"), os.path.join(w, "link"))),
        Case("symlink_to_file", ["score"] + B + ["--in", "{w}/link"], 0, "", stdout="jsonl",
             setup=lambda w, fx: os.symlink(fx.path("requests.jsonl"), os.path.join(w, "link"))),
        Case("symlink_to_directory", ["score"] + B + ["--in", "{w}/link"], 2, r"is a directory",
             setup=lambda w, fx: os.symlink(w, os.path.join(w, "link"))),
        Case("path_through_a_file", ["score"] + B + ["--in", "{f}/train.csv/x"], 2,
             r"cannot open: Not a directory"),
        Case("path_too_long", ["score"] + B + ["--in", "{w}/" + "x" * 5000], 2,
             r"cannot open: File name too long"),
        Case("escape_in_path", ["score"] + B + ["--in", "{w}/\x1b[2J\x07.jsonl"], 2,
             r"--in \S+\\x1b\[2J\\x07\.jsonl: cannot open"),
        Case("bundle_folder_empty", ["score", "--bundle", "{w}"] + REQ, 2, r"NOT_FOUND"),
        Case("dev_stdin_pipe", ["score"] + B + ["--in", "/dev/stdin"], 0, "", stdout="jsonl",
             stdin=b""),
    ]
    return rows


# --- Output locations ----------------------------------------------------------------------

WRITERS = [
    ("score", ["score"] + B + REQ, "--out"),
    ("report", ["report"] + B + REQ, "--out"),
    ("features", ["features"] + B + REQ, "--out"),
    ("predict", ["predict", "--model", "{f}/model.json", "--in", "{f}/rows.csv"], "--out"),
    ("fit", ["fit", "--in", "{f}/train.csv", "--label", "bad"], "--out"),
    ("fit_report", FIT, "--report"),
    ("fit_logistic_out", CARD, "--logistic-out"),
    ("simulate", SIM, "--out"),
    ("simulate_labels", SIM + ["--out", "{w}/r.jsonl"], "--labels"),
]


def no_such_dir_check(work, code, out, err):
    return [] if ".tmp." not in err else ["the message names the temporary file"]


def output_cases():
    rows = []
    for name, args, option in WRITERS:
        labels_out = ("r.jsonl",) if name == "simulate_labels" else ()
        rows += [
            Case(name + "_no_such_dir", args + [option, "{w}/nodir/x"], 2,
                 r"%s \S+nodir/x: cannot create: No such file or directory" % option,
                 check=no_such_dir_check, outputs=labels_out),
            Case(name + "_is_a_directory", args + [option, "{w}/adir"], 2,
                 r"%s \S+adir: is a directory" % option, outputs=labels_out, kept=("adir",),
                 setup=lambda w, fx: os.mkdir(os.path.join(w, "adir"))),
            Case(name + "_disk_full", args + [option, "/dev/full"], 2,
                 r"%s /dev/full: write failed: No space left on device" % option,
                 outputs=labels_out),
            Case(name + "_read_only_dir", args + [option, "{w}/ro/x"], 0 if IS_ROOT else 2,
                 "" if IS_ROOT else r"cannot create: Permission denied", outputs=labels_out,
                 setup=lambda w, fx: os.mkdir(os.path.join(w, "ro"), 0o555)),
        ]
    for name, args in (("score", ["score"] + B + REQ), ("explain", ["explain"] + B + REQ + [
            "--request-id", "req-001"]), ("diff", ["diff"] + B + B + REQ),
            ("diff_json", ["diff"] + B + B + REQ + ["--json"]), ("validate", ["validate",
                                                                             "{f}/starter"]),
            ("features", ["features"] + B + REQ), ("metrics", ["metrics", "--in", "{f}/train.csv",
                                                                "--score", "x", "--label", "bad"]),
            ("predict", ["predict", "--model", "{f}/model.json", "--in", "{f}/rows.csv"]),
            ("simulate", SIM), ("version", ["version"]), ("help", ["help"]),
            ("score_summary", ["score"] + B + REQ + ["--summary"])):
        rows.append(Case(name + "_stdout_full", args, 2,
                         r"stdout: write failed: No space left on device",
                         stdout_path="/dev/full"))
    rows += [
        Case("out_over_in", ["score"] + B + ["--in", "{w}/in.jsonl", "--out", "{w}/in.jsonl"], 2,
             r"--out and --in name the same file",
             files={"in.jsonl": lambda fx: fx.request_lines[0] + "\n"}, kept=("in.jsonl",)),
        Case("fit_out_is_report", FIT + ["--report", "{w}/m.textproto"], 2,
             r"--report and --out name the same file"),
        Case("fit_report_no_dir_leaves_no_model", FIT + ["--report", "{w}/nodir/r.json"], 2,
             r"--report \S+: cannot create", outputs=("m.textproto",)),
        Case("fit_data_error_leaves_nothing", ["fit", "--in", "{f}/train.csv", "--label", "y",
                                               "--out", "{w}/m.txt", "--report", "{w}/r.json"],
             1, r"label"),
        Case("existing_output_survives_failure", ["score", "--bundle", "{w}/nobundle"] + REQ +
             ["--out", "{w}/keep.jsonl"], 2, r"nobundle", files={"keep.jsonl": b"old\n"},
             kept=("keep.jsonl",), check=lambda w, c, o, e: [] if open(
                 w + "/keep.jsonl", "rb").read() == b"old\n" else ["the old output was changed"]),
        Case("out_to_dev_null", ["score"] + B + REQ + ["--out", "/dev/null"], 0, "",
             check=lambda w, c, o, e: [] if stat.S_ISCHR(os.stat("/dev/null").st_mode) else
             ["/dev/null is no longer a device (written over by a rename)"]),
        Case("out_to_fifo", ["score"] + B + REQ + ["--out", "{w}/o.fifo"], 0, "",
             setup=lambda w, fx: _fifo_reader(os.path.join(w, "o.fifo"))),
        Case("simulate_same_out_and_labels", SIM + ["--out", "{w}/x", "--labels", "{w}/x"], 2,
             r"--labels and --out name the same file"),
        Case("features_out_over_labels", ["features"] + B + REQ + ["--labels", "{w}/l.csv",
                                                                   "--out", "{w}/l.csv"], 2,
             r"name the same file", files={"l.csv": b"request_id,bad\nreq-001,1\n"},
             kept=("l.csv",)),
    ]
    return rows


def _fifo_reader(path):
    import threading
    os.mkfifo(path)

    def drain():
        with open(path, "rb") as f:
            while f.read(65536):
                pass
    threading.Thread(target=drain, daemon=True).start()


# --- Signals -------------------------------------------------------------------------------

def stalled(fx):
    """Three requests, then the stream stalls (the writer holds the FIFO open)."""
    return ("\n".join(fx.request_lines[:3]) + "\n").encode()


def signal_cases():
    rows = []
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE):
        rows.append(Case("score_" + signal.Signals(sig).name.lower(),
                         ["score"] + B + ["--in", "{w}/in.fifo", "--format", "jsonl", "--out",
                                          "{w}/out.jsonl"], None, "", signal=sig,
                         fifos={"in.fifo": (stalled, True)}))
    rows += [
        Case("score_sigkill_leaves_only_a_temporary_file",
             ["score"] + B + ["--in", "{w}/in.fifo", "--out", "{w}/out.jsonl"], None, "",
             signal=signal.SIGKILL, fifos={"in.fifo": (stalled, True)}, tmp_allowed=True),
        Case("report_sigterm", ["report"] + B + ["--in", "{w}/in.fifo", "--out", "{w}/r.html"],
             None, "", signal=signal.SIGTERM, fifos={"in.fifo": (stalled, True)}),
        Case("features_sigint", ["features"] + B + ["--in", "{w}/in.fifo", "--out",
                                                    "{w}/f.csv"], None, "",
             signal=signal.SIGINT, fifos={"in.fifo": (stalled, True)}),
        Case("simulate_sigterm", ["simulate", "--enterprises", "2000000", "--seed", "1",
                                  "--as-of", "2026-10-01T00:00:00Z", "--out", "{w}/r.jsonl",
                                  "--labels", "{w}/l.csv"], None, "", signal=signal.SIGTERM),
        Case("score_output_over_file_size_limit", ["score"] + B + REQ + ["--out",
                                                                          "{w}/out.jsonl"],
             None, "", file_size=4096, dies_by=signal.SIGXFSZ),
        Case("simulate_labels_over_file_size_limit", SIM[:2] + ["500"] + SIM[3:] + [
            "--out", "/dev/null", "--labels", "{w}/l.csv"], None, "", file_size=4096,
             dies_by=signal.SIGXFSZ),
    ]
    return rows


# --- Terminal injection --------------------------------------------------------------------

EVIL = "\x1b[2J\x1b[1;1H\x07\rAPPROVED\x08\x08\xc2\x9b31m\xe2\x80\xae"


def evil_requests(fx):
    import json
    d = fx.request(2)
    d["request_id"] = "req-evil"
    d["enterprise"].update(id="ent" + EVIL, name="n" + EVIL, zone="zone\nforged",
                           sector="s" + EVIL, country="C" + EVIL)
    bad = {"request_id": "bad" + EVIL}
    return (json.dumps(d) + "\n" + json.dumps(bad) + "\n").encode()


def evil_bundle(fx):
    return fx.starter_with([
        ('text: "Card chargebacks in the last 180 days"', 'text: "Chargebacks\\033[2J\\007"'),
        ('message: "{chargebacks_180d} chargebacks in 180 days"', 'message: "\\033]0;x\\007"'),
        ('version: "0.1.0"', 'version: "0.1.0\\033[31m"'),
        ('grade: "CCC"', 'grade: "C\\rCC"'),
    ])


EVIL_FILES = {"in.jsonl": evil_requests, "b/bundle.textproto": evil_bundle}
EB = ["--bundle", "{w}/b"]


def terminal_cases():
    text = lambda name, args, code=0, err="": Case(name, args, code, err, files=EVIL_FILES,
                                                   stdout="text")
    return [
        text("explain_request_fields", ["explain"] + B + ["--in", "{w}/in.jsonl",
                                                          "--request-id", "req-evil"]),
        text("explain_bundle_texts", ["explain"] + EB + ["--in", "{f}/requests.jsonl",
                                                         "--request-id", "req-003"]),
        text("explain_failing_request_id", ["explain"] + B + ["--in", "{w}/in.jsonl",
                                                              "--request-id", "bad" + EVIL], 1,
             r"request bad\\x1b\[2J"),
        text("summary_request_fields", ["score"] + B + ["--in", "{w}/in.jsonl", "--summary"], 1),
        text("summary_bundle_texts", ["score"] + EB + REQ + ["--summary"]),
        text("diff_text", ["diff"] + B + EB + ["--in", "{w}/in.jsonl"]),
        text("validate_bundle_texts", ["validate", "{w}/b"]),
        Case("score_stderr", ["score"] + B + ["--in", "{w}/in.jsonl"], 1,
             r"\(bad\\x1b\[2J\\x1b\[1;1H\\x07\\rAPPROVED", files=EVIL_FILES, stdout="jsonl"),
        Case("score_fail_fast_stderr", ["score"] + B + ["--in", "{w}/in.jsonl", "--fail-fast"],
             1, r"stopping", files=EVIL_FILES, stdout="jsonl"),
        Case("features_stderr", ["features"] + B + ["--in", "{w}/in.jsonl", "--out",
                                                    "{w}/f.csv"], 1, r"record 1 \(bad\\x1b",
             files=EVIL_FILES, outputs_on=(0, 1)),
        Case("fit_note_cell", ["fit", "--in", "{w}/t.csv", "--label", "bad", "--out",
                               "{w}/m.txt"], 0, r"note: skipping column 'y': non-numeric value "
             r"'\\x1b\[2J'", files={"t.csv": lambda fx: fx.training_csv().replace(
                 "\n3,", "\n3,", 1).replace(",3,", ",\x1b[2J,", 1)}),
        Case("metrics_cell", ["metrics", "--in", "{w}/s.csv", "--score", "score", "--label",
                              "bad"], 1, r"holds '\\x07\\x1b\[2J'",
             files={"s.csv": b"score,bad\n1,0\n\x07\x1b[2J,1\n"}),
        Case("predict_cell", ["predict", "--model", "{f}/model.json", "--in", "{w}/r.csv"], 1,
             r"'\\x1b\]0;x\\x07' is not a number", files={"r.csv": b"f0,f1\n1,\x1b]0;x\x07\n"}),
        Case("conformance_case_texts", ["cel-conformance", "{w}/c.jsonl"], 0, "",
             files={"c.jsonl": '{"section": "s", "name": "\\u001b[2J", "expr": "1 + \\u0007",'
                               ' "expect": {"value": {"int": "2"}}}\n'}, stdout="text"),
        Case("bundle_error_source_line", ["validate", "{w}/b"], 1, r"\\x1b\[2J",
             files={"b/bundle.textproto": lambda fx: fx.starter_with(
                 [('base_currency: "USD"', 'base_currency: "USD"\nbogus: "\x1b[2J\x07"')])},
             stdout="text"),
    ]


CATEGORIES = {
    "options": option_cases(),
    "paths": path_cases(),
    "outputs": output_cases(),
    "signals": signal_cases(),
    "terminal": terminal_cases(),
}
