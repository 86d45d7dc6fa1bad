#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "credence/bundle.h"
#include "tests/testing/status_matchers.h"

namespace credence {
namespace {

using ::credence::testing::StatusIs;
using ::testing::HasSubstr;

constexpr const char* kText = R"bundle(metadata { name: "t" version: "1" }
base_currency: "USD"
features {
  name: "orders"
  filter { kinds: EVENT_KIND_ORDER }
  aggregate { op: AGGREGATE_OP_COUNT }
}
features {
  name: "refunds"
  window { trailing { seconds: 86400 } }
  aggregate { op: AGGREGATE_OP_COUNT }
}
)bundle";

std::string TempDir() {
  auto dir =
      std::filesystem::temp_directory_path() /
      ("credence_loader_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
       "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

void Write(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

TEST(BundleLoaderTest, ThreeFormatsGiveTheSameBundle) {
  auto text = ParseBundle(kText, BundleFormat::kText, "b.textproto");
  ASSERT_TRUE(text.ok()) << text.status();
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(text->bundle, &json).ok());
  const std::string binary = text->bundle.SerializeAsString();

  for (auto format : {BundleFormat::kJson, BundleFormat::kAuto}) {
    auto j = ParseBundle(json, format, "b.json");
    ASSERT_TRUE(j.ok()) << j.status();
    EXPECT_EQ(j->bundle.SerializeAsString(), binary);
    EXPECT_EQ(j->format, BundleFormat::kJson);
  }
  for (auto format : {BundleFormat::kBinary, BundleFormat::kAuto}) {
    auto b = ParseBundle(binary, format, "b.binpb");
    ASSERT_TRUE(b.ok()) << b.status();
    EXPECT_EQ(b->bundle.SerializeAsString(), binary);
    EXPECT_EQ(b->format, BundleFormat::kBinary);
  }
  auto t = ParseBundle(kText, BundleFormat::kAuto);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->format, BundleFormat::kText);
  EXPECT_EQ(t->bundle.features(1).window().trailing().seconds(), 86400);
}

TEST(BundleLoaderTest, DetectsFormats) {
  EXPECT_EQ(DetectBundleFormat("  \n{\"metadata\":{}}"), BundleFormat::kJson);
  EXPECT_EQ(DetectBundleFormat("metadata { name: \"x\" }"), BundleFormat::kText);
  EXPECT_EQ(DetectBundleFormat(std::string("\x0a\x03\x0a\x01x", 5)), BundleFormat::kBinary);
  EXPECT_EQ(DetectBundleFormat("\xFF\xFE"), BundleFormat::kBinary);
}

TEST(BundleLoaderTest, TextErrorsCarryLineAndColumn) {
  const std::string bad =
      "metadata { name: \"t\" }\nbase_currency: \"USD\"\nfeatures { nme: \"x\" }\n";
  auto r = ParseBundle(bad, BundleFormat::kText, "bad.textproto");
  ASSERT_THAT(r, StatusIs(StatusCode::kInvalidArgument, HasSubstr("nme")));
  ASSERT_NE(r.status().location(), nullptr);
  EXPECT_EQ(r.status().location()->file, "bad.textproto");
  EXPECT_EQ(r.status().location()->line, 3);
  // protobuf's tokenizer reports the token after the unknown name (the ':').
  EXPECT_EQ(r.status().location()->column, 15);
}

TEST(BundleLoaderTest, MalformedJsonAndBinary) {
  EXPECT_THAT(ParseBundle("{\"metadata\": ", BundleFormat::kJson, "x.json"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("malformed JSON bundle")));
  EXPECT_THAT(ParseBundle("{\"unknownField\": 1}", BundleFormat::kJson, "x.json"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("malformed JSON bundle")));
  // Located: file, line and column, field path.
  const auto unknown = ParseBundle("{\n  \"unknownField\": 1}", BundleFormat::kJson, "x.json");
  ASSERT_NE(unknown.status().location(), nullptr);
  EXPECT_EQ(unknown.status().location()->ToString(), "x.json:2:3: unknownField");
  EXPECT_THAT(ParseBundle(std::string("\x0a\x09\x0a", 3), BundleFormat::kBinary, "x.binpb"),
              StatusIs(StatusCode::kDataLoss, HasSubstr("malformed binary bundle")));
}

TEST(BundleLoaderTest, SourceMapLocatesFieldsAndFallsBackToAncestors) {
  auto r = ParseBundle(kText, BundleFormat::kText, "b.textproto");
  ASSERT_TRUE(r.ok());
  const BundleSourceMap& map = r->source_map;
  SourceLocation f1 = map.Locate("features[1]");
  EXPECT_EQ(f1.file, "b.textproto");
  EXPECT_EQ(f1.line, 8);
  EXPECT_EQ(f1.column, 1);
  SourceLocation trailing = map.Locate("features[1].window.trailing");
  EXPECT_EQ(trailing.line, 10);
  EXPECT_EQ(trailing.column, 12);
  EXPECT_EQ(trailing.field_path, "features[1].window.trailing");
  // Not written: the nearest written ancestor (features[0]) answers.
  SourceLocation unwritten = map.Locate("features[0].window.offset");
  EXPECT_EQ(unwritten.line, 3);
  EXPECT_EQ(map.Locate("nothing.here").line, 0);
}

TEST(BundleLoaderTest, LoadsFilesAndFolders) {
  const std::string dir = TempDir();
  Write(dir + "/bundle.textproto", kText);
  auto folder = LoadBundle(dir);
  ASSERT_TRUE(folder.ok()) << folder.status();
  EXPECT_EQ(folder->path, dir + "/bundle.textproto");
  EXPECT_EQ(folder->directory, dir);
  EXPECT_EQ(folder->bundle.features_size(), 2);

  Write(dir + "/other.json", "{\"metadata\": {\"name\": \"j\"}}");
  auto json = LoadBundle(dir + "/other.json");
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(json->bundle.metadata().name(), "j");

  EXPECT_THAT(LoadBundle(dir + "/missing.textproto"),
              StatusIs(StatusCode::kNotFound, HasSubstr("cannot open")));
  const std::string empty = dir + "/empty";
  std::filesystem::create_directories(empty);
  EXPECT_THAT(LoadBundle(empty), StatusIs(StatusCode::kNotFound, HasSubstr("no bundle.textproto")));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace credence

namespace credence {
namespace {

// Invalid UTF-8 anywhere in a bundle is INVALID_ARGUMENT with its location, in all three
// formats (issue 13, cause 7): protobuf's text parser only logged it and the bundle's
// version came out changed in responses.
TEST(BundleLoaderUtf8Test, TextWithInvalidBytesIsLocatedByLineAndColumn) {
  std::string text = kText;
  text.replace(text.find("version: \"1\""), 12, "version: \"1\xff\"");
  auto r = ParseBundle(text, BundleFormat::kText, "u.textproto");
  ASSERT_THAT(r, StatusIs(StatusCode::kInvalidArgument, HasSubstr("invalid UTF-8 at byte 32")));
  EXPECT_EQ(r.status().location()->ToString(), "u.textproto:1:33");
  // In a comment too: the file as a whole must be UTF-8.
  EXPECT_THAT(ParseBundle(std::string("# caf\xe9\n") + kText, BundleFormat::kText, "c.textproto"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("invalid UTF-8")));
}

TEST(BundleLoaderUtf8Test, TextEscapesThatMakeInvalidUtf8AreLocatedByField) {
  std::string text = kText;
  text.replace(text.find("name: \"refunds\""), 15, "name: \"ref\\377unds\"");
  auto r = ParseBundle(text, BundleFormat::kText, "e.textproto");
  ASSERT_THAT(r, StatusIs(StatusCode::kInvalidArgument, HasSubstr("invalid UTF-8")));
  EXPECT_EQ(r.status().location()->field_path, "features[1].name");
  EXPECT_EQ(r.status().location()->line, 9);
}

TEST(BundleLoaderUtf8Test, BinaryWithInvalidUtf8NamesTheField) {
  auto good = ParseBundle(kText, BundleFormat::kText, "b.textproto");
  ASSERT_TRUE(good.ok());
  std::string bytes = good->bundle.SerializeAsString();
  const auto at = bytes.find("refunds");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 3] = '\xC3';  // a lead byte followed by ASCII
  auto r = ParseBundle(bytes, BundleFormat::kBinary, "b.binpb");
  ASSERT_THAT(r, StatusIs(StatusCode::kInvalidArgument, HasSubstr("invalid UTF-8")));
  EXPECT_EQ(r.status().location()->field_path, "features[1].name");
  // Other corruption stays DATA_LOSS.
  const std::string valid = good->bundle.SerializeAsString();
  EXPECT_THAT(ParseBundle(valid.substr(0, valid.size() - 3), BundleFormat::kBinary, "b.binpb"),
              StatusIs(StatusCode::kDataLoss, HasSubstr("malformed binary bundle")));
}

}  // namespace
}  // namespace credence
