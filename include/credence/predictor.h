// File: credence/predictor.h
//
// One model over rows of a table: the library path behind `credence predict`, the Python
// binding's credence.predict and the C API's credence_predictor_*.
//
// **Example**:
//
//   auto predictor = credence::Predictor::Load("model.json");  // sniffed by content
//   if (!predictor.ok()) return predictor.status();
//   std::vector<std::string> columns = {"age", "income", "utilisation"};
//   auto binding = (*predictor)->Bind(columns);                // by name
//   if (!binding.ok()) return binding.status();                // names the missing column
//   std::vector<double> out(rows);
//   credence::Status s = (*predictor)->Predict(table, columns.size(), *binding,
//                                              credence::PredictOutput::kPrediction, out);
//
// A model file is recognised by its content, not its name: an XGBoost JSON model (a JSON
// object with "learner"), a LightGBM text model (first line "tree"), a standalone
// credence.v1.Model in protobuf text format or JSON (what `credence fit --out` writes), or a
// bundle (a file or folder; its credit model, the only model, or PredictorOptions::model_id).
//
// Outputs (PredictOutput), the same in every front end:
//   kPrediction     trees: the model's output (sigmoid or identity of the margin); logistic
//                   and probability models: the probability of default; scorecards: the
//                   probability with a scaling, else the points.
//   kMargin         trees and logistic models: the margin (log-odds / raw score);
//                   scorecards: the points.
//   kContributions  trees: TreeSHAP values per input then the bias (as XGBoost's
//                   pred_contribs); logistic: coefficient * (transformed value - reference)
//                   per input then the bias (the rest of the margin); scorecards: the
//                   partial score of each characteristic then the initial score.
// A row the model cannot score (a logistic model's missing feature without an impute value)
// gets NaN in every output value and is reported with its row index, never failing the others.
//
// Thread safety: a Predictor is immutable; any number of threads may predict with one at once.
#ifndef CREDENCE_PREDICTOR_H_
#define CREDENCE_PREDICTOR_H_

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "credence/export.h"
#include "credence/result.h"
#include "credence/status.h"

namespace credence {

// What a model file holds. Numbers are part of the C API (credence_model_format).
enum class ModelFormat : int {
  kAuto = 0,          // sniff the content (see the file comment)
  kXgboostJson = 1,   // XGBoost's JSON model (Booster.save_model("x.json"))
  kLightgbmText = 2,  // LightGBM's text model (Booster.save_model("x.txt"))
  kModel = 3,         // a credence.v1.Model in protobuf text format or JSON
  kBundle = 4,        // a credence.v1.Bundle file or folder: one of its models
};

// What Predict writes. Numbers are part of the C API (credence_predict_output).
enum class PredictOutput : int { kPrediction = 0, kMargin = 1, kContributions = 2 };

struct PredictorOptions {
  // Default: kAuto.
  ModelFormat format = ModelFormat::kAuto;
  // With a bundle: the model to run. Default: empty = the credit model, else the bundle's
  // only model.
  std::string model_id;
};

// Where each input of a predictor is found among the columns of a table. An immutable value.
class CREDENCE_EXPORT ColumnBinding {
 public:
  ColumnBinding() = default;
  // The column of each numeric input (Predictor::inputs() order) and of each string input.
  const std::vector<std::size_t>& numeric_columns() const noexcept { return numeric_; }
  const std::vector<std::size_t>& string_columns() const noexcept { return strings_; }

 private:
  friend class Predictor;
  std::vector<std::size_t> numeric_, strings_;
};

// A row that got no output, and why.
struct UnscoredRow {
  std::size_t row = 0;  // 0-based, in the rows passed
  std::string reason;
};

class CREDENCE_EXPORT Predictor {
 public:
  // Loads the model at `path` (a file, or a bundle folder). Errors carry the file:
  // NOT_FOUND (no such file, no such model id in a bundle), INVALID_ARGUMENT (not a model
  // of any supported kind: the message says why it is not a credence.v1.Model, with the
  // line and column of a text-format error; a bundle without a credit model and several
  // models), DATA_LOSS / INVALID_ARGUMENT from the XGBoost and LightGBM readers (naming
  // the tree and node), OUT_OF_RANGE (a file over 512 MiB, a limit).
  static Result<std::shared_ptr<const Predictor>> Load(const std::string& path,
                                                       const PredictorOptions& options = {});

  Predictor(const Predictor&) = delete;
  Predictor& operator=(const Predictor&) = delete;
  ~Predictor();

  // "XGBoost JSON", "LightGBM text" or "model '<id>'": for messages.
  const std::string& description() const noexcept;
  // The numeric columns the model reads, in model order: a tree file's feature names (or
  // f0, f1, ... for XGBoost and Column_0, ... for LightGBM when it has none); a Model's
  // features in the order it first uses them.
  const std::vector<std::string>& inputs() const noexcept;
  // False when inputs() are the generated names of a tree file without feature names.
  bool named_inputs() const noexcept;
  // The string columns the model reads (a scorecard's enterprise fields, e.g. "sector").
  const std::vector<std::string>& string_inputs() const noexcept;
  // Values Predict writes per row for `output`.
  std::size_t OutputWidth(PredictOutput output) const noexcept;
  // Their names: {"probability"}, {"prediction"}, {"margin"}, {"points"}, or the inputs
  // (scorecards: the characteristics) followed by "bias".
  std::vector<std::string> OutputNames(PredictOutput output) const;

  // Finds every input among `columns` by name; other columns are ignored. Errors:
  // INVALID_ARGUMENT "no column 'x', which the <description> reads" with the column name as
  // the location's field path and `source` (e.g. a CSV file) as its file; INVALID_ARGUMENT
  // for a column name that appears twice.
  Result<ColumnBinding> Bind(std::span<const std::string> columns,
                             std::string_view source = {}) const;

  // One row: `values` holds inputs() in order (NaN = missing) and `strings` string_inputs()
  // in order. Writes OutputWidth(output) values to `out`. A row the model cannot score gets
  // NaN and, when `unscored` is non-null, the reason there (else it is cleared). Errors:
  // INVALID_ARGUMENT for spans of the wrong size; FAILED_PRECONDITION for contributions of a
  // tree file without node covers.
  Status PredictRow(std::span<const double> values, std::span<const std::string> strings,
                    PredictOutput output, std::span<double> out,
                    std::string* unscored = nullptr) const;

  // Many rows of a numeric table: `table` holds rows of `width` doubles (row-major), bound
  // with Bind over its column names. Writes rows x OutputWidth(output) values to `out`
  // (row-major). A row the model cannot score gets NaN and, when `unscored` is non-null, an
  // entry there. Errors: INVALID_ARGUMENT (sizes that do not match; a model that reads string
  // columns, which a numeric table cannot hold), FAILED_PRECONDITION (contributions of a
  // tree file without node covers).
  Status Predict(std::span<const double> table, std::size_t width, const ColumnBinding& binding,
                 PredictOutput output, std::span<double> out,
                 std::vector<UnscoredRow>* unscored = nullptr) const;

 private:
  struct Impl;
  explicit Predictor(std::unique_ptr<const Impl> impl);
  std::unique_ptr<const Impl> impl_;
};

}  // namespace credence

#endif  // CREDENCE_PREDICTOR_H_
