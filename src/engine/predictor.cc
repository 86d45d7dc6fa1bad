// credence::Predictor (credence/predictor.h): binding a table's columns to a model's inputs
// and computing predictions, margins and contributions, one row or many.
#include "credence/predictor.h"

#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>

#include "engine/predictor_impl.h"

namespace credence {

struct Predictor::Impl : engine_internal::PredictorModel {
  explicit Impl(engine_internal::PredictorModel m) : PredictorModel(std::move(m)) {}
};

namespace {

using engine_internal::PredictorModel;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const models::Scorecard* CardOf(const PredictorModel& m) {
  return m.model ? m.model->scorecard() : nullptr;
}

const std::vector<std::string>& NoStrings() {
  static const std::vector<std::string> none;
  return none;
}

Status CheckCovers(const PredictorModel& m, PredictOutput output) {
  if (output == PredictOutput::kContributions && m.trees && !m.trees->has_covers()) {
    return FailedPreconditionError(
        "the model file has no node covers, so TreeSHAP contributions cannot be computed");
  }
  return OkStatus();
}

// One row of a compiled credence.v1.Model: false with `reason` when it cannot be scored.
bool PredictModelRow(const PredictorModel& m, std::span<const double> values,
                     std::span<const std::string> strings, PredictOutput output,
                     std::span<double> out, std::string& reason) {
  models::ModelOutput result;
  m.model->Predict(values, m.inputs, result, strings);
  if (!result.available) {
    reason = result.unavailable_reason;
    return false;
  }
  const models::Scorecard* card = CardOf(m);
  if (output == PredictOutput::kContributions && card != nullptr) {
    std::size_t k = 0;
    for (double p : result.partial_scores) out[k++] = p;
    out[k] = card->initial_score();
  } else if (output == PredictOutput::kContributions) {
    double sum = 0;
    std::size_t k = 0;
    for (double c : result.contributions) {
      out[k++] = c;
      sum += c;
    }
    out[k] = result.margin - sum;  // intercept + sum(coefficient * reference)
  } else if (card != nullptr) {
    out[0] = output == PredictOutput::kMargin || !card->has_scaling() ? result.points
                                                                      : result.probability;
  } else {
    out[0] = output == PredictOutput::kMargin ? result.margin : result.probability;
  }
  return true;
}

}  // namespace

Predictor::Predictor(std::unique_ptr<const Impl> impl) : impl_(std::move(impl)) {}
Predictor::~Predictor() = default;

Result<std::shared_ptr<const Predictor>> Predictor::Load(const std::string& path,
                                                         const PredictorOptions& options) {
  CREDENCE_ASSIGN_OR_RETURN(PredictorModel model,
                            engine_internal::LoadPredictorModel(path, options));
  return std::shared_ptr<const Predictor>(
      new Predictor(std::make_unique<const Impl>(std::move(model))));
}

const std::string& Predictor::description() const noexcept { return impl_->description; }
const std::vector<std::string>& Predictor::inputs() const noexcept { return impl_->inputs; }
bool Predictor::named_inputs() const noexcept { return impl_->named_inputs; }
const std::vector<std::string>& Predictor::string_inputs() const noexcept {
  return impl_->model ? impl_->model->string_fields() : NoStrings();
}

std::size_t Predictor::OutputWidth(PredictOutput output) const noexcept {
  if (output != PredictOutput::kContributions) return 1;
  const models::Scorecard* card = CardOf(*impl_);
  return (card != nullptr ? card->characteristic_names().size() : impl_->inputs.size()) + 1;
}

std::vector<std::string> Predictor::OutputNames(PredictOutput output) const {
  const Impl& m = *impl_;
  const models::Scorecard* card = CardOf(m);
  if (output == PredictOutput::kContributions) {
    std::vector<std::string> names = card != nullptr ? card->characteristic_names() : m.inputs;
    names.emplace_back("bias");
    return names;
  }
  const bool margin = output == PredictOutput::kMargin;
  if (card != nullptr) return {margin || !card->has_scaling() ? "points" : "probability"};
  const bool probability =
      m.trees ? m.trees->output_transform() != models::TreeOutputTransform::kIdentity
              : m.model->outputs_probability();
  return {margin ? "margin" : probability ? "probability" : "prediction"};
}

Result<ColumnBinding> Predictor::Bind(std::span<const std::string> columns,
                                      std::string_view source) const {
  std::unordered_map<std::string_view, std::size_t> column;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (!column.emplace(columns[c], c).second) {
      return InvalidArgumentError("column '" + columns[c] + "' appears twice",
                                  {.file = std::string(source), .field_path = columns[c]});
    }
  }
  ColumnBinding binding;
  auto find = [&](const std::vector<std::string>& names, std::vector<std::size_t>& out) {
    for (const std::string& n : names) {
      auto it = column.find(n);
      if (it == column.end()) {
        return InvalidArgumentError(
            "no column '" + n + "', which the " + impl_->description + " reads",
            {.file = std::string(source), .field_path = n});
      }
      out.push_back(it->second);
    }
    return OkStatus();
  };
  CREDENCE_RETURN_IF_ERROR(find(impl_->inputs, binding.numeric_));
  CREDENCE_RETURN_IF_ERROR(find(string_inputs(), binding.strings_));
  return binding;
}

Status Predictor::PredictRow(std::span<const double> values, std::span<const std::string> strings,
                             PredictOutput output, std::span<double> out,
                             std::string* unscored) const {
  const Impl& m = *impl_;
  if (values.size() != m.inputs.size() || strings.size() != string_inputs().size() ||
      out.size() != OutputWidth(output)) {
    return InvalidArgumentError(
        "PredictRow: " + std::to_string(values.size()) + " values, " +
        std::to_string(strings.size()) + " strings and " + std::to_string(out.size()) +
        " outputs for a model of " + std::to_string(m.inputs.size()) + ", " +
        std::to_string(string_inputs().size()) + " and " + std::to_string(OutputWidth(output)));
  }
  CREDENCE_RETURN_IF_ERROR(CheckCovers(m, output));
  if (unscored != nullptr) unscored->clear();
  if (m.trees) {
    if (output == PredictOutput::kContributions) return m.trees->Contributions(values, out);
    const double margin = m.trees->PredictMargin(values);
    out[0] = output == PredictOutput::kMargin ? margin : m.trees->Transform(margin);
    return OkStatus();
  }
  std::string reason;
  if (!PredictModelRow(m, values, strings, output, out, reason)) {
    for (double& v : out) v = kNaN;
    if (unscored != nullptr) *unscored = std::move(reason);
  }
  return OkStatus();
}

Status Predictor::Predict(std::span<const double> table, std::size_t width,
                          const ColumnBinding& binding, PredictOutput output, std::span<double> out,
                          std::vector<UnscoredRow>* unscored) const {
  const Impl& m = *impl_;
  const std::size_t rows = width == 0 ? 0 : table.size() / width;
  const std::size_t out_width = OutputWidth(output);
  if (width == 0 || table.size() % width != 0 || out.size() != rows * out_width ||
      binding.numeric_columns().size() != m.inputs.size()) {
    return InvalidArgumentError("Predict: the table, the binding and the output do not match (" +
                                std::to_string(table.size()) + " values in rows of " +
                                std::to_string(width) + ", " + std::to_string(out.size()) +
                                " outputs)");
  }
  if (!string_inputs().empty()) {
    return InvalidArgumentError("the " + m.description + " reads string columns (" +
                                string_inputs().front() + "), which a numeric table cannot hold");
  }
  for (std::size_t c : binding.numeric_columns()) {
    if (c >= width) return InvalidArgumentError("Predict: the binding names a column past the row");
  }
  CREDENCE_RETURN_IF_ERROR(CheckCovers(m, output));
  // The inputs of every row, in model order.
  const std::size_t nf = m.inputs.size();
  std::vector<double> block(rows * nf);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t f = 0; f < nf; ++f) {
      block[r * nf + f] = table[r * width + binding.numeric_columns()[f]];
    }
  }
  if (m.trees && output != PredictOutput::kContributions) {
    m.trees->PredictMarginBatch(block.data(), rows, nf, out.data());
    if (output == PredictOutput::kPrediction) {
      for (std::size_t r = 0; r < rows; ++r) out[r] = m.trees->Transform(out[r]);
    }
    return OkStatus();
  }
  std::string reason;
  for (std::size_t r = 0; r < rows; ++r) {
    CREDENCE_RETURN_IF_ERROR(PredictRow(std::span<const double>(block).subspan(r * nf, nf), {},
                                        output, out.subspan(r * out_width, out_width), &reason));
    if (!reason.empty() && unscored != nullptr) unscored->push_back({r, reason});
  }
  return OkStatus();
}

}  // namespace credence
