// multipart/related as DICOMweb sends and receives it: boundaries quoted or
// not, binary parts that hold CR LF and "--", a truncated transfer refused.
#include "io/multipart.h"

#include <gtest/gtest.h>

#include "tests/support/expect_error.h"

namespace margo {
namespace {

using testing::ExpectError;

TEST(MultipartBoundary, ReadsQuotedAndPlainParameters) {
  EXPECT_EQ(MultipartBoundary("multipart/related; type=\"application/dicom\"; boundary=abc123"), "abc123");
  EXPECT_EQ(MultipartBoundary("Multipart/Related; boundary=\"a b;c\"; type=\"application/dicom\""), "a b;c");
  EXPECT_EQ(MultipartBoundary("multipart/related;type=application/dicom;boundary=xyz ; start=1"), "xyz");
}

TEST(MultipartBoundary, RefusesOtherTypesAndMissingBoundary) {
  ExpectError([] { MultipartBoundary("application/json"); }, ErrorKind::kArchiveFailed,
              {"'application/json'", "expected multipart/related"});
  ExpectError([] { MultipartBoundary("multipart/related; type=\"application/dicom\""); },
              ErrorKind::kArchiveFailed, {"without a boundary"});
  // "myboundary=" is another parameter, not the boundary.
  ExpectError([] { MultipartBoundary("multipart/related; myboundary=q"); }, ErrorKind::kArchiveFailed,
              {"without a boundary"});
}

TEST(Multipart, ParsesPartsWithHeadersPreambleAndEpilogue) {
  const std::string body =
      "preamble to ignore\r\n"
      "--B\r\nContent-Type: application/dicom\r\nContent-Length: 5\r\n\r\nfirst\r\n"
      "--B  \r\ncontent-type:application/octet-stream\r\n\r\nsec\r\nond\r\n"
      "--B--\r\nepilogue";
  const std::vector<MimePart> parts = ParseMultipart(body, "B", "test");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].content_type, "application/dicom");
  EXPECT_EQ(parts[0].body, "first");
  EXPECT_EQ(parts[1].content_type, "application/octet-stream");
  EXPECT_EQ(parts[1].body, "sec\r\nond");
}

TEST(Multipart, PartWithoutHeadersAndEmptyMessage) {
  const auto parts = ParseMultipart("--B\r\n\r\nraw\r\n--B--", "B", "test");
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].content_type, "");
  EXPECT_EQ(parts[0].body, "raw");
  EXPECT_TRUE(ParseMultipart("--B--\r\n", "B", "test").empty());
}

TEST(Multipart, TruncatedTransferIsRefusedNamingTheSource) {
  const std::string whole = "--B\r\nContent-Type: application/dicom\r\n\r\n0123456789\r\n--B--\r\n";
  ExpectError([&] { ParseMultipart(whole.substr(0, 45), "B", "GET http://x/series/1"); },
              ErrorKind::kArchiveFailed, {"GET http://x/series/1", "stops inside part 1"});
  ExpectError([&] { ParseMultipart(whole.substr(0, 20), "B", "src"); }, ErrorKind::kArchiveFailed,
              {"stops inside a part's headers"});
  ExpectError([&] { ParseMultipart("no delimiter here", "B", "src"); }, ErrorKind::kArchiveFailed,
              {"holds no boundary 'B'"});
}

TEST(Multipart, BuildThenParseGivesTheSameBinaryParts) {
  std::string binary;
  for (int i = 0; i < 256; ++i) binary.push_back(char(i));
  binary += "\r\n--\r\n\r\n";  // what a boundary line looks like, without the boundary
  const std::vector<MimePart> parts = {{"application/dicom", binary},
                                       {"application/dicom", ""},
                                       {"application/dicom", std::string(100000, 'x')}};
  const std::string boundary = MakeBoundary(parts);
  for (const MimePart& p : parts) EXPECT_EQ(p.body.find(boundary), std::string::npos);
  const std::vector<MimePart> back = ParseMultipart(BuildMultipart(parts, boundary), boundary, "test");
  ASSERT_EQ(back.size(), parts.size());
  for (std::size_t i = 0; i < parts.size(); ++i) {
    EXPECT_EQ(back[i].content_type, "application/dicom");
    EXPECT_EQ(back[i].body, parts[i].body) << "part " << i;
  }
}

TEST(Multipart, BoundariesDifferBetweenCalls) { EXPECT_NE(MakeBoundary({}), MakeBoundary({})); }

}  // namespace
}  // namespace margo
