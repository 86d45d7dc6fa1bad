// Terminal-safe text (tools/credence/printable.h): every control character, bidi control and
// ill-formed byte is escaped; ordinary text is unchanged. Expected strings written by hand
// from the escape rules in printable.h.
#include "credence/printable.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace credence::cli {
namespace {

TEST(PrintableTest, OrdinaryTextIsUnchanged) {
  for (const std::string s : {"", "req-001", "a \\d+ b", "caf\xC3\xA9", "\xE4\xB8\xAD\xE5\x9B\xBD",
                              "\xF0\x9F\x98\x80 ok", "\"quoted\" & <tagged>"}) {
    EXPECT_EQ(Printable(s), s);
    EXPECT_EQ(PrintableMessage(s), s);
  }
}

TEST(PrintableTest, TerminalControlsAreEscaped) {
  struct Case {
    std::string in, want;
  } cases[] = {
      {"\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"},       // clear screen, cursor home
      {"ding\a", "ding\\x07"},                    // bell
      {"APPROVE\rREJECT", "APPROVE\\rREJECT"},    // overwrite a line
      {"abc\b\b\bxyz", "abc\\x08\\x08\\x08xyz"},  // backspace
      {"line\nforged", "line\\nforged"},          // a new line
      {"a\tb", "a\\tb"},                          //
      {std::string("nul\0x", 5), "nul\\x00x"},    //
      {"del\x7f", "del\\x7f"},                    //
      {"\xC2\x9B"
       "31m",
       "\\u009b31m"},           // C1 CSI
      {"\xC2\x85", "\\u0085"},  // C1 next line
      {"abc\xE2\x80\xAE"
       "cba",
       "abc\\u202ecba"},                                 // right-to-left override
      {"\xE2\x81\xA6x\xE2\x81\xA9", "\\u2066x\\u2069"},  // isolates
      {"\xE2\x80\x8F\xD8\x9C", "\\u200f\\u061c"},        // RLM, ALM
      {"para\xE2\x80\xA8"
       "graph",
       "para\\u2028graph"},              // line separator
      {"bad\xFF\xFE", "bad\\xff\\xfe"},  // ill-formed bytes, one each
      {"cut\xE4\xB8", "cut\\xe4\\xb8"},  // a truncated sequence
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Printable(c.in), c.want) << ::testing::PrintToString(c.in);
  }
}

TEST(PrintableTest, MessagesKeepTheirLinesIndented) {
  EXPECT_EQ(PrintableMessage("bad token\n  a + \x1b\n    ^\n"),
            "bad token\n    a + \\x1b\n      ^");
  EXPECT_EQ(PrintableMessage("x\rcredence score: ok"), "x\\rcredence score: ok");
  // A line quoting a megabyte keeps its head and its tail (the reason); other lines stay.
  const std::string huge(1 << 20, 'k');
  EXPECT_EQ(PrintableMessage("bad key " + huge + ": too long\n^"),
            "bad key " + std::string(492, 'k') + " ... (1048594 bytes) ... " +
                std::string(490, 'k') + ": too long\n  ^");
}

// Whatever the bytes, the result holds no byte a terminal acts on: no C0 control, no DEL, no
// C1 control and no bidi control, and it is well-formed UTF-8.
TEST(PrintableTest, RandomBytesNeverReachTheTerminal) {
  std::mt19937 rng(13);
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    const int n = static_cast<int>(rng() % 16);
    for (int k = 0; k < n; ++k) s += static_cast<char>(rng() % 256);
    const std::string p = Printable(s);
    for (unsigned char c : p) {
      EXPECT_TRUE(c >= 0x20 && c != 0x7F) << ::testing::PrintToString(s);
    }
    EXPECT_EQ(p.find("\xC2\x80"), std::string::npos);
    EXPECT_EQ(p.find("\xE2\x80\xAE"), std::string::npos);
    EXPECT_EQ(Printable(p), p) << "printable text is a fixed point";
  }
}

TEST(PrintableTest, ShortenedCutsAtACharacterBoundary) {
  EXPECT_EQ(Shortened("short", 10), "short");
  EXPECT_EQ(Shortened(std::string(1 << 20, 'x'), 4), "xxxx... (1048576 bytes)");
  // "é" is 2 bytes: a cut after 3 bytes keeps "aé" (3 bytes), never half a character.
  EXPECT_EQ(Shortened("a\xC3\xA9\xC3\xA9z", 4), "a\xC3\xA9... (6 bytes)");
}

TEST(PrintableTest, WidthCountsCharactersOfThePrintableForm) {
  EXPECT_EQ(PrintableWidth("abc"), 3u);
  EXPECT_EQ(PrintableWidth("\xC3\xA9t\xC3\xA9"), 3u);
  EXPECT_EQ(PrintableWidth("\t"), 2u);    // "\t"
  EXPECT_EQ(PrintableWidth("\x1b"), 4u);  // "\x1b"
  EXPECT_EQ(PrintableWidth("\xFF"), 4u);  // "\xff"
}

}  // namespace
}  // namespace credence::cli
