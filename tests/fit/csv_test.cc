#include "fit/csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "tests/testing/status_matchers.h"

namespace credence::fit {
namespace {

using ::credence::testing::StatusIs;
using ::testing::HasSubstr;

TEST(CsvTest, ParsesQuotesCrlfAndBlankLines) {
  ASSERT_OK_AND_ASSIGN(CsvTable t, CsvTable::Parse("id,name,x\r\n1,\"a, \"\"b\"\"\",2.5\r\n\r\n"
                                                   "2,\"multi\nline\",\n",
                                                   "t.csv"));
  ASSERT_EQ(t.rows(), 2u);
  ASSERT_EQ(t.cols(), 3u);
  EXPECT_EQ(t.Field(0, 1), "a, \"b\"");
  EXPECT_EQ(t.Field(1, 1), "multi\nline");
  EXPECT_EQ(t.Field(1, 2), "");
  EXPECT_EQ(t.LineOf(1), 4u);
  EXPECT_EQ(t.ColumnIndex("x"), 2);
  EXPECT_EQ(t.ColumnIndex("nope"), -1);
}

TEST(CsvTest, ErrorsCarryTheLine) {
  EXPECT_THAT(CsvTable::Parse("a,b\n1,2\n3\n", "f.csv"),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("expected 2 cells like the header, found 1")));
  auto r = CsvTable::Parse("a,b\n1,2\n3\n", "f.csv");
  ASSERT_NE(r.status().location(), nullptr);
  EXPECT_EQ(r.status().location()->line, 3);
  EXPECT_THAT(CsvTable::Parse("a,a\n", "f.csv"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("duplicate")));
  EXPECT_THAT(CsvTable::Parse("a\n\"open\n", "f.csv"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unterminated")));
  auto bad_utf8 = CsvTable::Parse("a\nok\n\xC3(\n", "f.csv");
  EXPECT_THAT(bad_utf8,
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("invalid UTF-8 at byte 5")));
  ASSERT_NE(bad_utf8.status().location(), nullptr);
  EXPECT_EQ(bad_utf8.status().location()->line, 3);
  EXPECT_THAT(CsvTable::Parse("", "f.csv"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("empty")));
  EXPECT_THAT(CsvTable::Read("/nonexistent/x.csv"),
              StatusIs(StatusCode::kNotFound, HasSubstr("cannot open")));
}

// Errors about one cell name its column; the header's own errors name its position.
TEST(CsvTest, CellErrorsNameTheColumn) {
  auto quote = CsvTable::Parse("id,name\n1,a\"b\n", "f.csv");
  EXPECT_THAT(quote, StatusIs(StatusCode::kInvalidArgument,
                              HasSubstr("quote inside an unquoted cell (column 'name')")));
  ASSERT_NE(quote.status().location(), nullptr);
  EXPECT_EQ(quote.status().location()->file, "f.csv");
  EXPECT_EQ(quote.status().location()->line, 2);
  EXPECT_THAT(CsvTable::Parse("id,name\n1,\"a\"b\n", "f.csv"),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("unexpected character after a closing quote (column 'name')")));
  EXPECT_THAT(
      CsvTable::Parse("id,name\n\"1\n", "f.csv"),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("unterminated quoted cell (column 'id')")));
  EXPECT_THAT(CsvTable::Parse("id,,x\n", "f.csv"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("header column 2 has no name")));
  EXPECT_THAT(CsvTable::Parse("id,x,id\n", "f.csv"),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("duplicate header: column 'id' appears twice")));
}

// Every limit is enforced, at its boundary, with the line and (for a cell) the column.
TEST(CsvTest, LimitsAreExplicit) {
  const CsvLimits limits{
      .max_file_bytes = 64, .max_columns = 3, .max_cell_bytes = 4, .max_row_bytes = 12};
  EXPECT_TRUE(CsvTable::Parse("a,b\n1234,\"5678\"\n", "f.csv", limits).ok());
  auto cell = CsvTable::Parse("a,b\n1,12345\n", "f.csv", limits);
  EXPECT_THAT(cell, StatusIs(StatusCode::kOutOfRange,
                             HasSubstr("cell longer than the limit of 4 bytes (column 'b')")));
  ASSERT_NE(cell.status().location(), nullptr);
  EXPECT_EQ(cell.status().location()->line, 2);
  EXPECT_THAT(CsvTable::Parse("a,b\n1,\"12\"\"34\"\n", "f.csv", limits),
              StatusIs(StatusCode::kOutOfRange, HasSubstr("column 'b'")));  // 5 bytes unescaped
  EXPECT_THAT(CsvTable::Parse("a,b,c\n1234,1234,1234\n", "f.csv", limits),
              StatusIs(StatusCode::kOutOfRange, HasSubstr("row longer than the limit of 12")));
  EXPECT_THAT(CsvTable::Parse("a,b,c,d\n", "f.csv", limits),
              StatusIs(StatusCode::kOutOfRange, HasSubstr("more than 3 columns")));
  EXPECT_THAT(CsvTable::Parse(std::string(65, 'a'), "f.csv", limits),
              StatusIs(StatusCode::kOutOfRange, HasSubstr("larger than the limit of 64 bytes")));
}

// The streaming reader gives the same rows as the table, with their lines.
TEST(CsvTest, ReaderStreamsRows) {
  const std::string text = "\xEF\xBB\xBFid,v\r\n1,\"x\ny\"\r\n\r\n2,\n";
  ASSERT_OK_AND_ASSIGN(CsvReader reader, CsvReader::Open(text, "s.csv"));
  EXPECT_EQ(reader.header(), (std::vector<std::string>{"id", "v"}));
  EXPECT_EQ(reader.ColumnIndex("v"), 1);
  std::vector<std::string> cells;
  ASSERT_OK_AND_ASSIGN(bool more, reader.Next(cells));
  ASSERT_TRUE(more);
  EXPECT_EQ(cells, (std::vector<std::string>{"1", "x\ny"}));
  EXPECT_EQ(reader.line(), 2u);
  ASSERT_OK_AND_ASSIGN(more, reader.Next(cells));
  ASSERT_TRUE(more);
  EXPECT_EQ(cells, (std::vector<std::string>{"2", ""}));
  EXPECT_EQ(reader.line(), 5u);
  EXPECT_THAT(reader.RowError("bad"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("bad")));
  EXPECT_EQ(reader.RowError("bad").location()->line, 5);
  ASSERT_OK_AND_ASSIGN(more, reader.Next(cells));
  EXPECT_FALSE(more);
}

TEST(CsvTest, NumericFields) {
  double v;
  EXPECT_TRUE(ParseNumericField(" 1.5e2 ", v));
  EXPECT_EQ(v, 150);
  EXPECT_TRUE(ParseNumericField("+3", v));
  EXPECT_EQ(v, 3);
  EXPECT_TRUE(ParseNumericField("", v));
  EXPECT_TRUE(std::isnan(v));
  EXPECT_TRUE(ParseNumericField("NaN", v));
  EXPECT_TRUE(std::isnan(v));
  EXPECT_FALSE(ParseNumericField("req-1", v));
  EXPECT_FALSE(ParseNumericField("1,5", v));
  EXPECT_FALSE(ParseNumericField("NA", v));
}

// Random short inputs over the characters that matter never crash the parser; when one
// parses, every field round-trips through a re-encoding (quote every field, double quotes).
TEST(CsvTest, RandomInputsParseOrFailCleanly) {
  std::mt19937 rng(4);
  const char alphabet[] = {',', '"', '\n', '\r', 'a', '1', ' '};
  int parsed = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string text;
    const int len = static_cast<int>(rng() % 24);
    for (int i = 0; i < len; ++i) text.push_back(alphabet[rng() % sizeof alphabet]);
    auto t = CsvTable::Parse(text, "r.csv");
    if (!t.ok()) {
      EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument) << text;
      continue;
    }
    ++parsed;
    std::string again;
    auto quote = [](std::string_view f) {
      std::string q = "\"";
      for (char c : f) q += c == '"' ? std::string("\"\"") : std::string(1, c);
      return q + "\"";
    };
    for (std::size_t c = 0; c < t->cols(); ++c) again += (c ? "," : "") + quote(t->header()[c]);
    again += "\n";
    for (std::size_t r = 0; r < t->rows(); ++r) {
      for (std::size_t c = 0; c < t->cols(); ++c) again += (c ? "," : "") + quote(t->Field(r, c));
      again += "\n";
    }
    auto u = CsvTable::Parse(again, "again.csv");
    ASSERT_TRUE(u.ok()) << again;
    ASSERT_EQ(u->header(), t->header());
    // (A row that is one empty field, quoted or not, reads as a blank line on both sides.)
    ASSERT_EQ(u->rows(), t->rows()) << again;
    for (std::size_t r = 0; r < t->rows(); ++r) {
      for (std::size_t c = 0; c < t->cols(); ++c) ASSERT_EQ(u->Field(r, c), t->Field(r, c));
    }
  }
  EXPECT_GT(parsed, 1000);
}

// A 1 MB cell or header name is not echoed in full in error messages (issue 13, cause 12).
TEST(CsvTest, HugeCellsAreNotEchoedInFull) {
  const std::string big(1 << 20, 'q');
  auto table = CsvTable::Parse("id,bad\n1," + big + "\n", "huge.csv");
  ASSERT_TRUE(table.ok()) << table.status();
  auto labels = LabelColumn(*table, 1);
  ASSERT_FALSE(labels.ok());
  EXPECT_LT(labels.status().message().size(), 500u);
  EXPECT_NE(labels.status().message().find("(1048576 bytes)"), std::string::npos);
  // A header name that long, in a row error.
  const std::string text = big + ",x\n\"unterminated\n";  // must outlive the reader
  auto reader = CsvReader::Open(text, "h.csv");
  ASSERT_TRUE(reader.ok()) << reader.status();
  std::vector<std::string> cells;
  auto next = reader->Next(cells);
  ASSERT_FALSE(next.ok());
  EXPECT_LT(next.status().message().size(), 500u);
  const std::string twice = big + "," + big + "\n";
  auto dup = CsvReader::Open(twice, "d.csv");
  ASSERT_FALSE(dup.ok());
  EXPECT_LT(dup.status().message().size(), 500u);
}

}  // namespace
}  // namespace credence::fit
