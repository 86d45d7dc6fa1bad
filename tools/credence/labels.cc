// Outcome labels for the tools. See labels.h.
#include "labels.h"

#include <vector>

#include "fit/csv.h"

namespace credence::cli {

Result<std::unordered_map<std::string, int>> ReadLabels(const std::string& path,
                                                        const std::string& column) {
  CREDENCE_ASSIGN_OR_RETURN(fit::CsvTable csv, fit::CsvTable::Read(path));
  const int id_col = csv.ColumnIndex("request_id"), label_col = csv.ColumnIndex(column);
  if (id_col < 0 || label_col < 0) {
    return InvalidArgumentError("the header needs columns request_id and " + column,
                                {.file = path, .line = 1});
  }
  CREDENCE_ASSIGN_OR_RETURN(std::vector<int> bad,
                            fit::LabelColumn(csv, static_cast<std::size_t>(label_col)));
  std::unordered_map<std::string, int> labels;
  for (std::size_t r = 0; r < csv.rows(); ++r) {
    labels[std::string(csv.Field(r, static_cast<std::size_t>(id_col)))] = bad[r];
  }
  return labels;
}

}  // namespace credence::cli
