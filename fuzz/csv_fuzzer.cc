// libFuzzer target: CSV text through the tools' one CSV reader (fit::CsvReader row by row,
// and fit::CsvTable with its numeric and label columns). The two must agree on the rows;
// errors must be clean, valid-UTF-8 Statuses.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fit/csv.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  credence::fit::CsvLimits limits;
  limits.max_columns = 1000;
  limits.max_cell_bytes = 4096;
  auto table = credence::fit::CsvTable::Parse(text, "fuzz.csv", limits);
  auto reader = credence::fit::CsvReader::Open(text, "fuzz.csv", limits);
  if (!reader.ok()) {
    if (table.ok()) __builtin_trap();
    credence::fuzz::CheckStatus(reader.status());
    return 0;
  }
  // Row by row, the reader sees the table's rows, cell for cell; it fails where the table
  // failed.
  std::vector<std::string> cells;
  for (std::size_t row = 0;; ++row) {
    auto more = reader->Next(cells);
    if (!more.ok()) {
      if (table.ok()) __builtin_trap();
      credence::fuzz::CheckStatus(more.status());
      return 0;
    }
    if (!*more) {
      if (!table.ok() || row != table->rows()) __builtin_trap();
      break;
    }
    if (!table.ok()) continue;
    if (row >= table->rows() || cells.size() != table->cols()) __builtin_trap();
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (cells[c] != table->Field(row, c)) __builtin_trap();
    }
    if (reader->line() != table->LineOf(row)) __builtin_trap();
  }
  for (std::size_t c = 0; c < table->cols(); ++c) {
    std::vector<double> numbers;
    std::size_t bad_row = 0;
    (void)credence::fit::NumericColumn(*table, c, numbers, bad_row);
    auto labels = credence::fit::LabelColumn(*table, c);
    if (!labels.ok()) credence::fuzz::CheckStatus(labels.status());
  }
  return 0;
}
