// File names from DICOM attributes: nothing that leaves the folder, hides the
// file or confuses a terminal survives.
#include "io/safe_file_name.h"

#include <gtest/gtest.h>

namespace margo {
namespace {

TEST(SafeFileName, KeepsUidsAndPlainNames) {
  EXPECT_EQ(SafeFileName("1.2.826.0.1.3680043.10.1234.2.1"), "1.2.826.0.1.3680043.10.1234.2.1");
  EXPECT_EQ(SafeFileName("CT_abdomen-venous+1"), "CT_abdomen-venous+1");
}

TEST(SafeFileName, NeutralisesPathSeparatorsAndDotDot) {
  EXPECT_EQ(SafeFileName("../../etc/passwd"), "_._.__etc_passwd");
  EXPECT_EQ(SafeFileName(".."), "_.");
  EXPECT_EQ(SafeFileName("."), "_");
  EXPECT_EQ(SafeFileName("a\\b/c"), "a_b_c");
  EXPECT_EQ(SafeFileName(".hidden"), "_hidden");
  EXPECT_EQ(SafeFileName("x...y"), "x._.y");
  for (const char* evil : {"../x", "a/../../b", "....", "/abs", "..\\..\\win"}) {
    const std::string safe = SafeFileName(evil);
    EXPECT_EQ(safe.find(".."), std::string::npos) << evil << " -> " << safe;
    EXPECT_EQ(safe.find_first_of("/\\"), std::string::npos) << evil << " -> " << safe;
    EXPECT_NE(safe.front(), '.') << evil << " -> " << safe;
  }
}

TEST(SafeFileName, ReplacesControlSpaceAndNonAsciiBytes) {
  EXPECT_EQ(SafeFileName(std::string("a\0b", 3)), "a_b");
  EXPECT_EQ(SafeFileName("line\nbreak\ttab\x1b[31m"), "line_break_tab__31m");
  EXPECT_EQ(SafeFileName("Leber Tumor \xc3\xbc"), "Leber_Tumor___");
}

TEST(SafeFileName, NeverEmptyAndBoundedInLength) {
  EXPECT_EQ(SafeFileName(""), "_");
  EXPECT_EQ(SafeFileName(std::string(500, 'a')).size(), 96u);
  EXPECT_EQ(SafeFileName("abcdef", 3), "abc");
  EXPECT_EQ(SafeFileName("abc", 0), "a");
}

}  // namespace
}  // namespace margo
