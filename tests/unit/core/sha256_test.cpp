#include "core/sha256.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/temp_dir.h"

namespace margo {
namespace {

TEST(Sha256Test, MatchesTheFipsExamples) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // Two blocks: the padding spills into a second one.
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, FileAndFolderHashesFollowTheirContent) {
  testing::TempDir dir;
  std::ofstream(dir / "a.dcm") << "abc";
  EXPECT_EQ(Sha256OfPath(dir / "a.dcm"), Sha256Hex("abc"));
  const std::string folder = Sha256OfPath(dir.path().string());
  std::ofstream(dir / "b.dcm") << "x";
  const std::string grown = Sha256OfPath(dir.path().string());
  EXPECT_NE(folder, grown);
  std::filesystem::rename(dir / "b.dcm", dir / "c.dcm");
  EXPECT_NE(Sha256OfPath(dir.path().string()), grown) << "file names are part of a folder's hash";
}

}  // namespace
}  // namespace margo
