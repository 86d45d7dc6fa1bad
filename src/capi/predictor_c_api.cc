// The C API over credence::Predictor (include/credence/c_api.h, "Predictors"). Every entry
// point that can fail runs inside Guard: no exception crosses the boundary.
#include <span>
#include <string>
#include <vector>

#include "capi/c_api_internal.h"
#include "credence/c_api.h"
#include "credence/predictor.h"

static_assert(static_cast<int>(credence::ModelFormat::kAuto) == CREDENCE_MODEL_AUTO);
static_assert(static_cast<int>(credence::ModelFormat::kBundle) == CREDENCE_MODEL_BUNDLE);
static_assert(static_cast<int>(credence::PredictOutput::kPrediction) ==
              CREDENCE_PREDICT_PREDICTION);
static_assert(static_cast<int>(credence::PredictOutput::kContributions) ==
              CREDENCE_PREDICT_CONTRIBUTIONS);

struct credence_predictor {
  std::shared_ptr<const credence::Predictor> predictor;
};

namespace {

using credence::InvalidArgumentError;
using credence::Status;
using namespace credence::capi_internal;  // NOLINT: the C API's own helpers

bool ValidOutput(credence_predict_output output) {
  return output >= CREDENCE_PREDICT_PREDICTION && output <= CREDENCE_PREDICT_CONTRIBUTIONS;
}

Status CheckPredictArguments(const credence_predictor* predictor, const double* table, size_t rows,
                             size_t width, const char* const* columns,
                             credence_predict_output output, const double* out) {
  if (predictor == nullptr) return NullArgument("predictor");
  if (rows > 0 && width > 0 && table == nullptr) return NullArgument("table");
  if (width > 0 && columns == nullptr) return NullArgument("columns");
  if (rows > 0 && out == nullptr) return NullArgument("out");
  for (size_t c = 0; c < width; ++c) {
    if (columns[c] == nullptr) return NullArgument("a column name");
  }
  if (!ValidOutput(output)) {
    return InvalidArgumentError("unknown predict output " +
                                std::to_string(static_cast<int>(output)));
  }
  return credence::OkStatus();
}

}  // namespace

extern "C" {

credence_status_code credence_predictor_load(const char* path, credence_model_format format,
                                             const char* model_id, credence_predictor** out,
                                             credence_error** error) {
  return Guard(error, [&] {
    if (out == nullptr) return Fail(NullArgument("out"), error);
    *out = nullptr;
    if (path == nullptr) return Fail(NullArgument("path"), error);
    if (format < CREDENCE_MODEL_AUTO || format > CREDENCE_MODEL_BUNDLE) {
      return Fail(
          InvalidArgumentError("unknown model format " + std::to_string(static_cast<int>(format))),
          error);
    }
    auto loaded =
        credence::Predictor::Load(path, {.format = static_cast<credence::ModelFormat>(format),
                                         .model_id = model_id == nullptr ? "" : model_id});
    if (!loaded.ok()) return Fail(loaded.status(), error);
    *out = new credence_predictor{std::move(loaded).value()};
    return CREDENCE_OK;
  });
}

void credence_predictor_free(credence_predictor* predictor) { delete predictor; }

size_t credence_predictor_input_count(const credence_predictor* predictor) {
  return predictor->predictor->inputs().size();
}

const char* credence_predictor_input_name(const credence_predictor* predictor, size_t index) {
  const auto& inputs = predictor->predictor->inputs();
  return index < inputs.size() ? inputs[index].c_str() : nullptr;
}

size_t credence_predictor_output_width(const credence_predictor* predictor,
                                       credence_predict_output output) {
  if (!ValidOutput(output)) return 0;
  return predictor->predictor->OutputWidth(static_cast<credence::PredictOutput>(output));
}

credence_status_code credence_predictor_predict(const credence_predictor* predictor,
                                                const double* table, size_t rows, size_t width,
                                                const char* const* columns,
                                                credence_predict_output output, double* out,
                                                size_t out_size, credence_error** error) {
  return Guard(error, [&] {
    Status s = CheckPredictArguments(predictor, table, rows, width, columns, output, out);
    if (!s.ok()) return Fail(s, error);
    const credence::Predictor& p = *predictor->predictor;
    const auto kind = static_cast<credence::PredictOutput>(output);
    const size_t want = rows * p.OutputWidth(kind);
    if (out_size != want) {
      return Fail(InvalidArgumentError("out_size is " + std::to_string(out_size) + ", not " +
                                       std::to_string(want) + " (rows x output width)"),
                  error);
    }
    const std::vector<std::string> names(columns, columns + width);
    auto binding = p.Bind(names);
    if (!binding.ok()) return Fail(binding.status(), error);
    if (rows == 0) return CREDENCE_OK;
    s = p.Predict(std::span<const double>(table, rows * width), width, *binding, kind,
                  std::span<double>(out, out_size));
    return s.ok() ? CREDENCE_OK : Fail(s, error);
  });
}

}  // extern "C"
