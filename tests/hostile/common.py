"""The case row of the hostile-input catalogue and the fixtures its inputs are made from."""
import json
import os
import subprocess
from dataclasses import dataclass, field
from typing import Callable, Optional


@dataclass
class Case:
    """One row: a command line and what a user must get from it.

    args     the arguments after `credence`; {w} is the case's own folder (also the working
             directory), {f} the fixtures folder, {s} the source tree
    exit     the exit status a user must get (or a tuple of acceptable ones)
    err      a regular expression stderr must match: the error, and where it is
    files    {name: bytes | str | fn(fixtures)} written into {w} before the run
    stdout   "jsonl" (valid UTF-8 JSON Lines), "pb" (length-delimited records), "text"
             (printable UTF-8), "empty" or "any"
    outputs  more output files (relative to {w}) that must exist iff the run succeeds
    outputs_on  the exit statuses with which the outputs must exist (score and features
             write theirs when some records failed: exit 1); with any other, none may
    kept     outputs that existed before and may remain after a failure
    stdin / stdin_path / stdout_path   bytes for stdin, or a file for stdin or stdout
             ("/dev/full"); stdout is a pipe otherwise
    pending  "lib:N what": needs the library side of issue 13's cause N
    fifos    {name: (bytes, hold)}: FIFOs in {w} fed by a thread; `hold` keeps the writer
             open until the run ends (a stream that stalls)
    signal   a signal sent once the command has opened its output
    dies_by  the signal the run must die by (default: `signal`); file_size sets RLIMIT_FSIZE
    setup    fn(work, fixtures) run after the files are written (links, modes, ...)
    check    fn(work, exit, stdout, stderr) -> [problems], for what the row cannot say
    """
    name: str
    args: list
    exit: object
    err: str = ""
    files: dict = field(default_factory=dict)
    stdin: Optional[bytes] = None
    stdin_path: Optional[str] = None
    stdout_path: Optional[str] = None
    stdout: str = "any"
    outputs: tuple = ()
    outputs_on: tuple = (0,)
    kept: tuple = ()
    pending: str = ""
    timeout: float = 120
    signal: Optional[int] = None
    dies_by: Optional[int] = None
    memory: Optional[int] = None
    file_size: Optional[int] = None
    fifos: dict = field(default_factory=dict)
    setup: Optional[Callable] = None
    check: Optional[Callable] = None
    tmp_allowed: bool = False


def xgboost_model(trees=None, num_trees=None, base_score="5E-1", num_feature="2",
                  objective="binary:logistic", tree_info=None):
    """An XGBoost JSON model (the layout XGBoost 2.x saves) with `trees` (JSON text of each
    tree; default: one valid stump on f0 < 0.5). `num_trees` and `tree_info` default to what
    the trees are."""
    stump = ('{"default_left":[1,0,0],"id":0,"left_children":[1,-1,-1],'
             '"right_children":[2,-1,-1],"split_conditions":[0.5,-1.0,1.0],'
             '"split_indices":[0,0,0],"split_type":[0,0,0],"sum_hessian":[10.0,4.0,6.0],'
             '"tree_param":{"num_deleted":"0","num_feature":"2","num_nodes":"3"}}')
    trees = [stump] if trees is None else trees
    n = len(trees) if num_trees is None else num_trees
    info = ",".join("0" for _ in trees) if tree_info is None else tree_info
    return ('{"learner":{"attributes":{},"feature_names":[],"feature_types":[],'
            '"gradient_booster":{"model":{"gbtree_model_param":{"num_parallel_tree":"1",'
            '"num_trees":"%s"},"tree_info":[%s],"trees":[%s]},"name":"gbtree"},'
            '"learner_model_param":{"base_score":"%s","num_class":"0","num_feature":"%s",'
            '"num_target":"1"},"objective":{"name":"%s"}},"version":[2,0,3]}'
            % (n, info, ",".join(trees), base_score, num_feature, objective))


STUMP = json.loads(xgboost_model())["learner"]["gradient_booster"]["model"]["trees"][0]


def stump_with(**changes):
    """The valid stump with some fields replaced (JSON values)."""
    tree = dict(STUMP)
    tree.update(changes)
    return json.dumps(tree, separators=(",", ":"))


# A tree-ensemble model added to the starter bundle, reading two of its features; its file
# is model.json (XGBoost) or model.txt (LightGBM) beside the bundle.
TREE_MODEL_XGB = ('models { id: "trees" tree_ensemble { file: "%s" '
                  'format: TREE_MODEL_FORMAT_XGBOOST_JSON '
                  'features: "orders_90d" features: "refunds_90d" } }\n')
TREE_MODEL_LGB = ('models { id: "trees" tree_ensemble { file: "%s" '
                  'format: TREE_MODEL_FORMAT_LIGHTGBM_TEXT features: "orders_90d" '
                  'features: "refunds_90d" features: "chargebacks_180d" '
                  'features: "penalties_3y" } }\n')


class Fixtures:
    """The valid inputs every case starts from, written once per run into `dir`:
    starter/bundle.textproto, starter.json, starter.binpb (the starter bundle in three
    formats), requests.jsonl and requests.pb (the example requests), train.csv (a labelled
    training set), model.json (an XGBoost model) with rows.csv, lightgbm.txt."""

    def __init__(self, source, convert, work):
        self.source = source
        self.dir = os.path.join(work, "fixtures")
        os.makedirs(os.path.join(self.dir, "starter"))
        self.starter_text = self.read_source("models/starter/bundle.textproto").decode()
        self.write("starter/bundle.textproto", self.starter_text)
        for mode, name in (("bundle-json", "starter.json"), ("bundle-binary", "starter.binpb")):
            subprocess.run([convert, mode, self.path("starter/bundle.textproto"),
                            self.path(name)], check=True)
        self.starter_json = self.read("starter.json").decode()
        self.starter_binary = self.read("starter.binpb")
        self.request_lines = [l for l in self.read_source("examples/requests.jsonl")
                              .decode().splitlines() if l.strip()]
        self.write("requests.jsonl", "\n".join(self.request_lines) + "\n")
        subprocess.run([convert, "requests-pb", self.path("requests.jsonl"),
                        self.path("requests.pb")], check=True)
        self.requests_pb = self.read("requests.pb")
        self.write("train.csv", self.training_csv())
        self.write("model.json", xgboost_model())
        self.write("rows.csv", "f0,f1\n0.25,1\n0.75,2\n,3\n")
        self.lightgbm = self.read_source("tests/models/data/lightgbm_hand.txt").decode()
        self.write("lightgbm.txt", self.lightgbm)

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, data):
        with open(self.path(name), "wb") as f:
            f.write(data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data)

    def read(self, name):
        with open(self.path(name), "rb") as f:
            return f.read()

    def read_source(self, rel):
        with open(os.path.join(self.source, rel), "rb") as f:
            return f.read()

    @staticmethod
    def training_csv(rows=200):
        lines = ["x,y,bad"]
        for i in range(rows):
            lines.append("%d,%d,%d" % (i % 17, (i * 7) % 13, (i % 17 > 9) != (i % 5 == 0)))
        return "\n".join(lines) + "\n"

    def request(self, i=0):
        """Example request i as a dict (protobuf JSON, proto field names)."""
        return json.loads(self.request_lines[i])

    def starter_with(self, edits=(), extra=""):
        """The starter bundle's text with (from, to) edits applied and `extra` appended."""
        text = self.starter_text
        for old, new in edits:
            if old not in text:
                raise ValueError("not in the starter bundle: " + old)
            text = text.replace(old, new, 1)
        return text + "\n" + extra
