"""credence: the embeddable credit-scoring engine, from Python.

    import credence
    engine = credence.load("models/starter")          # compile a bundle once
    response = engine.score({"requestId": "r1", ...})  # a ScoreRequest as dict, JSON or bytes
    print(response["decision"]["outcome"], response["audit"]["bundleDigest"])
    results = engine.score_batch(requests, threads=4)  # in order; failures are credence.Error
    features = engine.features(request)                # {name: value}, NaN = missing
    pd = credence.predict("model.json", frame)         # a model over a pandas DataFrame

Requests and responses use protobuf's JSON mapping of credence.v1.ScoreRequest /
ScoreResponse (dicts with camelCase keys; snake_case keys are accepted on input), or the
protobuf binary encoding as bytes. Scoring releases the GIL: Python threads score in
parallel, and score_batch uses C++ threads of its own.

Errors raise credence.Error, whose attributes code ("INVALID_ARGUMENT", ...), code_value (the
number), message, location, file, line, column, field_path and event_index come from the
engine's Status.

An Engine is immutable and thread-safe. It pickles as (bundle path) when it was loaded from a
path, so it can be shipped to worker processes (Dask, Spark), which compile it again.
"""

import json as _json
import os as _os

from . import _credence
from ._credence import Error

__all__ = ["Engine", "Error", "load", "load_bytes", "predict", "simulate", "version"]

# Wire formats of credence::WireFormat.
_BINARY, _JSON, _TEXT = 1, 2, 3
_BUNDLE_FORMATS = {"auto": 0, "text": 1, "json": 2, "binary": 3}


def version():
    """The version of the linked engine, "MAJOR.MINOR.PATCH"."""
    return _credence.version()


def _encode_request(request):
    """(bytes, wire format) for a dict, a JSON str or binary bytes."""
    if isinstance(request, dict):
        return _json.dumps(request, separators=(",", ":")).encode(), _JSON
    if isinstance(request, str):
        return request.encode(), _JSON
    if isinstance(request, (bytes, bytearray, memoryview)):
        return bytes(request), _BINARY
    raise TypeError("a request is a dict, a JSON str or serialized ScoreRequest bytes, not "
                    + type(request).__name__)


class Engine:
    """A bundle compiled into an immutable, thread-safe scoring engine."""

    def __init__(self, impl, path=None):
        self._impl = impl
        self._path = path

    @classmethod
    def load(cls, path):
        """Loads and compiles the bundle at `path` (a file or a folder with bundle.textproto,
        bundle.json or bundle.binpb). Raises Error (NOT_FOUND, INVALID_ARGUMENT with
        file:line:col, ...)."""
        path = _os.fspath(path)
        return cls(_credence.Engine.load(path), _os.path.abspath(path))

    @classmethod
    def from_bytes(cls, data, format="auto", bundle_dir=None, name=None):
        """Compiles a bundle held in memory (text, JSON or binary). Model files named by the
        bundle resolve against `bundle_dir` (default: the current directory)."""
        if isinstance(data, str):
            data = data.encode()
        if format not in _BUNDLE_FORMATS:
            raise ValueError("format is one of " + ", ".join(_BUNDLE_FORMATS))
        return cls(_credence.Engine.from_bytes(bytes(data), _BUNDLE_FORMATS[format],
                                               _os.fspath(bundle_dir or ""), name or ""))

    # What the engine was built from.
    name = property(lambda self: self._impl.name)
    version = property(lambda self: self._impl.version)
    digest = property(lambda self: self._impl.digest, doc='"sha256:<hex>" of the bundle')
    base_currency = property(lambda self: self._impl.base_currency)
    feature_names = property(lambda self: list(self._impl.feature_names))

    def __repr__(self):
        return "credence.Engine(%s %s %s)" % (self.name, self.version, self.digest)

    def __reduce__(self):
        if self._path is None:
            raise TypeError("an Engine built from bytes cannot be pickled; load it from a path")
        return (Engine.load, (self._path,))

    def score(self, request, raw=False, include_features=False):
        """Scores one request (dict, JSON str or binary bytes). Returns the ScoreResponse as a
        dict, or as serialized binary bytes with raw=True. Raises Error for a request that
        cannot be read or fails validation."""
        data, fmt = _encode_request(request)
        out = self._impl.score(data, fmt, _BINARY if raw else _JSON, include_features)
        return out if raw else _json.loads(out)

    def score_batch(self, requests, threads=0, raw=False, include_features=False):
        """Scores a list of requests on `threads` C++ threads (0 = all cores). Returns a list
        in input order: each item the response (dict, or bytes with raw=True) or, for a record
        that failed, an Error instance (not raised) whose .index is the record's position."""
        encoded = [_encode_request(r) for r in requests]
        out = [None] * len(encoded)
        # One call per wire format present (usually one), keeping positions.
        for fmt in sorted({f for _, f in encoded}):
            positions = [i for i, (_, f) in enumerate(encoded) if f == fmt]
            results = self._impl.score_batch([encoded[i][0] for i in positions], fmt,
                                             _BINARY if raw else _JSON, threads, include_features)
            for i, r in zip(positions, results):
                if isinstance(r, Error):
                    r.index = i
                    out[i] = r
                else:
                    out[i] = r if raw else _json.loads(r)
        return out

    def score_json_lines(self, lines, threads=0, first_index=0, as_bytes=False):
        """JSON Lines in (str or bytes, without their newlines), JSON Lines out, exactly as
        `credence score` writes them: blank lines are skipped; each record gives its response
        or an error record {"error": {"index", "requestId", "code", "message", "location"}}
        whose index counts records from `first_index`. Returns (output lines, number of error
        records); the lines are str, or bytes with as_bytes=True (byte-exact even when a
        message quotes input that is not UTF-8)."""
        records = [x.encode() if isinstance(x, str) else bytes(x) for x in lines]
        records = [r for r in records if r.strip(b" \t\r")]
        out, failed = self._impl.score_json_lines(records, threads, first_index)
        if not as_bytes:
            out = [o.decode("utf-8", "replace") for o in out]
        return out, failed

    def features(self, request):
        """The features of one request as {name: value}, in the bundle's order; NaN means
        missing."""
        data, fmt = _encode_request(request)
        return dict(zip(self._impl.feature_names, self._impl.features(data, fmt)))


def load(path):
    """Engine.load(path)."""
    return Engine.load(path)


def load_bytes(data, format="auto", bundle_dir=None, name=None):
    """Engine.from_bytes(...)."""
    return Engine.from_bytes(data, format, bundle_dir, name)


_OUTPUTS = {"margin": 0, "probability": 1, "contribs": 2}


def _model_kind(path):
    if _os.path.isdir(path):
        return "bundle"
    lower = path.lower()
    if lower.endswith((".textproto", ".txtpb", ".pbtxt", ".binpb", ".pb")):
        return "bundle"
    if lower.endswith(".txt"):
        return "lightgbm_text"
    if lower.endswith(".json"):
        # A bundle in JSON has "metadata"/"features"; an XGBoost model has "learner".
        with open(path, "rb") as f:
            head = f.read(1 << 16)
        return "xgboost_json" if b'"learner"' in head else "bundle"
    raise ValueError("cannot tell what kind of model %r is: pass kind='xgboost_json', "
                     "'lightgbm_text' or 'bundle'" % path)


def predict(model_path, frame, output="probability", kind=None, model=None):
    """Scores the rows of a pandas DataFrame (or a 2-d array with `frame.columns`-like names)
    with a model, returning a numpy array.

    model_path: an XGBoost JSON model (.json), a LightGBM text model (.txt), or a bundle (a
    folder or bundle file), whose credit model (or the model named by `model=`) is used.
    output: "probability" (default), "margin" (log-odds / raw score) or "contribs"
    (per-feature contributions to the margin: for model files n x (features + 1) with the
    bias last, exactly as XGBoost's pred_contribs; for bundle models n x columns without the
    bias). Columns are matched by name: the model file's feature names (or by position when
    the file has none), the bundle's feature names for a bundle model. NaN is missing.
    A bundle's logistic model gives NaN for a row whose missing feature has no impute value.
    """
    import numpy as np

    if output not in _OUTPUTS:
        raise ValueError("output is one of " + ", ".join(_OUTPUTS))
    model_path = _os.fspath(model_path)
    kind = kind or _model_kind(model_path)
    if hasattr(frame, "columns"):
        columns = [str(c) for c in frame.columns]
        rows = frame.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        rows = np.asarray(frame, dtype=np.float64)
        columns = ["f%d" % i for i in range(rows.shape[1] if rows.ndim == 2 else 0)]
    rows = np.ascontiguousarray(rows, dtype=np.float64)
    compiled = _credence.Model.load(model_path, kind, model or "", columns)
    return compiled.predict(rows, _OUTPUTS[output])


def simulate(*args, **kwargs):
    """Policy simulation over a population (what-if on a new bundle).

    Not wired yet: the simulator (src/sim) is being written separately; once it exists this
    function calls it through _credence. Raises NotImplementedError until then.
    """
    raise NotImplementedError(
        "credence.simulate is not available in this build: the simulator module (src/sim) "
        "is not wired into the Python binding yet")
