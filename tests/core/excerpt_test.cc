// Bounded excerpts of user text for error messages (core/excerpt.h).
#include "core/excerpt.h"

#include <gtest/gtest.h>

#include <string>

#include "core/utf8.h"

namespace credence::core {
namespace {

TEST(ExcerptTest, ShortTextIsKeptWhole) {
  EXPECT_EQ(Excerpt("abc"), "abc");
  EXPECT_EQ(Excerpt(std::string(200, 'x')), std::string(200, 'x'));
}

TEST(ExcerptTest, LongTextIsCutAndSized) {
  const std::string cell(1 << 20, 'x');
  EXPECT_EQ(Excerpt(cell), std::string(200, 'x') + "... (1048576 bytes)");
  // Never inside a character: 3-byte characters cut at a boundary, still valid UTF-8.
  std::string cjk;
  for (int i = 0; i < 100; ++i) cjk += "\xE4\xB8\xAD";
  const std::string cut = Excerpt(cjk, 10);
  EXPECT_EQ(cut, "\xE4\xB8\xAD\xE4\xB8\xAD\xE4\xB8\xAD... (300 bytes)");
  EXPECT_TRUE(IsValidUtf8(cut));
}

TEST(ExcerptTest, WindowAroundTheColumnOfAHugeLine) {
  // A 100 KB expression with the error at column 50,001.
  std::string line(100'000, 'a');
  line[50'000] = '#';
  const LineExcerpt shown = ExcerptAround(line, 50'001);
  EXPECT_LE(shown.text.size(), 210u);
  EXPECT_EQ(shown.text.substr(0, 3), "...");
  EXPECT_EQ(shown.text.substr(shown.text.size() - 3), "...");
  // The caret column points at the same character in the window.
  EXPECT_EQ(shown.text[static_cast<std::size_t>(shown.caret_column - 1)], '#');
  // Near the start and the end the window is not cut on that side.
  EXPECT_EQ(ExcerptAround(line, 1).text.substr(0, 3), "aaa");
  EXPECT_EQ(ExcerptAround(line, 1).caret_column, 1);
  const LineExcerpt end = ExcerptAround(line, 100'000);
  EXPECT_EQ(end.text.substr(end.text.size() - 3), "aaa");
  EXPECT_EQ(end.text[static_cast<std::size_t>(end.caret_column - 1)], 'a');
  // A short line is unchanged.
  EXPECT_EQ(ExcerptAround("a + )", 5).text, "a + )");
  EXPECT_EQ(ExcerptAround("a + )", 5).caret_column, 5);
}

TEST(ExcerptTest, WindowCountsCharactersNotBytes) {
  std::string line;
  for (int i = 0; i < 1000; ++i) line += "\xCF\x80";  // 2-byte characters
  line += "#";
  const LineExcerpt shown = ExcerptAround(line, 1001);
  EXPECT_TRUE(IsValidUtf8(shown.text));
  int column = 0;
  std::size_t at = 0;
  for (std::size_t i = 0; i < shown.text.size(); ++i) {
    if ((static_cast<unsigned char>(shown.text[i]) & 0xC0) != 0x80 &&
        ++column == shown.caret_column) {
      at = i;
      break;
    }
  }
  EXPECT_EQ(shown.text[at], '#');
}

}  // namespace
}  // namespace credence::core
