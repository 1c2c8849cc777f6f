// WriteImage with a full disk: every format fails with Error(kOutputFailed)
// naming the file, and leaves nothing behind. ITK's NIfTI writer drops its
// write errors (nifticlib, zlib's gzwrite), so without the read-back the
// labels came out as a cut .nii.gz and a CT as a whole .nii.gz of a cut .nii.
#include "io/image_writer.h"

#include <gtest/gtest.h>
#include <itkImageFileReader.h>
#include <itkImageFileWriter.h>
#include <itkNiftiImageIO.h>
#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "core/geometry.h"
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
      testing::ExpectError([&] { margo::WriteImage(*labels, path); }, ErrorKind::kOutputFailed,
                           {path, "cannot write"});
    }
    EXPECT_EQ(FilesIn(dir.path()), 0) << "neither the output nor a temporary is left";
    margo::WriteImage(*labels, path);  // the disk has room again
    EXPECT_EQ(FilesIn(dir.path()), 1);
  }
}

using ShortImage = itk::Image<std::int16_t, 3>;

// `ct` in whole HU, as margo phantom writes CTs.
ShortImage::Pointer WholeHu(const CtImage& ct) {
  ShortImage::Pointer hu = ShortImage::New();
  hu->CopyInformation(&ct);
  hu->SetRegions(ct.GetLargestPossibleRegion());
  hu->Allocate();
  const std::size_t n = ct.GetLargestPossibleRegion().GetNumberOfPixels();
  for (std::size_t i = 0; i < n; ++i) hu->GetBufferPointer()[i] = std::int16_t(ct.GetBufferPointer()[i]);
  return hu;
}

// A .nii.gz is written from memory: ITK writes the header for one slice,
// and no uncompressed copy of the voxels touches the disk (it needed 2 to
// 4 MiB here, and 42 MB for the full case's warped labels). Within a
// 512 KiB file limit the CT is written and reads back whole; within 8 KiB
// it is an error, and nothing is left.
TEST(ImageWriterTest, CtIsWrittenWithoutAnUncompressedCopyOnDisk) {
  testing::Grid grid;
  grid.size = {128, 128, 64};  // 2 MiB of int16 and 4 MiB of float, nearly all -1000 HU
  grid.rotation_z_deg = 20.0;
  const CtImage::Pointer ct = testing::MakeImage<CtImage>(grid, -1000.0f);
  testing::Paint(*ct, testing::Sphere({64, 64, 32}, 10), 60.0f);
  const ShortImage::Pointer whole_hu = WholeHu(*ct);
  const std::size_t n = ct->GetLargestPossibleRegion().GetNumberOfPixels();
  testing::TempDir dir;
  const std::string path = dir / "ct.nii.gz";
  {
    const testing::FileSizeLimit small_files(512 * 1024);  // the .nii.gz needs some 20 KiB
    margo::WriteImage(*whole_hu, path);
    const LoadedCt back = LoadCt(path, "pre CT");
    ASSERT_EQ(back.image->GetLargestPossibleRegion(), ct->GetLargestPossibleRegion());
    EXPECT_EQ(std::memcmp(back.image->GetBufferPointer(), ct->GetBufferPointer(), 4 * n), 0);
    EXPECT_TRUE(SameGrid(GeometryOf(*back.image), GeometryOf(*ct)));
    margo::WriteImage(*ct, path);
    EXPECT_EQ(FilesIn(dir.path()), 1) << "the CT and no temporary";
  }
  std::filesystem::remove(path);
  {
    const testing::FileSizeLimit full_disk(8 * 1024);
    testing::ExpectError([&] { margo::WriteImage(*whole_hu, path); }, ErrorKind::kOutputFailed,
                         {path, "cannot write"});
    testing::ExpectError([&] { margo::WriteImage(*ct, path); }, ErrorKind::kOutputFailed,
                         {path, "cannot write"});
  }
  EXPECT_EQ(FilesIn(dir.path()), 0);
}

// The header of a .nii.gz is ITK's for the whole image, byte for byte (it
// is written for one slice and given the slice count): checked on an
// oblique grid for the three pixel types margo writes.
testing::Grid ObliqueGrid() {
  testing::Grid grid;
  grid.size = {37, 21, 300};  // more than 255 slices: both bytes of dim[3]
  grid.spacing_mm = {0.7, 0.9, 2.5};
  grid.origin_mm = {-12.0, 4.0, 30.0};
  grid.rotation_z_deg = 30.0;
  return grid;
}

template <typename TImage>
void ExpectItksHeader(const typename TImage::Pointer& image, const std::string& dir) {
  auto writer = itk::ImageFileWriter<TImage>::New();
  writer->SetImageIO(itk::NiftiImageIO::New());
  writer->SetInput(image);
  writer->SetFileName(dir + "/itk.nii");
  writer->Update();
  std::ifstream itk_file(dir + "/itk.nii", std::ios::binary);
  std::string itk_header(352, '\0');
  itk_file.read(itk_header.data(), 352);
  margo::WriteImage(*image, dir + "/margo.nii.gz");
  gzFile gz = gzopen((dir + "/margo.nii.gz").c_str(), "rb");
  ASSERT_NE(gz, nullptr);
  std::string margo_header(352, '\0');
  EXPECT_EQ(gzread(gz, margo_header.data(), 352), 352);
  gzclose(gz);
  EXPECT_EQ(margo_header, itk_header);
}

TEST(ImageWriterTest, NiftiGzHeaderIsItksForTheWholeImage) {
  testing::TempDir dir;
  const CtImage::Pointer ct = testing::MakeImage<CtImage>(ObliqueGrid(), 7.0f);
  ExpectItksHeader<LabelImage>(testing::MakeImage<LabelImage>(ObliqueGrid(), 7), dir.path().string());
  ExpectItksHeader<CtImage>(ct, dir.path().string());
  ExpectItksHeader<ShortImage>(WholeHu(*ct), dir.path().string());
}

// A .nii.gz is written as gzip members: its header, then the voxels in
// members of 8 MiB, compressed on all cores. Each member is a whole gzip
// stream (its own header, CRC and length), so zlib's gzread under ITK's
// reader and margo's own reader both return every voxel; the count does
// not depend on the threads.
TEST(ImageWriterTest, LabelsWrittenInSeveralGzipMembersReadBackWhole) {
  testing::Grid grid;
  grid.size = {256, 256, 80};  // 10.5 MB of uint16: the header's member and two of voxels
  grid.spacing_mm = {0.8, 0.8, 2.5};
  LabelImage::Pointer labels = testing::MakeImage<LabelImage>(grid);
  testing::Paint(*labels, testing::Sphere({102, 102, 100}, 40), std::uint16_t(3));
  labels->GetBufferPointer()[labels->GetLargestPossibleRegion().GetNumberOfPixels() - 1] = 65535;
  testing::TempDir dir;
  const std::string path = dir / "labels.nii.gz";
  margo::WriteImage(*labels, path);

  std::ifstream in(path, std::ios::binary);
  const std::string gz((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string member_start("\x1f\x8b\x08\x00", 4);  // gzip: magic, deflate, no flags (libdeflate's)
  std::size_t members = 0;
  for (std::size_t at = gz.find(member_start); at != std::string::npos; at = gz.find(member_start, at + 1)) {
    ++members;
  }
  EXPECT_EQ(members, 3u);

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
