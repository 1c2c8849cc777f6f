#include "core/sha256.h"

#include <gtest/gtest.h>
#include <itkMultiThreaderBase.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "core/error.h"
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

TEST(Sha256Test, BackgroundHashesMatchAndReportUnreadableFilesWhenAsked) {
  testing::TempDir dir;
  std::ofstream(dir / "a.nii") << "abc";
  std::filesystem::create_directory(dir / "series");
  const std::string a = dir / "a.nii", series = dir / "series", missing = dir / "missing.nii";
  std::ofstream(series + "/1.dcm") << "x";
  const unsigned saved = itk::MultiThreaderBase::GetGlobalDefaultNumberOfThreads();
  for (unsigned threads : {2u, 1u}) {  // --threads 1: no background thread, each hashed when asked for
    SCOPED_TRACE(threads);
    itk::MultiThreaderBase::SetGlobalDefaultNumberOfThreads(threads);
    BackgroundSha256 hashes({a, "", missing, series});  // "" (an input not given) is skipped
    EXPECT_EQ(hashes.Of(series), Sha256OfPath(series)) << "asked out of order";
    EXPECT_EQ(hashes.Of(a), Sha256Hex("abc"));
    EXPECT_THROW(hashes.Of(missing), Error);
    std::ofstream(dir / "later.nii") << "x";
    EXPECT_EQ(hashes.Of(dir / "later.nii"), Sha256Hex("x")) << "a path not given is hashed on the spot";
  }
  itk::MultiThreaderBase::SetGlobalDefaultNumberOfThreads(saved);
}

TEST(Sha256Test, DestroyingBackgroundHashesStopsThemWithoutWaitingForEveryFile) {
  testing::TempDir dir;
  {
    std::ofstream big(dir / "big.bin", std::ios::binary);
    const std::string block(1 << 20, 'x');
    for (int i = 0; i < 64; ++i) big << block;  // 64 MiB
  }
  const auto start = std::chrono::steady_clock::now();
  { BackgroundSha256 hashes(std::vector<std::string>(64, dir / "big.bin")); }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // 4 GiB: over 2 s even at the 1.7 GB/s of SHA instructions.
  EXPECT_LT(seconds, 1.0) << "64 hashes of 64 MiB were not cancelled";
}

}  // namespace
}  // namespace margo
