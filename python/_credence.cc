// The Python extension module credence._credence (pybind11). The Python package
// (credence/__init__.py) wraps it; see docs/api.md, "Python".
//
// Every call that scores, computes features or predicts releases the GIL while C++ runs, so
// Python threads score in parallel. Errors raise credence.Error with the Status's code,
// message and location; nothing else crosses into Python (C++ exceptions other than
// credence errors become RuntimeError through pybind11's translators).
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/json_util.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "credence/bundle.h"
#include "credence/engine.h"
#include "credence/predictor.h"
#include "credence/screener.h"
#include "credence/state_store.h"
#include "credence/status.h"
#include "sim/simulator.h"

namespace py = pybind11;

namespace credence::python {
namespace {

// A credence Status on its way to Python.
struct StatusError {
  Status status;
};

PyObject* g_error_type = nullptr;  // credence._credence.Error, created once at import

[[noreturn]] void Throw(const Status& status) { throw StatusError{status}; }

template <typename T>
T ValueOrThrow(Result<T> r) {
  if (!r.ok()) Throw(r.status());
  return std::move(r).value();
}

// Builds a credence.Error instance carrying `status` (GIL held).
py::object MakeError(const Status& status, std::optional<std::size_t> index = std::nullopt) {
  py::object type = py::reinterpret_borrow<py::object>(g_error_type);
  py::object e = type(py::str(status.ToString()));
  e.attr("code") = py::str(std::string(StatusCodeName(status.code())));
  e.attr("code_value") = py::int_(static_cast<int>(status.code()));
  e.attr("message") = py::str(std::string(status.message()));
  const SourceLocation* where = status.location();
  e.attr("location") = py::str(where != nullptr ? where->ToString() : std::string());
  e.attr("file") = py::str(where != nullptr ? where->file : std::string());
  e.attr("line") = py::int_(where != nullptr ? where->line : 0);
  e.attr("column") = py::int_(where != nullptr ? where->column : 0);
  e.attr("field_path") = py::str(where != nullptr ? where->field_path : std::string());
  e.attr("event_index") = py::int_(where != nullptr ? where->event_index : -1);
  e.attr("index") = index ? py::object(py::int_(*index)) : py::object(py::none());
  return e;
}

WireFormat ToWireFormat(int format) {
  if (format < 1 || format > 3) {
    Throw(InvalidArgumentError("format must be 1 (binary), 2 (JSON) or 3 (text), not " +
                               std::to_string(format)));
  }
  return static_cast<WireFormat>(format);
}

// The output lines of a serialized batch (each record's bytes: its response or its error
// record) and the number of records that failed.
std::pair<py::list, std::size_t> Lines(const std::vector<SerializedResult>& results) {
  std::size_t failed = 0;
  py::list out(results.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (!results[i].status.ok()) ++failed;
    out[i] = py::bytes(results[i].bytes);
  }
  return {std::move(out), failed};
}

class PyEngine {
 public:
  explicit PyEngine(std::shared_ptr<const Engine> engine) : engine_(std::move(engine)) {}

  static PyEngine Load(const std::string& path) {
    py::gil_scoped_release release;
    LoadedBundle loaded = ValueOrThrow(LoadBundle(path));
    return PyEngine(ValueOrThrow(Engine::Compile(loaded)));
  }

  static PyEngine FromBytes(const py::bytes& data, int format, const std::string& bundle_dir,
                            const std::string& name) {
    if (format < 0 || format > 3) {
      Throw(InvalidArgumentError("bundle format must be 0..3, not " + std::to_string(format)));
    }
    std::string bytes = data;
    py::gil_scoped_release release;
    LoadedBundle loaded = ValueOrThrow(ParseBundle(bytes, static_cast<BundleFormat>(format), name));
    loaded.directory = bundle_dir.empty() ? "." : bundle_dir;
    return PyEngine(ValueOrThrow(Engine::Compile(loaded)));
  }

  const BundleInfo& info() const { return engine_->info(); }
  const std::shared_ptr<const Engine>& engine() const { return engine_; }

  // One request in `format`; the response in `out_format`.
  py::bytes Score(const py::bytes& request, int format, int out_format,
                  bool include_features) const {
    const WireFormat in = ToWireFormat(format), out = ToWireFormat(out_format);
    std::string bytes = request;
    std::string response;
    {
      py::gil_scoped_release release;
      v1::ScoreRequest parsed = ValueOrThrow(ParseRequest(bytes, in));
      ScoreOptions options;
      options.include_features = include_features;
      v1::ScoreResponse scored = ValueOrThrow(engine_->Score(parsed, options));
      response = ValueOrThrow(SerializeResponse(scored, out));
    }
    return py::bytes(response);
  }

  // Many requests on `threads` threads. Returns, per record, the response bytes or a
  // credence.Error instance (not raised) whose `index` is the record's position.
  py::list ScoreBatch(const std::vector<std::string>& requests, int format, int out_format,
                      int threads, bool include_features) const {
    SerializedOptions options{.in_format = ToWireFormat(format),
                              .out_format = ToWireFormat(out_format)};
    options.score.include_features = include_features;
    std::vector<SerializedResult> results = Run(requests, options, threads);
    py::list list(results.size());
    for (std::size_t i = 0; i < results.size(); ++i) {
      list[i] = results[i].status.ok() ? py::object(py::bytes(results[i].bytes))
                                       : MakeError(results[i].status, i);
    }
    return list;
  }

  // JSON Lines records (blank ones already removed) to the lines `credence score` writes:
  // the response JSON or an error record whose index is first_index + position. Returns
  // (lines, number of error records).
  // Lines are bytes, always valid UTF-8 (invalid input bytes are quoted as U+FFFD).
  std::pair<py::list, std::size_t> ScoreJsonLines(const std::vector<std::string>& records,
                                                  int threads, std::size_t first_index) const {
    const SerializedOptions options{.in_format = WireFormat::kJson,
                                    .out_format = WireFormat::kJson,
                                    .error_records = true,
                                    .first_index = first_index};
    return Lines(Run(records, options, threads));
  }

 private:
  // Engine::ScoreSerialized without the GIL; a bad option raises.
  std::vector<SerializedResult> Run(const std::vector<std::string>& records,
                                    const SerializedOptions& options, int threads) const {
    py::gil_scoped_release release;
    std::vector<std::string_view> views(records.begin(), records.end());
    return ValueOrThrow(engine_->ScoreSerialized(views, options, {.threads = threads}));
  }

 public:
  std::vector<double> Features(const py::bytes& request, int format) const {
    const WireFormat in = ToWireFormat(format);
    std::string bytes = request;
    py::gil_scoped_release release;
    v1::ScoreRequest parsed = ValueOrThrow(ParseRequest(bytes, in));
    return ValueOrThrow(engine_->ComputeFeatures(parsed)).values;
  }

 private:
  std::shared_ptr<const Engine> engine_;
};

// ---- screen: events against durable states (credence/screener.h) --------------------------

// A credence::Screener over a RocksDB store. Thread-compatible: the Python wrapper
// (credence.Screener) serializes calls with a lock.
class PyScreener {
 public:
  PyScreener(const PyEngine& engine, const std::string& state_dir, bool sync) {
    py::gil_scoped_release release;
    std::shared_ptr<StateStore> store =
        ValueOrThrow(OpenRocksDbStateStore(state_dir, {.sync = sync}));
    screener_ = std::make_unique<Screener>(engine.engine(), std::move(store));
  }

  // One request in `format`; the response in `out_format`, committed before it returns.
  py::bytes Screen(const py::bytes& request, int format, int out_format) {
    const WireFormat in = ToWireFormat(format), out = ToWireFormat(out_format);
    std::string bytes = request;
    std::string response;
    {
      py::gil_scoped_release release;
      v1::ScreenRequest parsed = ValueOrThrow(ParseScreenRequest(bytes, in));
      v1::ScreenResponse screened = ValueOrThrow(screener_->Screen(parsed));
      response = ValueOrThrow(SerializeScreenResponse(screened, out));
    }
    return py::bytes(response);
  }

  // JSON Lines records (blank ones removed) to the lines `credence screen` writes; a record
  // that fails gets the error record of index `indices[i]` (its position in the whole
  // stream). Returns (lines, number of error records).
  std::pair<py::list, std::size_t> ScreenJsonLines(const std::vector<std::string>& records,
                                                   const std::vector<std::size_t>& indices,
                                                   int threads) {
    if (indices.size() != records.size()) {
      Throw(InvalidArgumentError("one index per record is required"));
    }
    std::vector<SerializedResult> results;
    {
      py::gil_scoped_release release;
      std::vector<std::string_view> views(records.begin(), records.end());
      results = ValueOrThrow(screener_->ScreenSerialized(
          views, {.in_format = WireFormat::kJson, .out_format = WireFormat::kJson},
          {.threads = threads}));
      for (std::size_t i = 0; i < results.size(); ++i) {
        if (results[i].status.ok()) continue;
        results[i].bytes = SerializeErrorRecord(indices[i], results[i].request_id,
                                                results[i].status, WireFormat::kJson)
                               .value();
      }
    }
    return Lines(results);
  }

  // The features of an enterprise's stored state as of its latest event (None when it has
  // no state): (as_of ns, values in bundle order).
  py::object Features(const std::string& enterprise_id) {
    std::optional<std::pair<std::int64_t, std::vector<double>>> result;
    {
      py::gil_scoped_release release;
      std::optional<EnterpriseState> state = ValueOrThrow(screener_->Load(enterprise_id));
      if (state) {
        const v1::EnterpriseState saved = state->ToProto();
        result.emplace(saved.as_of().seconds() * 1'000'000'000 + saved.as_of().nanos(),
                       ValueOrThrow(screener_->engine().StateFeatures(*state)).values);
      }
    }
    if (!result) return py::none();
    return py::make_tuple(result->first, result->second);
  }

 private:
  std::unique_ptr<Screener> screener_;
};

// ---- predict: a model over a matrix of feature rows ----------------------------------------

// A credence::Predictor bound to the columns of one matrix.
class PyModel {
 public:
  // format: a credence::ModelFormat number (0 = sniff the content); `model_id` picks a
  // bundle model ("" = the credit model, else the only one). `columns` name the matrix
  // columns; a tree file without feature names reads them by position.
  static PyModel Load(const std::string& path, int format, const std::string& model_id,
                      const std::vector<std::string>& columns) {
    if (format < 0 || format > 4) {
      Throw(InvalidArgumentError("model format must be 0..4, not " + std::to_string(format)));
    }
    py::gil_scoped_release release;
    PyModel m;
    m.width_ = columns.size();
    m.predictor_ = ValueOrThrow(
        Predictor::Load(path, {.format = static_cast<ModelFormat>(format), .model_id = model_id}));
    std::vector<std::string> names = columns;
    if (!m.predictor_->named_inputs()) {
      const std::vector<std::string>& inputs = m.predictor_->inputs();
      if (inputs.size() > names.size()) {
        Throw(InvalidArgumentError("the model reads " + std::to_string(inputs.size()) +
                                   " features but the data has " + std::to_string(names.size()) +
                                   " columns"));
      }
      std::copy(inputs.begin(), inputs.end(), names.begin());
    }
    m.binding_ = ValueOrThrow(m.predictor_->Bind(names));
    return m;
  }

  // rows: n x columns, C order. Returns n values or, for contributions, n x width values
  // (the inputs, then the bias).
  py::array_t<double> Predict(py::array_t<double, py::array::c_style | py::array::forcecast> rows,
                              int output) const {
    if (rows.ndim() != 2 || static_cast<std::size_t>(rows.shape(1)) != width_) {
      Throw(InvalidArgumentError("the data must be a 2-d array with " + std::to_string(width_) +
                                 " columns"));
    }
    if (output < 0 || output > 2) Throw(InvalidArgumentError("unknown output kind"));
    const auto kind = static_cast<PredictOutput>(output);
    const auto n = static_cast<std::size_t>(rows.shape(0));
    const std::size_t out_width = predictor_->OutputWidth(kind);
    py::array_t<double> result(kind == PredictOutput::kContributions
                                   ? std::vector<py::ssize_t>{static_cast<py::ssize_t>(n),
                                                              static_cast<py::ssize_t>(out_width)}
                                   : std::vector<py::ssize_t>{static_cast<py::ssize_t>(n)});
    std::span<const double> in(rows.data(), n * width_);
    std::span<double> out(result.mutable_data(), n * out_width);
    Status failure;
    {
      py::gil_scoped_release release;
      failure = width_ == 0 ? OkStatus() : predictor_->Predict(in, width_, binding_, kind, out);
    }
    if (!failure.ok()) Throw(failure);
    return result;
  }

  std::vector<std::string> OutputNames(int output) const {
    if (output < 0 || output > 2) Throw(InvalidArgumentError("unknown output kind"));
    return predictor_->OutputNames(static_cast<PredictOutput>(output));
  }

 private:
  std::shared_ptr<const Predictor> predictor_;
  ColumnBinding binding_;
  std::size_t width_ = 0;
};

// Enterprises [first, first + count) of the simulator run (seed, as_of, history_days): per
// enterprise a tuple (request bytes in binary or JSON, archetype, latent risk, default_12m,
// violation_12m). Generation runs without the GIL.
py::list Simulate(std::uint64_t first, std::uint64_t count, std::uint64_t seed,
                  std::int64_t as_of_seconds, int history_days, bool json) {
  sim::SimOptions options;
  options.seed = seed;
  options.as_of_seconds = as_of_seconds;
  options.history_days = history_days;
  if (Status s = sim::ValidateOptions(options); !s.ok()) Throw(s);
  if (count > 10'000'000)
    Throw(OutOfRangeError("simulate: at most 10,000,000 enterprises per call"));
  struct Row {
    std::string bytes;
    std::string archetype;
    double latent_risk;
    bool default_12m, violation_12m;
  };
  std::vector<Row> rows(count);
  {
    py::gil_scoped_release release;
    google::protobuf::util::JsonPrintOptions print;
    print.preserve_proto_field_names = true;
    for (std::uint64_t i = 0; i < count; ++i) {
      sim::SimulatedEnterprise e = sim::SimulateEnterprise(options, first + i);
      Row& row = rows[i];
      if (json) {
        if (!google::protobuf::util::MessageToJsonString(e.request, &row.bytes, print).ok()) {
          Throw(InternalError("simulate: cannot print a request as JSON"));
        }
      } else {
        google::protobuf::io::StringOutputStream stream(&row.bytes);
        google::protobuf::io::CodedOutputStream coded(&stream);
        coded.SetSerializationDeterministic(true);  // map order fixed: same seed, same bytes
        e.request.SerializeToCodedStream(&coded);
      }
      row.archetype = std::string(sim::ArchetypeName(e.archetype));
      row.latent_risk = e.latent_risk;
      row.default_12m = e.labels.default_12m;
      row.violation_12m = e.labels.violation_12m;
    }
  }
  py::list out;
  for (Row& row : rows) {
    out.append(py::make_tuple(py::bytes(row.bytes), row.archetype, row.latent_risk, row.default_12m,
                              row.violation_12m));
  }
  return out;
}

}  // namespace
}  // namespace credence::python

PYBIND11_MODULE(_credence, m) {
  using namespace credence::python;
  namespace c = credence;
  m.doc() = "credence's C++ engine; use the `credence` package, which wraps this module.";

  g_error_type = PyErr_NewException("credence._credence.Error", PyExc_Exception, nullptr);
  m.attr("Error") = py::handle(g_error_type);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const StatusError& e) {
      py::object error = MakeError(e.status);
      PyErr_SetObject(g_error_type, error.ptr());
    }
  });

  m.def("version", [] { return std::string(c::Version()); });

  py::class_<PyEngine>(m, "Engine")
      .def_static("load", &PyEngine::Load, py::arg("path"))
      .def_static("from_bytes", &PyEngine::FromBytes, py::arg("data"), py::arg("format"),
                  py::arg("bundle_dir"), py::arg("name"))
      .def_property_readonly("name", [](const PyEngine& e) { return e.info().name; })
      .def_property_readonly("version", [](const PyEngine& e) { return e.info().version; })
      .def_property_readonly("digest", [](const PyEngine& e) { return e.info().digest; })
      .def_property_readonly("base_currency",
                             [](const PyEngine& e) { return e.info().base_currency; })
      .def_property_readonly("feature_names",
                             [](const PyEngine& e) { return e.info().feature_names; })
      .def("score", &PyEngine::Score, py::arg("request"), py::arg("format"), py::arg("out_format"),
           py::arg("include_features"))
      .def("score_batch", &PyEngine::ScoreBatch, py::arg("requests"), py::arg("format"),
           py::arg("out_format"), py::arg("threads"), py::arg("include_features"))
      .def("score_json_lines", &PyEngine::ScoreJsonLines, py::arg("records"),
           py::arg("threads") = 0, py::arg("first_index") = 0)
      .def("features", &PyEngine::Features, py::arg("request"), py::arg("format"));

  py::class_<PyScreener>(m, "Screener")
      .def(py::init<const PyEngine&, const std::string&, bool>(), py::arg("engine"),
           py::arg("state_dir"), py::arg("sync"))
      .def("screen", &PyScreener::Screen, py::arg("request"), py::arg("format"),
           py::arg("out_format"))
      .def("screen_json_lines", &PyScreener::ScreenJsonLines, py::arg("records"),
           py::arg("indices"), py::arg("threads"))
      .def("features", &PyScreener::Features, py::arg("enterprise_id"));
  m.def("simulate", &Simulate, py::arg("first"), py::arg("count"), py::arg("seed"),
        py::arg("as_of_seconds"), py::arg("history_days"), py::arg("json"));

  py::class_<PyModel>(m, "Model")
      .def_static("load", &PyModel::Load, py::arg("path"), py::arg("format"), py::arg("model_id"),
                  py::arg("columns"))
      .def("predict", &PyModel::Predict, py::arg("rows"), py::arg("output"))
      .def("output_names", &PyModel::OutputNames, py::arg("output"));
}
