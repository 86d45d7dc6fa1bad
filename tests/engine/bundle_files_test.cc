// Model files a bundle names: they resolve to their real path, which must lie inside the
// real path of the bundle's folder. A symbolic link to a file outside and a linked
// sub-folder pointing outside are refused (INVALID_ARGUMENT naming the field); a link that
// stays inside is followed. A model path that is a directory says so.
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "credence/bundle.h"
#include "credence/engine.h"
#include "credence/predictor.h"
#include "io/file.h"
#include "tests/testing/status_matchers.h"

namespace credence {
namespace {

namespace fs = std::filesystem;
using ::credence::testing::StatusIs;
using ::testing::HasSubstr;

// A bundle whose one model is the tree ensemble in `model_file`, in folder `dir`.
void WriteBundle(const fs::path& dir, const std::string& model_file) {
  std::ofstream(dir / "bundle.textproto")
      << "metadata { name: \"links\" }\nbase_currency: \"USD\"\n"
         "features { name: \"x0\" filter { kinds: EVENT_KIND_ORDER } window { all_history: true } "
         "aggregate { op: AGGREGATE_OP_COUNT } }\n"
         "models { id: \"gbm\" tree_ensemble { file: \""
      << model_file
      << "\" format: TREE_MODEL_FORMAT_XGBOOST_JSON features: \"x0\" features: \"x0\" } }\n";
}

class BundleFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("credence_links_" + std::to_string(getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "bundle" / "models");
    fs::create_directories(root_ / "outside");
    const fs::path model =
        fs::path(CREDENCE_SOURCE_DIR) / "fuzz/corpus/model_loader/xgboost_minimal.json";
    fs::copy_file(model, root_ / "outside" / "secret.json");
    fs::copy_file(model, root_ / "bundle" / "models" / "gbm.json");
  }
  void TearDown() override { fs::remove_all(root_); }

  Result<std::shared_ptr<const Engine>> Compile() {
    CREDENCE_ASSIGN_OR_RETURN(LoadedBundle loaded, LoadBundle((root_ / "bundle").string()));
    return Engine::Compile(loaded);
  }

  fs::path root_;
};

TEST_F(BundleFilesTest, PlainFileInsideLoads) {
  WriteBundle(root_ / "bundle", "models/gbm.json");
  EXPECT_TRUE(Compile().ok()) << Compile().status();
}

TEST_F(BundleFilesTest, LinkToAFileOutsideIsRefused) {
  fs::create_symlink(root_ / "outside" / "secret.json", root_ / "bundle" / "models" / "link.json");
  WriteBundle(root_ / "bundle", "models/link.json");
  auto engine = Compile();
  EXPECT_THAT(engine,
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("outside the bundle's folder")));
  ASSERT_NE(engine.status().location(), nullptr);
  EXPECT_EQ(engine.status().location()->field_path, "models[0].tree_ensemble.file");
  EXPECT_EQ(engine.status().location()->line, 4);
  // The predictor path applies the same rule.
  EXPECT_THAT(Predictor::Load((root_ / "bundle").string()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("outside the bundle's folder")));
}

TEST_F(BundleFilesTest, LinkedSubFolderOutsideIsRefused) {
  fs::create_directory_symlink(root_ / "outside", root_ / "bundle" / "shared");
  WriteBundle(root_ / "bundle", "shared/secret.json");
  EXPECT_THAT(Compile(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("outside the bundle's folder")));
  // Also when the file named does not exist: the folder itself leads outside.
  WriteBundle(root_ / "bundle", "shared/missing.json");
  EXPECT_THAT(Compile(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("outside the bundle's folder")));
}

TEST_F(BundleFilesTest, LinksThatStayInsideAreFollowed) {
  fs::create_symlink("gbm.json", root_ / "bundle" / "models" / "latest.json");
  fs::create_directory_symlink("models", root_ / "bundle" / "current");
  for (const char* file : {"models/latest.json", "current/gbm.json", "current/latest.json"}) {
    WriteBundle(root_ / "bundle", file);
    EXPECT_TRUE(Compile().ok()) << file << ": " << Compile().status();
  }
  // The bundle folder itself may be reached through a link.
  fs::create_directory_symlink(root_ / "bundle", root_ / "bundle_link");
  auto loaded = LoadBundle((root_ / "bundle_link").string());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_TRUE(Engine::Compile(*loaded).ok());
}

TEST_F(BundleFilesTest, DotDotAndAbsolutePathsStayRefused) {
  EXPECT_THAT(io::ResolveInside((root_ / "bundle").string(), "../outside/secret.json"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("leaves the bundle's folder")));
  EXPECT_THAT(
      io::ResolveInside((root_ / "bundle").string(), (root_ / "outside" / "secret.json").string()),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("must be a relative path")));
}

TEST_F(BundleFilesTest, ModelPathThatIsADirectorySaysSo) {
  WriteBundle(root_ / "bundle", "models");
  auto engine = Compile();
  EXPECT_THAT(engine, StatusIs(StatusCode::kInvalidArgument, HasSubstr("is a directory")));
  ASSERT_NE(engine.status().location(), nullptr);
  EXPECT_EQ(engine.status().location()->field_path, "models[0].tree_ensemble.file");
  EXPECT_THAT(io::ReadFile((root_ / "bundle").string(), 1 << 20),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("is a directory, not a file")));
}

TEST_F(BundleFilesTest, ModelFileErrorsNameTheTreeAndField) {
  std::ifstream in(root_ / "bundle" / "models" / "gbm.json");
  std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string from = "\"left_children\":[1,-1,-1]";
  ASSERT_NE(json.find(from), std::string::npos);
  json.replace(json.find(from), from.size(), "\"left_children\":\"x\"");
  std::ofstream(root_ / "bundle" / "models" / "bad.json") << json;
  WriteBundle(root_ / "bundle", "models/bad.json");
  EXPECT_THAT(Compile(),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("model file models/bad.json: "
                                 "learner.gradient_booster.model.trees[0].left_children: tree 0: "
                                 "'left_children' is string, expected an array")));
}

}  // namespace
}  // namespace credence
