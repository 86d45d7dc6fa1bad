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

#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "credence/bundle.h"
#include "credence/engine.h"
#include "credence/status.h"
#include "io/file.h"
#include "io/json_records.h"
#include "models/model.h"
#include "models/tree_ensemble.h"
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
    const WireFormat in = ToWireFormat(format), out = ToWireFormat(out_format);
    if (threads < 0 || threads > 256) {
      Throw(OutOfRangeError("threads must be in [0, 256], not " + std::to_string(threads)));
    }
    const std::size_t n = requests.size();
    std::vector<std::string> encoded(n);
    std::vector<Status> statuses(n);
    {
      py::gil_scoped_release release;
      std::vector<v1::ScoreRequest> good;
      std::vector<std::size_t> origin;
      for (std::size_t i = 0; i < n; ++i) {
        auto parsed = ParseRequest(requests[i], in);
        if (!parsed.ok()) {
          statuses[i] = parsed.status();
          continue;
        }
        origin.push_back(i);
        good.push_back(std::move(parsed).value());
      }
      ScoreOptions options;
      options.include_features = include_features;
      auto results = engine_->ScoreBatch(good, options, {.threads = threads});
      for (std::size_t k = 0; k < results.size(); ++k) {
        const std::size_t i = origin[k];
        if (!results[k].ok()) {
          statuses[i] = results[k].status();
          continue;
        }
        auto bytes = SerializeResponse(*results[k], out);
        if (!bytes.ok()) {
          statuses[i] = bytes.status();
          continue;
        }
        encoded[i] = std::move(bytes).value();
      }
    }
    py::list list(n);
    for (std::size_t i = 0; i < n; ++i) {
      list[i] = statuses[i].ok() ? py::object(py::bytes(encoded[i])) : MakeError(statuses[i], i);
    }
    return list;
  }

  // JSON Lines records (blank ones already removed) to the lines `credence score` writes:
  // the response JSON or an error record whose index is first_index + position. Returns
  // (lines, number of error records).
  // Lines are bytes: a message may quote bytes that are not UTF-8.
  std::pair<py::list, std::size_t> ScoreJsonLines(const std::vector<std::string>& records,
                                                  int threads, std::size_t first_index) const {
    if (threads < 0 || threads > 256) {
      Throw(OutOfRangeError("threads must be in [0, 256], not " + std::to_string(threads)));
    }
    std::vector<std::string> lines;
    std::size_t failed = 0;
    {
      py::gil_scoped_release release;
      lines = JsonLines(records, threads, first_index, failed);
    }
    py::list out(lines.size());
    for (std::size_t i = 0; i < lines.size(); ++i) out[i] = py::bytes(lines[i]);
    return {std::move(out), failed};
  }

 private:
  std::vector<std::string> JsonLines(const std::vector<std::string>& records, int threads,
                                     std::size_t first_index, std::size_t& failed) const {
    const std::size_t n = records.size();
    std::vector<std::string> lines(n);
    std::vector<v1::ScoreRequest> good;
    std::vector<std::size_t> origin;
    for (std::size_t i = 0; i < n; ++i) {
      auto parsed = ParseRequest(records[i], WireFormat::kJson);
      if (!parsed.ok()) {
        lines[i] = io::ErrorRecordJson(first_index + i, "", parsed.status());
        ++failed;
        continue;
      }
      origin.push_back(i);
      good.push_back(std::move(parsed).value());
    }
    auto results = engine_->ScoreBatch(good, {}, {.threads = threads});
    for (std::size_t k = 0; k < results.size(); ++k) {
      const std::size_t i = origin[k];
      if (!results[k].ok()) {
        lines[i] = io::ErrorRecordJson(first_index + i, good[k].request_id(), results[k].status());
        ++failed;
        continue;
      }
      auto json = SerializeResponse(*results[k], WireFormat::kJson);
      if (!json.ok()) {
        lines[i] = io::ErrorRecordJson(first_index + i, good[k].request_id(), json.status());
        ++failed;
        continue;
      }
      lines[i] = std::move(json).value();
    }
    return lines;
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

// ---- predict: a model over a matrix of feature rows ----------------------------------------

enum class Output { kMargin = 0, kProbability = 1, kContribs = 2 };

// A tree ensemble file (XGBoost JSON or LightGBM text) or a bundle model, compiled against
// the given column names.
class PyModel {
 public:
  // kind: "xgboost_json", "lightgbm_text" or "bundle"; `model_id` picks a bundle model
  // ("" = the credit model). `columns` are the names of the matrix columns.
  static PyModel Load(const std::string& path, const std::string& kind, const std::string& model_id,
                      const std::vector<std::string>& columns) {
    py::gil_scoped_release release;
    PyModel m;
    m.columns_ = columns;
    if (kind == "xgboost_json" || kind == "lightgbm_text") {
      std::string bytes = ValueOrThrow(io::ReadFile(path, std::size_t{512} << 20));
      auto loaded = kind == "xgboost_json" ? models::LoadXgboostJson(bytes, {})
                                           : models::LoadLightgbmText(bytes, {});
      if (!loaded.ok()) Throw(loaded.status().WithLocation({.file = path}));
      m.tree_ = std::make_unique<models::TreeEnsemble>(std::move(loaded).value());
      // Columns by the model's own feature names when it has them; else by position.
      const auto& names = m.tree_->feature_names();
      m.column_of_.resize(m.tree_->num_features());
      std::unordered_map<std::string, std::size_t> index;
      for (std::size_t c = 0; c < columns.size(); ++c) index.emplace(columns[c], c);
      for (std::size_t f = 0; f < m.column_of_.size(); ++f) {
        if (!names.empty()) {
          auto it = index.find(names[f]);
          if (it == index.end()) {
            Throw(InvalidArgumentError("the model's feature '" + names[f] +
                                       "' is not a column of the data"));
          }
          m.column_of_[f] = it->second;
        } else {
          if (f >= columns.size()) {
            Throw(InvalidArgumentError("the model reads " + std::to_string(m.column_of_.size()) +
                                       " features but the data has " +
                                       std::to_string(columns.size()) + " columns"));
          }
          m.column_of_[f] = f;
        }
      }
      return m;
    }
    if (kind != "bundle") Throw(InvalidArgumentError("unknown model kind '" + kind + "'"));
    LoadedBundle loaded = ValueOrThrow(LoadBundle(path));
    std::string id = model_id;
    if (id.empty()) {
      if (!loaded.bundle.has_credit()) {
        Throw(InvalidArgumentError("the bundle has no credit model; name one with model=",
                                   {.file = loaded.path}));
      }
      id = loaded.bundle.credit().model();
    }
    const v1::Model* model = nullptr;
    for (const v1::Model& candidate : loaded.bundle.models()) {
      if (candidate.id() == id) model = &candidate;
    }
    if (model == nullptr) {
      Throw(NotFoundError("the bundle has no model '" + id + "'", {.file = loaded.path}));
    }
    std::string file_bytes;
    if (model->has_tree_ensemble()) {
      std::string resolved =
          ValueOrThrow(io::ResolveInside(loaded.directory, model->tree_ensemble().file()));
      file_bytes = ValueOrThrow(io::ReadFile(resolved, std::size_t{512} << 20));
    }
    std::unordered_map<std::string, int> index;
    for (std::size_t c = 0; c < columns.size(); ++c) {
      index.emplace(columns[c], static_cast<int>(c));
    }
    auto feature_index = [&index](std::string_view name) {
      auto it = index.find(std::string(name));
      return it == index.end() ? -1 : it->second;
    };
    auto compiled = models::BundleModel::Compile(*model, feature_index, file_bytes, "model");
    if (!compiled.ok()) {
      Throw(compiled.status().WithPrefix("model '" + id + "' over the data's columns"));
    }
    m.bundle_model_ = std::make_unique<models::BundleModel>(std::move(compiled).value());
    return m;
  }

  // rows: n x columns.size(), C order. Returns n values (margin/probability) or, for
  // contributions, n x (width) values: tree files give num_features + 1 (the last is the
  // bias), bundle models give one per column (the bias is not reported).
  py::array_t<double> Predict(py::array_t<double, py::array::c_style | py::array::forcecast> rows,
                              int output) const {
    if (rows.ndim() != 2 || static_cast<std::size_t>(rows.shape(1)) != columns_.size()) {
      Throw(InvalidArgumentError("the data must be a 2-d array with " +
                                 std::to_string(columns_.size()) + " columns"));
    }
    if (output < 0 || output > 2) Throw(InvalidArgumentError("unknown output kind"));
    const auto kind = static_cast<Output>(output);
    const std::size_t n = static_cast<std::size_t>(rows.shape(0));
    const std::size_t width = columns_.size();
    std::size_t out_width = 1;
    if (kind == Output::kContribs) out_width = tree_ ? tree_->num_features() + 1 : width;
    if (kind == Output::kContribs && tree_ && !tree_->has_covers()) {
      Throw(FailedPreconditionError("the model file has no node covers: no contributions"));
    }
    py::array_t<double> result(kind == Output::kContribs
                                   ? std::vector<py::ssize_t>{static_cast<py::ssize_t>(n),
                                                              static_cast<py::ssize_t>(out_width)}
                                   : std::vector<py::ssize_t>{static_cast<py::ssize_t>(n)});
    const double* in = rows.data();
    double* out = result.mutable_data();
    Status failure;
    {
      py::gil_scoped_release release;
      failure = PredictInto(in, n, width, kind, out_width, out);
    }
    if (!failure.ok()) Throw(failure);
    return result;
  }

 private:
  Status PredictInto(const double* in, std::size_t n, std::size_t width, Output kind,
                     std::size_t out_width, double* out) const {
    if (tree_) {
      const std::size_t nf = tree_->num_features();
      std::vector<double> block(n * nf);
      for (std::size_t r = 0; r < n; ++r) {
        for (std::size_t f = 0; f < nf; ++f) block[r * nf + f] = in[r * width + column_of_[f]];
      }
      if (kind == Output::kContribs) {
        for (std::size_t r = 0; r < n; ++r) {
          CREDENCE_RETURN_IF_ERROR(
              tree_->Contributions(std::span<const double>(block.data() + r * nf, nf),
                                   std::span<double>(out + r * out_width, out_width)));
        }
        return OkStatus();
      }
      tree_->PredictMarginBatch(block.data(), n, nf, out);
      if (kind == Output::kProbability) {
        for (std::size_t r = 0; r < n; ++r) out[r] = tree_->Transform(out[r]);
      }
      return OkStatus();
    }
    models::ModelOutput o;
    for (std::size_t r = 0; r < n; ++r) {
      bundle_model_->Predict(std::span<const double>(in + r * width, width), columns_, o);
      if (kind == Output::kContribs) {
        for (std::size_t c = 0; c < out_width; ++c) {
          out[r * out_width + c] =
              o.available && c < o.contributions.size() ? o.contributions[c] : std::nan("");
        }
      } else {
        out[r] = !o.available ? std::nan("") : kind == Output::kMargin ? o.margin : o.probability;
      }
    }
    return OkStatus();
  }

  std::vector<std::string> columns_;
  std::unique_ptr<models::TreeEnsemble> tree_;
  std::vector<std::size_t> column_of_;  // tree feature -> column
  std::unique_ptr<models::BundleModel> bundle_model_;
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

  m.def("simulate", &Simulate, py::arg("first"), py::arg("count"), py::arg("seed"),
        py::arg("as_of_seconds"), py::arg("history_days"), py::arg("json"));

  py::class_<PyModel>(m, "Model")
      .def_static("load", &PyModel::Load, py::arg("path"), py::arg("kind"), py::arg("model_id"),
                  py::arg("columns"))
      .def("predict", &PyModel::Predict, py::arg("rows"), py::arg("output"));
}
