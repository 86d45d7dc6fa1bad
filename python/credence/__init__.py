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

__all__ = ["Engine", "Error", "Screener", "load", "load_bytes", "output_names", "predict",
           "simulate", "version"]

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
        records); the lines are str, or bytes with as_bytes=True (the CLI's exact bytes, always
        valid UTF-8: invalid input bytes are quoted as U+FFFD)."""
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


class Screener:
    """Screening with durable state: an Engine and a RocksDB state store in `state_dir`
    (created when missing). screen() applies one event to its enterprise's state, decides it
    with the bundle's screening rules and commits state and decision before returning
    (docs/screening.md). One Screener per state_dir at a time (RocksDB locks the folder);
    calls are serialized, so threads may share one."""

    def __init__(self, bundle, state_dir, sync=True):
        """`bundle` is a path or an Engine; `sync=False` commits without syncing the
        write-ahead log (survives a killed process, not a power loss)."""
        import threading
        self.engine = bundle if isinstance(bundle, Engine) else Engine.load(bundle)
        self._impl = _credence.Screener(self.engine._impl, _os.fspath(state_dir), bool(sync))
        self._lock = threading.Lock()

    def screen(self, request, raw=False):
        """Screens one ScreenRequest (dict, JSON str or binary bytes). Returns the
        ScreenResponse as a dict, or as binary bytes with raw=True. Raises Error for a request
        that cannot be read or screened (the state is then unchanged)."""
        data, fmt = _encode_request(request)
        with self._lock:
            out = self._impl.screen(data, fmt, _BINARY if raw else _JSON)
        return out if raw else _json.loads(out)

    def screen_json_lines(self, lines, threads=0, indices=None):
        """JSON Lines in, the lines `credence screen` writes out (a response or an error
        record per record; blank lines skipped). An error record's index is the record's
        position, or indices[k] for the k-th record when given. Returns (lines as bytes,
        number of error records)."""
        records = [x.encode() if isinstance(x, str) else bytes(x) for x in lines]
        records = [r for r in records if r.strip(b" \t\r")]
        if indices is None:
            indices = list(range(len(records)))
        with self._lock:
            return self._impl.screen_json_lines(records, list(indices), threads)

    def features(self, enterprise_id):
        """{name: value} of an enterprise's state as of its latest event, or None."""
        with self._lock:
            got = self._impl.features(enterprise_id)
        if got is None:
            return None
        return dict(zip(self.engine.feature_names, got[1]))


def load(path):
    """Engine.load(path)."""
    return Engine.load(path)


def load_bytes(data, format="auto", bundle_dir=None, name=None):
    """Engine.from_bytes(...)."""
    return Engine.from_bytes(data, format, bundle_dir, name)


_OUTPUTS = {"probability": 0, "margin": 1, "contribs": 2}
# credence::ModelFormat; None sniffs the content.
_KINDS = {None: 0, "xgboost_json": 1, "lightgbm_text": 2, "model": 3, "bundle": 4}


def _model(model_path, columns, kind, model):
    if kind not in _KINDS:
        raise ValueError("kind is one of " + ", ".join(k for k in _KINDS if k))
    return _credence.Model.load(_os.fspath(model_path), _KINDS[kind], model or "", columns)


def _frame(frame):
    import numpy as np

    if hasattr(frame, "columns"):
        columns = [str(c) for c in frame.columns]
        rows = frame.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        rows = np.asarray(frame, dtype=np.float64)
        columns = ["f%d" % i for i in range(rows.shape[1] if rows.ndim == 2 else 0)]
    return columns, np.ascontiguousarray(rows, dtype=np.float64)


def predict(model_path, frame, output="probability", kind=None, model=None):
    """Scores the rows of a pandas DataFrame (or a 2-d array with `frame.columns`-like names)
    with a model, returning a numpy array. The same library path as `credence predict`.

    model_path: an XGBoost JSON model, a LightGBM text model, a credence.v1.Model in text
    format or JSON (what `credence fit --out` writes), or a bundle (a folder or bundle file),
    whose credit model (or its only model, or the model named by `model=`) is used. The kind
    is told from the content; `kind=` ("xgboost_json", "lightgbm_text", "model", "bundle")
    overrides it.
    output: "probability" (default: the model's prediction; a scorecard without a scaling
    gives its points), "margin" (log-odds / raw score; scorecards: the points) or "contribs"
    (n x (inputs + 1): each input's contribution to the margin, then the bias, exactly as
    XGBoost's pred_contribs for tree files; scorecards: each characteristic's partial score,
    then the initial score; names from `output_names`). Columns are matched by name (a tree
    file without feature names reads them by position); other columns are ignored. NaN is
    missing. A row a logistic model cannot score (a missing feature without an impute value)
    gives NaN.
    """
    if output not in _OUTPUTS:
        raise ValueError("output is one of " + ", ".join(_OUTPUTS))
    columns, rows = _frame(frame)
    return _model(model_path, columns, kind, model).predict(rows, _OUTPUTS[output])


def output_names(model_path, frame, output="probability", kind=None, model=None):
    """The names of the values `predict` returns per row for the same arguments: e.g.
    ["probability"], or for output="contribs" the model's inputs (scorecards: its
    characteristics) followed by "bias"."""
    if output not in _OUTPUTS:
        raise ValueError("output is one of " + ", ".join(_OUTPUTS))
    columns, _ = _frame(frame)
    return _model(model_path, columns, kind, model).output_names(_OUTPUTS[output])


def simulate(enterprises, seed=1, as_of="2026-10-01T00:00:00Z", history_days=730, first=0,
             raw=False):
    """Synthetic cross-border enterprises from the history simulator (docs/simulator.md).

    Returns a list with one dict per enterprise: ``request`` (a dict in protobuf's JSON
    mapping, or binary ``ScoreRequest`` bytes with ``raw=True``; either can be passed to
    ``Engine.score``), ``archetype``, ``latent_risk`` and the labels ``default_12m``,
    ``violation_12m`` and ``bad`` (ints 0/1). Enterprise ``first + i`` is the same as the
    CLI's ``credence simulate --seed SEED --as-of AS_OF`` record ``first + i``: output is a
    pure function of (seed, index, as_of, history_days). ``as_of`` is an RFC 3339 string or
    a timezone-aware ``datetime``. Raises credence.Error for invalid options.
    """
    import datetime as _dt

    if isinstance(as_of, _dt.datetime):
        if as_of.tzinfo is None:
            raise ValueError("as_of must be timezone-aware")
        seconds = int(as_of.timestamp())
    else:
        text = str(as_of)
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        seconds = int(_dt.datetime.fromisoformat(text).timestamp())
    rows = _credence.simulate(int(first), int(enterprises), int(seed), seconds,
                              int(history_days), not raw)
    out = []
    for request, archetype, latent, default_12m, violation_12m in rows:
        out.append({
            "request": request if raw else _json.loads(request),
            "archetype": archetype,
            "latent_risk": latent,
            "default_12m": int(default_12m),
            "violation_12m": int(violation_12m),
            "bad": int(default_12m or violation_12m),
        })
    return out
