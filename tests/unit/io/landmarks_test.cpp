#include "io/landmarks.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/expect_error.h"
#include "tests/support/temp_dir.h"

namespace margo {
namespace {

std::string Write(const testing::TempDir& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir / name) << text;
  return dir / name;
}

TEST(LandmarksTest, ReadsNamedPointsAfterAHeaderSkippingCommentsAndBlankLines) {
  testing::TempDir dir;
  const auto points = ReadLandmarks(
      Write(dir, "a.csv",
            "name,x_mm,y_mm,z_mm\n# portal bifurcation first\nPV, -12.5, 30.25 ,-4\n\nIVC,1e1,0,2.5\n"));
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].name, "PV");
  EXPECT_EQ(points[0].lps_mm, (Vec3{-12.5, 30.25, -4.0}));
  EXPECT_EQ(points[1].name, "IVC");
  EXPECT_EQ(points[1].lps_mm, (Vec3{10.0, 0.0, 2.5}));
}

TEST(LandmarksTest, ReadsUnnamedPoints) {
  testing::TempDir dir;
  const auto points = ReadLandmarks(Write(dir, "a.csv", "1,2,3\r\n4,5,6\r\n"));
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[1].name, "");
  EXPECT_EQ(points[1].lps_mm, (Vec3{4, 5, 6}));
}

TEST(LandmarksTest, MalformedFilesNameTheFileTheLineAndWhatWasExpected) {
  testing::TempDir dir;
  const std::string two = Write(dir, "two.csv", "1,2,3\n4,5\n");
  testing::ExpectError([&] { ReadLandmarks(two); }, ErrorKind::kInputUnreadable,
                       {two, "line 2", "2 fields", "x,y,z or name,x,y,z"});
  const std::string word = Write(dir, "word.csv", "1,2,3\n4,five,6\n");
  testing::ExpectError([&] { ReadLandmarks(word); }, ErrorKind::kInputUnreadable,
                       {word, "line 2", "4,five,6", "numbers"});
  const std::string empty = Write(dir, "empty.csv", "name,x,y,z\n# nothing\n");
  testing::ExpectError([&] { ReadLandmarks(empty); }, ErrorKind::kInputUnreadable, {empty, "no point"});
  testing::ExpectError([&] { ReadLandmarks(dir / "absent.csv"); }, ErrorKind::kInputUnreadable,
                       {"absent.csv", "cannot be opened"});
}

TEST(LandmarksTest, PairsNeedTheSameCountAndTheSameNames) {
  const std::vector<Landmark> pre{{"A", {0, 0, 0}}, {"B", {1, 1, 1}}};
  const std::vector<Landmark> post_short{{"A", {0, 0, 0}}};
  testing::ExpectError([&] { RequireLandmarkPairs(pre, "pre.csv", post_short, "post.csv"); },
                       ErrorKind::kInputUnreadable, {"pre.csv holds 2 points", "post.csv 1"});
  const std::vector<Landmark> post_swapped{{"B", {0, 0, 0}}, {"A", {1, 1, 1}}};
  testing::ExpectError([&] { RequireLandmarkPairs(pre, "pre.csv", post_swapped, "post.csv"); },
                       ErrorKind::kInputUnreadable, {"point 1", "\"A\" in pre.csv", "\"B\" in post.csv"});
  const std::vector<Landmark> post_unnamed{{"", {0, 0, 0}}, {"", {1, 1, 1}}};
  EXPECT_NO_THROW(RequireLandmarkPairs(pre, "pre.csv", post_unnamed, "post.csv"));
}

}  // namespace
}  // namespace margo
