#include <gtest/gtest.h>

#include <string>

#include "core/sha256.h"
#include "core/utf8.h"

namespace credence::core {
namespace {

TEST(Utf8Test, AcceptsWellFormed) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("\xC3\xA9"));                  // é
  EXPECT_TRUE(IsValidUtf8("\xE4\xB8\xAD\xE5\x9B\xBD"));  // 中国
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));          // U+1F600
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));          // U+10FFFF
  EXPECT_TRUE(IsValidUtf8(std::string("a\0b", 3)));      // NUL is valid UTF-8
}

TEST(Utf8Test, RejectsMalformedAtTheRightOffset) {
  struct Case {
    std::string bytes;
    std::size_t offset;
  } cases[] = {
      {"ab\x80", 2},            // lone continuation
      {"\xC0\xAF", 0},          // overlong '/'
      {"\xC1\xBF", 0},          // overlong
      {"\xE0\x80\xAF", 0},      // overlong 3-byte
      {"x\xED\xA0\x80", 1},     // surrogate U+D800
      {"\xF4\x90\x80\x80", 0},  // U+110000
      {"\xF5\x80\x80\x80", 0},  // invalid lead
      {"abc\xE4\xB8", 3},       // truncated
      {"\xE4\x41\xAD", 0},      // bad continuation
      {"\xFF", 0},
  };
  for (const Case& c : cases) {
    std::size_t at = 999;
    EXPECT_FALSE(IsValidUtf8(c.bytes, &at)) << testing::PrintToString(c.bytes);
    EXPECT_EQ(at, c.offset) << testing::PrintToString(c.bytes);
  }
}

// Expected outputs are Python 3's bytes.decode("utf-8", "replace"), an independent
// implementation of the same Unicode practice (one U+FFFD per maximal ill-formed subpart).
TEST(Utf8Test, ReplaceInvalidMatchesPythonsDecoder) {
  const std::string r = "\xEF\xBF\xBD";
  struct Case {
    std::string bytes, want;
  } cases[] = {
      // Unicode 15 table 3-8.
      {"a\xF1\x80\x80\xE1\x80\xC2"
       "b\x80"
       "c\x80\xBF"
       "d",
       "a" + r + r + r + "b" + r + "c" + r + r + "d"},
      {"\xED\xA0\x80", r + r + r},
      {"\xC0\xAF", r + r},
      {"\xE0\x80\xAF", r + r + r},
      {"\xF4\x90\x80\x80", r + r + r + r},
      {"abc\xE4\xB8", "abc" + r},
      {"\xE4\x41\xAD", r + "A" + r},
      {"\xFF\xFE", r + r},
      {"\xF0\x9F\x98", r},
      {"ok \xC3\xA9", "ok \xC3\xA9"},
      {std::string("a\0b", 3), std::string("a\0b", 3)},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ReplaceInvalidUtf8(c.bytes), c.want) << testing::PrintToString(c.bytes);
    EXPECT_TRUE(IsValidUtf8(ReplaceInvalidUtf8(c.bytes)));
  }
}

TEST(Utf8Test, NextUtf8DecodesWhatAppendUtf8Encodes) {
  for (char32_t cp : {0x0u, 0x41u, 0x7Fu, 0x80u, 0x7FFu, 0x800u, 0xD7FFu, 0xE000u, 0xFFFDu, 0xFFFFu,
                      0x10000u, 0x10FFFFu}) {
    std::string bytes;
    AppendUtf8(bytes, cp);
    const Utf8Step step = NextUtf8(bytes, 0);
    EXPECT_TRUE(step.valid);
    EXPECT_EQ(step.code_point, cp);
    EXPECT_EQ(step.length, bytes.size());
  }
  const Utf8Step bad = NextUtf8("\xE4\xB8x", 0);
  EXPECT_FALSE(bad.valid);
  EXPECT_EQ(bad.length, 2u);
  EXPECT_EQ(bad.code_point, 0xFFFDu);
}

TEST(Utf8Test, AppendUtf8EncodesKnownCodePoints) {
  struct Case {
    char32_t cp;
    std::string bytes;
  } cases[] = {{U'A', "A"},
               {0x7F, "\x7F"},
               {0x80, "\xC2\x80"},
               {0xE9, "\xC3\xA9"},
               {0x7FF, "\xDF\xBF"},
               {0x800, "\xE0\xA0\x80"},
               {0x4E2D, "\xE4\xB8\xAD"},
               {0xFFFF, "\xEF\xBF\xBF"},
               {0x10000, "\xF0\x90\x80\x80"},
               {0x1F600, "\xF0\x9F\x98\x80"},
               {0x10FFFF, "\xF4\x8F\xBF\xBF"}};
  for (const Case& c : cases) {
    std::string out;
    AppendUtf8(out, c.cp);
    EXPECT_EQ(out, c.bytes) << static_cast<std::uint32_t>(c.cp);
    EXPECT_TRUE(IsValidUtf8(out));
  }
}

std::string Hash(const std::string& s) {
  Sha256 h;
  h.Update(s);
  return h.FinishHex();
}

// Test vectors from FIPS 180-4 examples / NIST CSRC.
TEST(Sha256Test, NistVectors) {
  EXPECT_EQ(Hash(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Hash(std::string(1'000'000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, IncrementalEqualsOneShot) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data += static_cast<char>(i * 7 + 3);
  const std::string whole = Hash(data);
  for (std::size_t split : {0, 1, 55, 56, 63, 64, 65, 127, 999}) {
    Sha256 h;
    h.Update(std::string_view(data).substr(0, split));
    h.Update(std::string_view(data).substr(split));
    EXPECT_EQ(h.FinishHex(), whole) << split;
  }
}

}  // namespace
}  // namespace credence::core
