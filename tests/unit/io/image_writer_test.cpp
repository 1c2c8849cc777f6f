// WriteImage with a full disk: every format fails with Error(kOutputFailed)
// naming the file, and leaves nothing behind. ITK's NIfTI writer drops its
// write errors (nifticlib, zlib's gzwrite), so without the read-back the
// labels came out as a cut .nii.gz and a CT as a whole .nii.gz of a cut .nii.
#include "io/image_writer.h"

#include <gtest/gtest.h>
#include <itkImageFileReader.h>
#include <itkNiftiImageIO.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "io/image_reader.h"
#include "tests/support/expect_error.h"
#include "tests/support/file_size_limit.h"
#include "tests/support/synthetic.h"
#include "tests/support/temp_dir.h"

namespace margo {
namespace {

// Files left in `dir`: the output and any temporary.
int FilesIn(const std::filesystem::path& dir) {
  int n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

// Labels that compress to far more than 16 KiB: 256 KiB of random values.
LabelImage::Pointer NoisyLabels() {
  testing::Grid grid;
  grid.size = {64, 64, 32};
  LabelImage::Pointer labels = testing::MakeImage<LabelImage>(grid);
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> label(0, 200);
  const std::size_t n = labels->GetLargestPossibleRegion().GetNumberOfPixels();
  for (std::size_t i = 0; i < n; ++i) labels->GetBufferPointer()[i] = std::uint16_t(label(rng));
  return labels;
}

TEST(ImageWriterTest, LabelsOnAFullDiskAreAnErrorNamingTheFile) {
  const LabelImage::Pointer labels = NoisyLabels();
  for (const std::string name : {"labels.nii.gz", "labels.nii", "labels.nrrd", "labels.mha"}) {
    SCOPED_TRACE(name);
    testing::TempDir dir;
    const std::string path = dir / name;
    {
      const testing::FileSizeLimit full_disk(16 * 1024);
      testing::ExpectError([&] { WriteImage(*labels, path); }, ErrorKind::kOutputFailed,
                           {path, "cannot write"});
    }
    EXPECT_EQ(FilesIn(dir.path()), 0) << "neither the output nor a temporary is left";
    WriteImage(*labels, path);  // the disk has room again
    EXPECT_EQ(FilesIn(dir.path()), 1);
  }
}

// A CT is written as a .nii by ITK, then gzipped by libdeflate: a .nii cut
// short by the full disk gzips into a small .nii.gz that would fit.
TEST(ImageWriterTest, CtWhoseUncompressedCopyIsCutShortIsAnError) {
  testing::Grid grid;
  grid.size = {128, 128, 64};  // 2 MiB of int16 and 4 MiB of float, nearly all -1000 HU
  const CtImage::Pointer ct = testing::MakeImage<CtImage>(grid, -1000.0f);
  testing::Paint(*ct, testing::Sphere({64, 64, 32}, 10), 60.0f);
  using ShortImage = itk::Image<std::int16_t, 3>;
  ShortImage::Pointer whole_hu = ShortImage::New();
  whole_hu->CopyInformation(ct);
  whole_hu->SetRegions(ct->GetLargestPossibleRegion());
  whole_hu->Allocate();
  for (std::size_t i = 0; i < ct->GetLargestPossibleRegion().GetNumberOfPixels(); ++i) {
    whole_hu->GetBufferPointer()[i] = std::int16_t(ct->GetBufferPointer()[i]);
  }
  testing::TempDir dir;
  const std::string path = dir / "ct.nii.gz";
  {
    const testing::FileSizeLimit full_disk(512 * 1024);  // the .nii.gz needs some 20 KiB
    testing::ExpectError([&] { WriteImage(*whole_hu, path); }, ErrorKind::kOutputFailed,
                         {path, "cannot write"});
    testing::ExpectError([&] { WriteImage(*ct, path); }, ErrorKind::kOutputFailed, {path, "cannot write"});
  }
  EXPECT_EQ(FilesIn(dir.path()), 0);
}

// A .nii.gz is written in gzip members of 8 MiB of input, compressed on all
// cores. Each member is a whole gzip stream (its own header, CRC and
// length), so zlib's gzread under ITK's reader and margo's own reader both
// return every voxel; the count does not depend on the threads.
TEST(ImageWriterTest, LabelsWrittenInSeveralGzipMembersReadBackWhole) {
  testing::Grid grid;
  grid.size = {256, 256, 80};  // 10.5 MB of uint16 and a 352-byte header: two members
  grid.spacing_mm = {0.8, 0.8, 2.5};
  LabelImage::Pointer labels = testing::MakeImage<LabelImage>(grid);
  testing::Paint(*labels, testing::Sphere({102, 102, 100}, 40), std::uint16_t(3));
  labels->GetBufferPointer()[labels->GetLargestPossibleRegion().GetNumberOfPixels() - 1] = 65535;
  testing::TempDir dir;
  const std::string path = dir / "labels.nii.gz";
  WriteImage(*labels, path);

  std::ifstream in(path, std::ios::binary);
  const std::string gz((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string member_start("\x1f\x8b\x08\x00", 4);  // gzip: magic, deflate, no flags (libdeflate's)
  std::size_t members = 0;
  for (std::size_t at = gz.find(member_start); at != std::string::npos; at = gz.find(member_start, at + 1)) {
    ++members;
  }
  EXPECT_EQ(members, 2u);

  const std::size_t n = labels->GetLargestPossibleRegion().GetNumberOfPixels();
  auto reader = itk::ImageFileReader<LabelImage>::New();
  reader->SetImageIO(itk::NiftiImageIO::New());
  reader->SetFileName(path);
  reader->Update();
  ASSERT_EQ(reader->GetOutput()->GetLargestPossibleRegion().GetNumberOfPixels(), n);
  EXPECT_EQ(std::memcmp(reader->GetOutput()->GetBufferPointer(), labels->GetBufferPointer(), 2 * n), 0)
      << "ITK's reader";
  const LoadedLabels own = LoadLabels(path, "tumour labels");
  ASSERT_EQ(own.image->GetLargestPossibleRegion().GetNumberOfPixels(), n);
  EXPECT_EQ(std::memcmp(own.image->GetBufferPointer(), labels->GetBufferPointer(), 2 * n), 0)
      << "margo's reader";
}

}  // namespace
}  // namespace margo
