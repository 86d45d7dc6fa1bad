"""Catalogue rows for the engine's own inputs: bundles in text, JSON and binary format, CEL
(rule conditions and conformance files) and model files (XGBoost JSON, LightGBM text)."""
import json
import os
import random
import re

from common import (TREE_MODEL_LGB, TREE_MODEL_XGB, Case, stump_with, xgboost_model)

SCORE_OUT = ["--in", "{f}/requests.jsonl", "--out", "{w}/out.jsonl"]
TEXT_AT = r"b/bundle\.textproto:\d+:\d+: error: "  # validate's compiler-style location


def located_if_failed(pattern):
    """For inputs a command may accept or refuse: when it refuses, stderr matches `pattern`."""
    def check(work, code, out, err):
        return [] if code == 0 or re.search(pattern, err) else [
            "refused without matching %r" % pattern]
    return check


def text_bundle(fn):
    return {"b/bundle.textproto": fn}


def validate(name, files, err, exit=1, pending="", **kw):
    return Case(name, ["validate", "{w}/b"], exit, err, files=files, stdout="text",
                pending=pending, **kw)


def score(name, files, err, exit=2, pending="", **kw):
    return Case(name, ["score", "--bundle", "{w}/b"] + SCORE_OUT, exit, err, files=files,
                pending=pending, **kw)


def both(name, files, validate_err, score_err, pending="", **kw):
    """The defect found by `validate` (exit 1) and by `score` (exit 2, no output)."""
    return [validate(name, files, validate_err, pending=pending, **kw),
            score(name + "_score", files, score_err, pending=pending, **kw)]


def edit(old, new="", extra=""):
    return lambda fx: fx.starter_with([(old, new)] if old else [], extra)


def rule(condition, extra=""):
    return ('rule_sets { id: "h" rules { id: "r" dimension: DIMENSION_CUSTOMS '
            'severity: SEVERITY_LOW condition: %s points: -1 message: "m" %s } }\n'
            % (json.dumps(condition), extra))


def many_features(n):
    return "".join('features { name: "f%d" filter { kinds: EVENT_KIND_ORDER } '
                   'window { trailing { seconds: 86400 } } aggregate { op: AGGREGATE_OP_COUNT } }\n'
                   % i for i in range(n))


def unique_table(rows):
    """A UNIQUE decision table of `rows` disjoint numeric rows (cause 9: O(n log n))."""
    body = "".join('  rows { input_entries: "[%d..%d)" output_entries: "\\"REVIEW\\"" }\n'
                   % (i, i + 1) for i in range(rows))
    return ('decision_tables {\n  id: "big"\n  hit_policy: DECISION_HIT_POLICY_UNIQUE\n'
            '  inputs { name: "o" expression: "orders_90d" }\n  outputs { name: "outcome" }\n'
            + body + '}\n')


# --- Bundles in text format ---------------------------------------------------------------

BUNDLE_TEXT = [
    *both("truncated", text_bundle(lambda fx: "\n".join(fx.starter_text.splitlines()[:30])),
          r"b/bundle\.textproto:3[01]:\d+: error: ", r"bundle\.textproto:3[01]:\d+: "),
    *both("unknown_top_level_field", text_bundle(edit('base_currency: "USD"',
                                                      'base_currency: "USD"\nbogus_field: 1')),
          TEXT_AT + r'.*no field named "bogus_field"', r'bundle\.textproto:\d+:\d+: .*bogus_field'),
    *both("unknown_nested_field", text_bundle(edit('name: "orders_90d"',
                                                   'name: "orders_90d"\n  colour: "red"')),
          TEXT_AT + r".*colour", r"bundle\.textproto:\d+:\d+: .*colour"),
    *both("string_for_number", text_bundle(edit("points: -25", 'points: "many"')),
          TEXT_AT, r"bundle\.textproto:\d+:\d+: "),
    *both("unterminated_string", text_bundle(edit('version: "0.1.0"', 'version: "0.1.0')),
          TEXT_AT, r"bundle\.textproto:\d+:\d+: "),
    *both("unknown_enum", text_bundle(edit("DIMENSION_CUSTOMS weight: 3",
                                           "DIMENSION_SPACE weight: 3")),
          TEXT_AT + r".*DIMENSION_SPACE", r"bundle\.textproto:\d+:\d+: "),
    *both("duplicate_feature", text_bundle(edit("", extra=many_features(1) + many_features(1))),
          TEXT_AT + r".*f0", r"bundle\.textproto:\d+:\d+: .*f0"),
    *both("unknown_model_feature", text_bundle(edit('feature: "penalties_3y" coefficient',
                                                    'feature: "nope" coefficient')),
          TEXT_AT + r".*nope.*\[models\[0\]\.logistic\.terms\[3\]\.feature\]",
          r"bundle\.textproto:\d+:\d+: models\[0\]\.logistic\.terms\[3\]\.feature"),
    *both("negative_window", text_bundle(edit("trailing { seconds: 7776000 } }\n  aggregate { op: "
                                              "AGGREGATE_OP_COUNT }",
                                              "trailing { seconds: -5 } }\n  aggregate { op: "
                                              "AGGREGATE_OP_COUNT }")),
          TEXT_AT + r".*window", r"bundle\.textproto:\d+:\d+: "),
    *both("missing_credit_model", text_bundle(edit('model: "starter_pd"', 'model: "gone"')),
          TEXT_AT + r".*gone", r"bundle\.textproto:\d+:\d+: .*gone"),
    *both("grade_scale_unsorted", text_bundle(edit("max_pd: 0.007", "max_pd: 0.0001")),
          TEXT_AT, r"bundle\.textproto:\d+:\d+: "),
    *both("nesting_bomb", text_bundle(lambda fx: "metadata { " * 20000),
          r"bundle\.textproto:1:\d+: error: ", r"bundle\.textproto:1:\d+: "),
    *both("nul_bytes", text_bundle(edit('version: "0.1.0"', 'version: "0.1.0"\x00\x00')),
          r"bundle\.textproto:\d+:\d+: error: ", r"bundle\.textproto:\d+:\d+: "),
    *both("invalid_utf8_description", text_bundle(edit('description: "Foundation',
                                                       'description: "\udcff\udcfeFoundation')),
          TEXT_AT + r".*UTF-8", r"bundle\.textproto:\d+:\d+: .*UTF-8"),
    *both("invalid_utf8_version", text_bundle(edit('version: "0.1.0"', 'version: "0.1.\udcc0"')),
          TEXT_AT + r".*UTF-8", r"bundle\.textproto:\d+:\d+: .*UTF-8"),
    *both("too_many_features", text_bundle(edit("", extra=many_features(10001))),
          r"error: .*10,?000", r"OUT_OF_RANGE: .*10,?000", timeout=240),
    *both("empty_file", text_bundle(""), r"error: .*metadata\.name", r"metadata\.name"),
    *both("model_path_escapes", text_bundle(edit("", extra=TREE_MODEL_XGB % "../model.json")),
          r"error: .*leaves the bundle's folder", r"leaves the bundle's folder"),
    *both("model_path_absolute", text_bundle(edit("", extra=TREE_MODEL_XGB % "/etc/passwd")),
          r"error: .*relative path inside the bundle's folder", r"relative path"),
    validate("crlf_line_ends", text_bundle(lambda fx: fx.starter_text.replace("\n", "\r\n")),
             "", exit=0),
    validate("byte_order_mark", text_bundle(lambda fx: "\ufeff" + fx.starter_text),
             "", exit=(0, 1), check=located_if_failed(r"bundle\.textproto:1:1: error: ")),
    validate("huge_description", text_bundle(edit('description: "Foundation',
                                                  'description: "' + "x" * (8 << 20))),
             "", exit=0),
    validate("huge_source_line_is_cut", text_bundle(edit("", extra=rule("1 + " + " " * 100000 +
                                                                       "nope > 0"))),
             TEXT_AT + r".*(nope|expression is \d+ bytes, over the limit)",
             check=lambda w, code, out, err: [] if len(err) < 8000 else
             ["a 100 KB line echoed in full (%d bytes of stderr)" % len(err)]),
    validate("unique_table_30000_rows", text_bundle(edit("", extra=unique_table(30000))),
             "", exit=0, timeout=30),
    Case("bundle_file_not_folder", ["validate", "{w}/b.textproto"], 0, r"",
         files={"b.textproto": lambda fx: fx.starter_text}, stdout="text"),
    Case("folder_without_bundle", ["validate", "{w}/empty"], 1, r"NOT_FOUND",
         setup=lambda w, fx: os.mkdir(os.path.join(w, "empty")), stdout="text"),
    Case("bundle_over_one_gib", ["validate", "{w}/big.textproto"], 1,
         r"big\.textproto.*(larger than|1 GiB|1073741824)",
         setup=lambda w, fx: os.truncate(os.path.join(w, "big.textproto"), (1 << 30) + 1),
         files={"big.textproto": ""}, stdout="text", timeout=240),
]

# --- Bundles in JSON -------------------------------------------------------------------------


def json_bundle(fn):
    return {"b/bundle.json": fn}


def starter_dict(fx):
    return json.loads(fx.starter_json)


def json_edit(change):
    """The starter bundle as JSON, changed by `change(dict)`."""
    def make(fx):
        d = starter_dict(fx)
        change(d)
        return json.dumps(d)
    return make


def nest(depth, inner="[]"):
    return "[" * depth + inner + "]" * depth


JSON_AT = r"bundle\.json:\d+:\d+"
BUNDLE_JSON = [
    validate("valid", json_bundle(lambda fx: fx.starter_json), "", exit=0),
    *both("syntax_error", json_bundle(lambda fx: fx.starter_json[:200] + ",,}"),
          JSON_AT + r".*error", JSON_AT),
    *both("syntax_error_in_pretty_json",
          json_bundle(lambda fx: json.dumps(starter_dict(fx), indent=2).replace(
              '"base_currency"', '"base_currency" "USD",', 1)),
          r"bundle\.json:\d+:\d+", r"bundle\.json:\d+:\d+"),
    *both("truncated", json_bundle(lambda fx: fx.starter_json[: len(fx.starter_json) // 2]),
          JSON_AT + r".*error", JSON_AT),
    *both("unknown_field", json_bundle(json_edit(lambda d: d.update(bogus=1))),
          r"bundle\.json.*bogus", r"bogus"),
    *both("object_for_array", json_bundle(json_edit(lambda d: d.update(features={}))),
          r"bundle\.json.*features", r"features"),
    *both("nested_arrays", json_bundle(json_edit(lambda d: d.update(features=[d["features"]]))),
          r"features", r"INVALID_ARGUMENT: .*features"),
    *both("hundred_thousand_nested_arrays",
          json_bundle(lambda fx: fx.starter_json[:-1] + ', "reason_codes": ' + nest(100000) + "}"),
          r"reason_codes", r"INVALID_ARGUMENT"),
    *both("number_out_of_range", json_bundle(
        lambda fx: fx.starter_json.replace('"pdo":20', '"pdo":1e400', 1)
        if '"pdo":20' in fx.starter_json else fx.starter_json.replace('"pdo": 20', '"pdo": 1e400')),
          r"out of range", r"out of range"),
    *both("string_for_number", json_bundle(json_edit(
        lambda d: d["credit"]["scaling"].update(pdo="twenty"))),
          r"bundle\.json.*pdo", r"pdo"),
    *both("number_for_string", json_bundle(json_edit(lambda d: d.update(base_currency=840))),
          r"bundle\.json.*base_currency", r"base_currency"),
    *both("unknown_enum_string", json_bundle(json_edit(
        lambda d: d["features"][0].update(dimension="DIMENSION_SPACE"))),
          r"bundle\.json.*DIMENSION_SPACE", r"DIMENSION_SPACE"),
    # proto3 enums are open: an unknown number may be kept (it is then no dimension).
    validate("enum_number_unknown", json_bundle(json_edit(
        lambda d: d["features"][0].update(dimension=99999))), "", exit=(0, 1),
             check=located_if_failed(r"bundle\.json.*(dimension|99999)")),
    *both("deep_objects", json_bundle(lambda fx: '{"metadata":' * 100000 + "{}" + "}" * 100000),
          r"bundle\.json.*error", r"bundle\.json"),
    *both("invalid_utf8", json_bundle(lambda fx: fx.starter_json.replace(
        "Foundation", "Found\xff\xfeation").encode("latin-1")),
          r"bundle\.json.*UTF-8", r"UTF-8"),
    *both("metadata_is_a_string", json_bundle(json_edit(lambda d: d.update(metadata="x"))),
          r"bundle\.json.*metadata", r"metadata"),
    *both("top_level_array", json_bundle("[1, 2, 3]"), r"bundle\.json.*error", r"bundle\.json"),
    *both("huge_integer_literal", json_bundle(json_edit(lambda d: d.update(
        fx_rates=[{"currency_code": "EUR", "rate": "1" + "0" * 100000}]))),
          r"rate", r"rate"),
    validate("empty_object", json_bundle("{}"), r"metadata\.name", exit=1),
    validate("byte_order_mark", json_bundle(lambda fx: "\ufeff" + fx.starter_json),
             "", exit=(0, 1), check=located_if_failed(r"bundle\.json.*error")),
    validate("nulls", json_bundle(json_edit(lambda d: d.update(fx_rates=None))),
             "", exit=0),
    validate("duplicate_keys", json_bundle(lambda fx: fx.starter_json[:-1] +
                                           ', "base_currency": "EUR"}'),
             r"", exit=(0, 1)),
    validate("very_long_key", json_bundle(lambda fx: '{"' + "k" * (4 << 20) + '": 1}'),
             r"bundle\.json.*error", exit=1,
             check=lambda w, code, out, err: [] if len(err) < 8000 else
             ["a 4 MB key echoed in full"]),
]

# --- Bundles in binary -----------------------------------------------------------------------


def bin_bundle(fn):
    return {"b/bundle.binpb": fn}


def flipped(seed):
    def make(fx):
        data = bytearray(fx.starter_binary)
        rng = random.Random(seed)
        for _ in range(3):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        return bytes(data)
    return make


BUNDLE_BINARY = [
    validate("valid", bin_bundle(lambda fx: fx.starter_binary), "", exit=0),
    *both("garbage", bin_bundle(bytes(range(256)) * 4), r"bundle\.binpb.*error",
          r"bundle\.binpb"),
    *both("truncated", bin_bundle(lambda fx: fx.starter_binary[: len(fx.starter_binary) // 2]),
          r"bundle\.binpb.*(DATA_LOSS|malformed)", r"bundle\.binpb"),
    *both("huge_length_prefix", bin_bundle(b"\x0a\xff\xff\xff\xff\x07abc"),
          r"bundle\.binpb.*error", r"bundle\.binpb"),
    *both("invalid_utf8_string", bin_bundle(lambda fx: b"\x0a\x07\x0a\x05st\xffrt" +
                                            fx.starter_binary),
          r"bundle\.binpb: error: .*UTF-8", r"credence score: \w+: .*UTF-8"),
    *both("deep_unknown_groups", bin_bundle(b"\xfb\x7f" * 200000),
          r"bundle\.binpb.*error", r"bundle\.binpb"),
    # A known field number with another wire type is an unknown field to protobuf.
    validate("wrong_wire_type", bin_bundle(lambda fx: b"\x0d\x00\x00\x00\x00" +
                                           fx.starter_binary), "", exit=(0, 1),
             check=located_if_failed(r"bundle\.binpb.*error")),
    *both("empty_file", bin_bundle(b""), r"error", r"error|INVALID_ARGUMENT|NOT_FOUND"),
    validate("unknown_field_kept", bin_bundle(lambda fx: fx.starter_binary + b"\xf8\x8b\x04\x01"),
             "", exit=(0, 1), check=located_if_failed(r"bundle\.binpb.*error")),
    validate("trailing_garbage", bin_bundle(lambda fx: fx.starter_binary + b"\xff\xff\xff"),
             r"bundle\.binpb.*error", exit=1),
    Case("binary_named_textproto", ["validate", "{w}/b/bundle.textproto"], 1,
         r"bundle\.textproto.*error", files={"b/bundle.textproto": lambda fx: fx.starter_binary},
         stdout="text"),
    *[validate("bit_flips_%d" % seed, bin_bundle(flipped(seed)), r"", exit=(0, 1))
      for seed in range(8)],
]

# --- CEL: rule conditions and conformance files ----------------------------------------------

COND_AT = TEXT_AT + r".*rule 'r': condition \d+:\d+: "


def cel_error(name, condition, message, pending="", exit=1, **kw):
    return validate(name, text_bundle(edit("", extra=rule(condition))),
                    COND_AT + ".*(" + message + ")",
                    pending=pending, exit=exit, **kw)


def cel_score(name, condition, err="", pending="", exit=0, **kw):
    """A condition that compiles; scoring the examples must end normally (a rule that cannot
    be evaluated is an errored hit, not a failed run)."""
    return Case(name, ["score", "--bundle", "{w}/b"] + SCORE_OUT, exit, err,
                files=text_bundle(edit("", extra=rule(condition))), pending=pending,
                outputs_on=(0, 1), **kw)


def bomb(levels):
    """enterprise.name, each level replacing 'e' by the level below: a string of doubly
    exponential length from an expression of 2^levels copies."""
    x = "enterprise.name"
    for _ in range(levels):
        x = "%s.replace('e', %s)" % (x, x)
    return x


def conformance(name, lines, exit, err="", **kw):
    data = lines if isinstance(lines, (bytes, str)) else "\n".join(lines) + "\n"
    return Case(name, ["cel-conformance", "{w}/cases.jsonl"], exit, err,
                files={"cases.jsonl": data}, stdout="text", **kw)


ONE_CASE = '{"section": "s", "name": "%s", "expr": %s, "expect": {"value": {"int": "2"}}}'

CEL = [
    cel_error("syntax_error", "1 +", "Syntax error"),
    cel_error("undeclared", "nope > 1", "undeclared reference to 'nope'"),
    cel_error("type_mismatch", 'orders_90d > "x"', "no matching overload"),
    cel_error("paren_nesting", "(" * 300 + "1" + ")" * 300 + " > 0", "nesting"),
    cel_error("list_nesting", "[" * 5000 + "]" * 5000 + " == []", "nesting"),
    cel_error("unary_nesting", "!" * 10000 + "true", "nesting|Syntax"),
    cel_error("ternary_chain", " ? ".join(["true"] * 3000) + " : false" * 2999,
              "nesting|Syntax|exceeds"),
    cel_error("unterminated_string", "'abc", "Syntax error|unterminated"),
    cel_error("bad_escape", r"'\q' == 'q'", "Syntax error|escape"),
    cel_error("invalid_regex", "enterprise.name.matches('(')", "regular expression|regex|matches"),
    cel_error("integer_literal_overflow", "99999999999999999999 > 0", "range|overflow|Syntax"),
    cel_error("macro_misuse", "[1].all(1)", "all|macro|Syntax"),
    cel_error("has_on_literal", "has(1)", "has|macro|Syntax"),
    validate("empty_condition", text_bundle(edit("", extra=rule(""))),
             TEXT_AT + r"rule 'r': condition is required \[rule_sets\[1\]\.rules\[0\]"),
    cel_error("comment_only", "// nothing", "Syntax error|empty"),
    cel_error("non_bool_condition", "orders_90d + 1.0", "bool"),
    # The byte 0xFF itself inside the condition (surrogateescape writes it raw): the whole
    # file is checked first, so the error is located at its line and column.
    validate("invalid_utf8_condition",
             text_bundle(edit("", extra=rule("'x' == 'x'").replace("'x' == 'x'", "'\udcff' == 'x'"))),
             TEXT_AT + ".*UTF-8"),
    cel_error("deep_comprehension", "[1].all(a, " * 200 + "true" + ")" * 200, "nesting|exceeds"),
    validate("long_conjunction", text_bundle(edit("", extra=rule(
        " && ".join("orders_90d > %d.0" % i for i in range(20000))))),
             "", exit=(0, 1), timeout=120, check=located_if_failed(COND_AT)),
    validate("huge_string_literal", text_bundle(edit("", extra=rule(
        "enterprise.name == '" + "x" * (1 << 20) + "'"))), r"", exit=(0, 1)),
    validate("unicode_strings", text_bundle(edit("", extra=rule(
        "enterprise.name.contains('\u4e2d\u56fd\u202e') || enterprise.zone == '\U0001F600'"))),
             "", exit=0),
    cel_score("catastrophic_regex", "enterprise.name.matches('(a+)+b')"),
    cel_score("division_by_zero", "orders_90d / 0.0 > 1.0"),
    cel_score("int_overflow_at_runtime", "int(orders_90d) * 9223372036854775807 > 0"),
    cel_score("string_bomb", bomb(6) + ".size() > 0", memory=1 << 30),
    cel_score("split_bomb", bomb(4) + ".split('').size() > 0", memory=1 << 30),
    cel_score("join_bomb", "[" + ",".join([bomb(4)] * 4) + "].join(" + bomb(3) + ").size() > 0",
              memory=1 << 30),
    cel_score("list_bomb", "[1,2,3,4,5,6,7,8].map(a, [1,2,3,4,5,6,7,8].map(b, [1,2,3,4,5,6,7,8]"
              ".map(c, [1,2,3,4,5,6,7,8].map(d, [1,2,3,4,5,6,7,8])))).size() > 0"),
    conformance("valid", [ONE_CASE % ("a", '"1 + 1"')], 0),
    conformance("empty_file", b"", 1, r"no cases"),
    conformance("blank_lines_only", "\n" * 10000, 1, r"no cases"),
    conformance("not_json", ["this is not json", ONE_CASE % ("a", '"1 + 1"')], 0),
    conformance("binary_garbage", bytes(range(256)) * 64, 0),
    conformance("invalid_utf8", [b'{"name": "\xff", "expr": "1"}'.decode("latin-1")], 0),
    conformance("nul_bytes", ['{"name": "a\x00b", "expr": "1 + 1"}'], 0),
    conformance("deep_json", ['{"name": "d", "expr": "1", "expect": ' + "[" * 100000 + "]" *
                              100000 + "}"], 0),
    conformance("huge_expression", [ONE_CASE % ("h", json.dumps(" + ".join(["1"] * 50000)))], 0,
                timeout=120),
    conformance("nested_expression", [ONE_CASE % ("n", json.dumps("(" * 10000 + "1" +
                                                                  ")" * 10000))], 0),
    conformance("escape_in_name", [ONE_CASE % ("\\u001b[2J\\u0007", '"1 + 2"')], 0),
    conformance("huge_line", [ONE_CASE % ("x" * (16 << 20), '"1 + 1"')], 0, timeout=120),
]

# --- Model files -----------------------------------------------------------------------------


def predict(name, model, exit, err, pending="", model_name="model.json", **kw):
    return Case(name, ["predict", "--model", "{w}/" + model_name, "--in", "{f}/rows.csv",
                       "--out", "{w}/preds.csv"], exit, err, files={model_name: model},
                pending=pending, **kw)


def bundled(name, model, err, pending="", model_name="model.json", lightgbm=False, **kw):
    """The model file referenced by a tree_ensemble model of the starter bundle: validate
    (exit 1) and score (exit 2) must both refuse it."""
    extra = (TREE_MODEL_LGB if lightgbm else TREE_MODEL_XGB) % model_name
    files = {"b/bundle.textproto": edit("", extra=extra), "b/" + model_name: model}
    return [validate("bundled_" + name, files, err, pending=pending, **kw),
            score("bundled_%s_score" % name, files, err, pending=pending, **kw)]


def model_edit(change):
    def make(fx):
        d = json.loads(xgboost_model())
        change(d["learner"])
        return json.dumps(d)
    return make


def linked(target, link):
    def setup(work, fx):
        os.makedirs(os.path.join(work, "b"), exist_ok=True)
        os.symlink(target.format(w=work, f=fx.dir), os.path.join(work, "b", link))
    return setup


XGB_TREE = r"(tree 0|trees\[0\])"  # the tree must be named
LIGHTGBM = [
    ("truncated", lambda fx: fx.lightgbm[: len(fx.lightgbm) // 2], r"lightgbm|Tree|truncated", ""),
    ("declared_million_trees", lambda fx: fx.lightgbm.replace("tree_sizes=400 400 100",
                                                              "tree_sizes=" + " ".join(
                                                                  ["400"] * 1000000)),
     r"tree", "lib:13 declared and present tree counts must agree"),
    ("num_leaves_mismatch", lambda fx: fx.lightgbm.replace("num_leaves=4", "num_leaves=9", 1),
     r"Tree=0|tree 0|num_leaves|leaf", ""),
    ("child_out_of_range", lambda fx: fx.lightgbm.replace("left_child=1 -1 -3",
                                                          "left_child=7 -1 -3", 1),
     r"Tree=0|tree 0|child", ""),
    ("huge_num_leaves", lambda fx: fx.lightgbm.replace("num_leaves=4", "num_leaves=1000000000",
                                                       1),
     r"Tree=0|tree 0|num_leaves|leaf", ""),
    ("threshold_not_a_number", lambda fx: fx.lightgbm.replace("threshold=1.5 -0.5 3",
                                                              "threshold=x -0.5 3", 1),
     r"threshold", ""),
    ("garbage", lambda fx: bytes(range(256)) * 8, r"model|LightGBM|tree", ""),
    ("empty", "", r"model|LightGBM|empty|tree", ""),
    ("no_trees", lambda fx: fx.lightgbm.split("Tree=0")[0], r"tree", ""),
    ("cat_boundaries_out_of_range", lambda fx: fx.lightgbm.replace("cat_boundaries=0 2",
                                                                   "cat_boundaries=0 99", 1),
     r"Tree=1|tree 1|cat", ""),
]

XGBOOST = [
    ("truncated", lambda fx: xgboost_model()[:300], r"XGBoost|JSON", ""),
    ("not_an_object", "[1, 2, 3]", r"XGBoost|learner|object", ""),
    ("trees_not_an_array", model_edit(lambda l: l["gradient_booster"]["model"].update(trees={})),
     r"field 'trees'", ""),
    ("tree_not_an_object", lambda fx: xgboost_model(trees=["7"]), XGB_TREE, ""),
    ("declared_million_trees", lambda fx: xgboost_model(num_trees=1000000), r"num_trees|tree",
     "lib:13 declared and present tree counts must agree"),
    ("tree_info_short", lambda fx: xgboost_model(tree_info=""), r"tree_info", ""),
    ("child_out_of_range", lambda fx: xgboost_model(trees=[stump_with(left_children=[9, -1, -1])]),
     XGB_TREE, ""),
    ("child_cycle", lambda fx: xgboost_model(trees=[stump_with(left_children=[0, -1, -1])]),
     XGB_TREE, ""),
    ("negative_child", lambda fx: xgboost_model(trees=[stump_with(right_children=[-7, -1, -1])]),
     XGB_TREE, ""),
    ("split_index_beyond_features",
     lambda fx: xgboost_model(trees=[stump_with(split_indices=[99, 0, 0])]), XGB_TREE, ""),
    ("arrays_of_different_lengths",
     lambda fx: xgboost_model(trees=[stump_with(split_conditions=[0.5])]), XGB_TREE,
     "lib:12 XGBoost errors name the tree and field"),
    ("base_score_not_a_number", lambda fx: xgboost_model(base_score="abc"), r"base_score",
     "lib:12 XGBoost errors name the tree and field"),
    ("base_score_out_of_range", lambda fx: xgboost_model(base_score="1e400"),
     r"base_score.*(range|1e400)", "lib:12 1e400 is a number out of range"),
    ("unknown_objective", lambda fx: xgboost_model(objective="rank:ndcg"), r"objective", ""),
    ("negative_num_feature", lambda fx: xgboost_model(num_feature="-1"), r"num_feature", ""),
    ("huge_num_feature", lambda fx: xgboost_model(num_feature="4000000000"), r"num_feature|feature",
     ""),
    ("deep_json", lambda fx: '{"learner":' * 100000 + "{}" + "}" * 100000,
     r"XGBoost|JSON|deep|learner", ""),
    ("invalid_utf8", lambda fx: xgboost_model().replace("binary:logistic",
                                                        "binary:\xfflogistic").encode("latin-1"),
     r"UTF-8|objective|JSON", ""),
    ("nan_split", lambda fx: xgboost_model(trees=[stump_with(split_conditions=["NaN", 0, 0])]),
     XGB_TREE, "lib:12 XGBoost errors name the tree and field"),
    ("categorical_split", lambda fx: xgboost_model(trees=[stump_with(split_type=[1, 0, 0])]),
     XGB_TREE, ""),
]


def model_cases():
    rows = [predict("xgboost_valid", lambda fx: xgboost_model(), 0, ""),
            predict("lightgbm_valid", lambda fx: fx.lightgbm, (0, 1), "", model_name="m.txt")]
    for name, model, err, pending in XGBOOST:
        rows.append(predict("xgboost_" + name, model, 2, err, pending))
        rows += bundled("xgboost_" + name, model, err, pending)
    for name, model, err, pending in LIGHTGBM:
        rows.append(predict("lightgbm_" + name, model, 2, err, pending, model_name="m.txt"))
        rows += bundled("lightgbm_" + name, model, err, pending, model_name="m.txt",
                        lightgbm=True)
    files = {"b/bundle.textproto": edit("", extra=TREE_MODEL_XGB % "model.json")}
    rows += [
        validate("bundled_missing_file", files, r"model\.json.*(No such file|cannot open)"),
        score("bundled_missing_file_score", files, r"model\.json"),
        validate("bundled_file_is_a_directory", files, r"model\.json.*is a directory",
                 setup=lambda w, fx: os.makedirs(os.path.join(w, "b", "model.json"))),
        validate("symlink_to_outside_file", files, r"model\.json.*outside the bundle's folder",
                 setup=linked("{f}/model.json", "model.json")),
        validate("symlinked_folder_outside", {"b/bundle.textproto": edit(
            "", extra=TREE_MODEL_XGB % "sub/model.json")}, r"outside the bundle's folder",
                 setup=linked("{f}", "sub")),
        validate("symlink_inside_folder_is_fine", {
            "b/bundle.textproto": edit("", extra=TREE_MODEL_XGB % "link.json"),
            "b/model.json": lambda fx: xgboost_model(num_feature="2")},
                 r"", exit=(0, 1), setup=linked("{w}/b/model.json", "link.json")),
        Case("model_is_a_bundle_folder", ["predict", "--model", "{f}/starter", "--in",
                                          "{f}/rows.csv"], (0, 1, 2), r""),
        Case("model_id_unknown", ["predict", "--model", "{f}/starter", "--model-id", "nope",
                                  "--in", "{f}/rows.csv"], 2, r"nope"),
        Case("model_reads_missing_columns", ["predict", "--model", "{f}/model.json", "--in",
                                             "{f}/train.csv", "--out", "{w}/p.csv"], 1,
             r"train\.csv:1: the header has no column"),
    ]
    return rows


CATEGORIES = {
    "bundle_text": BUNDLE_TEXT,
    "bundle_json": BUNDLE_JSON,
    "bundle_binary": BUNDLE_BINARY,
    "cel": CEL,
    "models": model_cases(),
}
