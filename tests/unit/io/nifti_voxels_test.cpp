// margo's own pass over NIfTI voxels (io/nifti_voxels.h) must give what
// ITK's reader gives, voxel for voxel and on the same grid, for every stored
// type, plain or gzip (one member or several); files it does not take
// (scaled values) must still load as ITK reads them, not be taken for
// truncated (ITK counts their voxels as float); a corrupt stream is
// refused with the path.
#include "io/nifti_voxels.h"

#include <gtest/gtest.h>
#include <itkImageFileReader.h>
#include <itkImageFileWriter.h>
#include <itkImageRegionIterator.h>
#include <itkNiftiImageIO.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/image_reader.h"
#include "tests/support/expect_error.h"
#include "tests/support/synthetic.h"
#include "tests/support/temp_dir.h"

namespace margo {
namespace {

using testing::TempDir;

// A 23 x 17 x 9 oblique, anisotropic image of values that use the type's range.
template <typename T>
void WriteNifti(const std::string& path) {
  using Image = itk::Image<T, 3>;
  testing::Grid grid;
  grid.size = {23, 17, 9};
  grid.spacing_mm = {0.7, 0.9, 2.5};
  grid.origin_mm = {-30.0, 12.5, 40.0};
  grid.rotation_z_deg = 20.0;
  const CtImage::Pointer geometry = testing::MakeImage<CtImage>(grid);
  auto image = Image::New();
  image->CopyInformation(geometry);
  image->SetRegions(geometry->GetLargestPossibleRegion());
  image->Allocate();
  long n = 0;
  itk::ImageRegionIterator<Image> it(image, image->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it, ++n) {
    const double wave = std::sin(0.37 * double(n)) * (std::is_signed<T>::value ? 1.0 : 0.5) + 0.5;
    const double span = std::is_floating_point<T>::value ? 3000.0 : double(std::numeric_limits<T>::max()) * 0.9;
    it.Set(static_cast<T>(wave * span + (std::is_floating_point<T>::value ? 0.25 : 0.0)));
  }
  auto writer = itk::ImageFileWriter<Image>::New();
  writer->SetImageIO(itk::NiftiImageIO::New());
  writer->SetInput(image);
  writer->SetFileName(path);
  writer->SetUseCompression(path.size() > 3 && path.substr(path.size() - 3) == ".gz");
  writer->Update();
}

CtImage::Pointer ItkRead(const std::string& path) {
  auto reader = itk::ImageFileReader<CtImage>::New();
  reader->SetImageIO(itk::NiftiImageIO::New());
  reader->SetFileName(path);
  reader->Update();
  return reader->GetOutput();
}

void ExpectSameImage(const CtImage& ours, const CtImage& itk) {
  ASSERT_EQ(ours.GetLargestPossibleRegion(), itk.GetLargestPossibleRegion());
  for (int a = 0; a < 3; ++a) {
    EXPECT_EQ(ours.GetSpacing()[a], itk.GetSpacing()[a]);
    EXPECT_EQ(ours.GetOrigin()[a], itk.GetOrigin()[a]);
    for (int b = 0; b < 3; ++b) EXPECT_EQ(ours.GetDirection()[a][b], itk.GetDirection()[a][b]);
  }
  const std::size_t n = ours.GetLargestPossibleRegion().GetNumberOfPixels();
  EXPECT_EQ(std::memcmp(ours.GetBufferPointer(), itk.GetBufferPointer(), n * sizeof(float)), 0);
}

std::vector<char> Bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void Put(const std::string& path, const std::vector<char>& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

template <typename T>
void CheckType(const char* name) {
  for (const char* ext : {".nii", ".nii.gz"}) {
    SCOPED_TRACE(std::string(name) + ext);
    TempDir dir;
    const std::string path = dir / (std::string(name) + ext);
    WriteNifti<T>(path);
    EXPECT_TRUE(ReadNiftiVoxels(path, "pre CT", 23 * 17 * 9)) << "margo's pass should take this file";
    ExpectSameImage(*LoadCt(path, "pre CT").image, *ItkRead(path));
  }
}

TEST(NiftiVoxelsTest, EveryStoredTypeReadsAsItkReadsIt) {
  CheckType<std::uint8_t>("uint8");
  CheckType<std::int8_t>("int8");
  CheckType<std::uint16_t>("uint16");
  CheckType<std::int16_t>("int16");
  CheckType<std::uint32_t>("uint32");
  CheckType<std::int32_t>("int32");
  CheckType<float>("float32");
  CheckType<double>("float64");
}

TEST(NiftiVoxelsTest, LabelMapsReadAsItkReadsThem) {
  TempDir dir;
  const std::string path = dir / "labels.nii.gz";
  WriteNifti<std::uint8_t>(path);
  const LabelImage::Pointer ours = LoadLabels(path, "tumour labels").image;
  auto reader = itk::ImageFileReader<LabelImage>::New();
  reader->SetImageIO(itk::NiftiImageIO::New());
  reader->SetFileName(path);
  reader->Update();
  const std::size_t n = ours->GetLargestPossibleRegion().GetNumberOfPixels();
  ASSERT_EQ(ours->GetLargestPossibleRegion(), reader->GetOutput()->GetLargestPossibleRegion());
  EXPECT_EQ(std::memcmp(ours->GetBufferPointer(), reader->GetOutput()->GetBufferPointer(), n * 2), 0);
}

TEST(NiftiVoxelsTest, SeveralGzipMembersReadAsOne) {
  TempDir dir;
  const std::string plain = dir / "scan.nii", split = dir / "split.nii.gz";
  WriteNifti<std::int16_t>(plain);
  const std::vector<char> raw = Bytes(plain);
  {  // header and first rows in one member, the rest in another (as `cat a.gz b.gz` makes)
    const std::size_t cut = 1000;
    for (const auto& [from, to] : {std::make_pair(std::size_t(0), cut), std::make_pair(cut, raw.size())}) {
      gzFile out = gzopen(split.c_str(), from == 0 ? "wb" : "ab");
      ASSERT_NE(out, nullptr);
      ASSERT_EQ(gzwrite(out, raw.data() + from, unsigned(to - from)), int(to - from));
      gzclose(out);
    }
  }
  EXPECT_TRUE(ReadNiftiVoxels(split, "pre CT", 23 * 17 * 9));
  ExpectSameImage(*LoadCt(split, "pre CT").image, *ItkRead(plain));
}

TEST(NiftiVoxelsTest, ScaledValuesAreLeftToItk) {
  TempDir dir;
  const std::string path = dir / "scaled.nii";
  WriteNifti<std::int16_t>(path);
  std::vector<char> bytes = Bytes(path);
  const float slope = 0.5f, inter = -1024.0f;
  std::memcpy(bytes.data() + 112, &slope, 4);
  std::memcpy(bytes.data() + 116, &inter, 4);
  Put(path, bytes);
  EXPECT_FALSE(ReadNiftiVoxels(path, "pre CT", 23 * 17 * 9));
  const CtImage::Pointer ours = LoadCt(path, "pre CT").image;
  ExpectSameImage(*ours, *ItkRead(path));
  // ITK applied the scaling: v * 0.5 - 1024 of what is stored.
  std::int16_t stored = 0;
  std::memcpy(&stored, bytes.data() + 352 + 5 * 2, 2);
  EXPECT_EQ(ours->GetBufferPointer()[5], float(stored) * 0.5f - 1024.0f);
}

// A big-endian NIfTI-1 of 4 x 3 x 2 int16 values 100 + i, scaled by
// scl_slope 2 and scl_inter 10 (built byte by byte: ITK writes in the
// machine's order).
std::vector<char> BigEndianScaled() {
  std::vector<char> b(352 + 24 * 2, 0);
  const auto put = [&](std::size_t at, auto value) {
    char raw[sizeof value];
    std::memcpy(raw, &value, sizeof value);
    std::reverse_copy(raw, raw + sizeof value, b.data() + at);
  };
  put(0, std::int32_t(348));
  const std::int16_t dim[8] = {3, 4, 3, 2, 1, 1, 1, 1};
  for (int d = 0; d < 8; ++d) put(40 + 2 * std::size_t(d), dim[d]);
  put(70, std::int16_t(4));  // int16
  put(72, std::int16_t(16));
  for (const auto& [at, value] :
       {std::make_pair(76, 1.0f), std::make_pair(80, 1.5f), std::make_pair(84, 1.5f),
        std::make_pair(88, 2.5f), std::make_pair(108, 352.0f), std::make_pair(112, 2.0f),
        std::make_pair(116, 10.0f)}) {
    put(std::size_t(at), value);
  }
  put(252, std::int16_t(1));  // qform_code; quaternion 0: identity
  std::memcpy(b.data() + 344, "n+1", 4);
  for (int i = 0; i < 24; ++i) put(352 + 2 * std::size_t(i), std::int16_t(100 + i));
  return b;
}

// margo's pass leaves a big-endian file to ITK, and the completeness check
// reads its header in its own byte order: the scaled int16 voxels ITK
// reports as float are not taken for a file cut short.
TEST(NiftiVoxelsTest, BigEndianScaledFilesReadAsStored) {
  TempDir dir;
  const std::string path = dir / "big_endian.nii";
  Put(path, BigEndianScaled());
  EXPECT_FALSE(ReadNiftiVoxels(path, "pre CT", 24));
  const CtImage::Pointer ours = LoadCt(path, "pre CT").image;
  ASSERT_EQ(ours->GetLargestPossibleRegion().GetNumberOfPixels(), 24u);
  for (int i = 0; i < 24; ++i) EXPECT_EQ(ours->GetBufferPointer()[i], 2.0f * float(100 + i) + 10.0f) << i;
  EXPECT_DOUBLE_EQ(ours->GetSpacing()[2], 2.5);
  // Cut by one voxel: 352 + 23 * 2 bytes of the 352 + 24 * 2 its header promises.
  std::vector<char> cut = BigEndianScaled();
  cut.resize(cut.size() - 2);
  Put(path, cut);
  testing::ExpectError([&] { LoadCt(path, "pre CT"); }, ErrorKind::kInputUnreadable,
                       {"pre CT", path, "truncated", "398 bytes", "expected 400"});
}

TEST(NiftiVoxelsTest, CorruptOrCutStreamsAreRefusedWithThePath) {
  TempDir dir;
  const std::string path = dir / "scan.nii.gz";
  WriteNifti<float>(path);
  const std::vector<char> good = Bytes(path);
  std::vector<char> flipped = good;
  flipped[flipped.size() / 2] = char(flipped[flipped.size() / 2] ^ 0x5a);
  Put(path, flipped);
  testing::ExpectError([&] { LoadCt(path, "pre CT"); }, ErrorKind::kInputUnreadable, {"pre CT", path});
  Put(path, std::vector<char>(good.begin(), good.begin() + std::ptrdiff_t(good.size() * 3 / 4)));
  testing::ExpectError([&] { LoadCt(path, "pre CT"); }, ErrorKind::kInputUnreadable, {"pre CT", path});
  // Whole but shorter than its header says: one gzip member that ends early.
  const std::string plain = dir / "scan.nii";
  WriteNifti<float>(plain);
  std::vector<char> raw = Bytes(plain);
  raw.resize(raw.size() - 400);
  gzFile out = gzopen(path.c_str(), "wb");
  gzwrite(out, raw.data(), unsigned(raw.size()));
  gzclose(out);
  testing::ExpectError([&] { LoadCt(path, "pre CT"); }, ErrorKind::kInputUnreadable,
                       {"pre CT", path, "truncated or corrupt", std::to_string(raw.size()) + " bytes"});
}

// A .nii.gz cut inside its 8-byte gzip trailer (CRC and length) still holds
// every voxel: libdeflate refuses it, and zlib's gzread, which ITK's reader
// and the old completeness check used, returned the voxels without a word.
TEST(NiftiVoxelsTest, AStreamCutInsideItsGzipTrailerIsTruncated) {
  for (const char* type : {"float", "uint8"}) {
    TempDir dir;
    const std::string path = dir / "scan.nii.gz";
    if (std::string(type) == "float") {
      WriteNifti<float>(path);
    } else {
      WriteNifti<std::uint8_t>(path);
    }
    const std::vector<char> good = Bytes(path);
    for (std::size_t cut = 1; cut <= 9; ++cut) {
      SCOPED_TRACE(std::string(type) + ", last " + std::to_string(cut) + " bytes cut");
      Put(path, std::vector<char>(good.begin(), good.end() - std::ptrdiff_t(cut)));
      testing::ExpectError([&] { LoadCt(path, "pre CT"); }, ErrorKind::kInputUnreadable,
                           {"pre CT", path, "truncated"});
      testing::ExpectError([&] { LoadLabels(path, "tumour labels"); }, ErrorKind::kInputUnreadable,
                           {"tumour labels", path, "truncated"});
    }
  }
}

// Bytes after the last gzip member are ignored, as zlib's gzread (and so ITK)
// ignores them.
TEST(NiftiVoxelsTest, BytesAfterTheLastGzipMemberAreIgnored) {
  TempDir dir;
  const std::string path = dir / "scan.nii.gz", plain = dir / "scan.nii";
  WriteNifti<std::int16_t>(path);
  WriteNifti<std::int16_t>(plain);
  std::vector<char> bytes = Bytes(path);
  for (char c : std::string("trailing text")) bytes.push_back(c);
  Put(path, bytes);
  ExpectSameImage(*LoadCt(path, "pre CT").image, *ItkRead(plain));
}

TEST(NiftiVoxelsTest, AHeaderPromisingFarMoreThanTheFileHoldsIsRefusedBeforeAllocating) {
  TempDir dir;
  const std::string plain = dir / "scan.nii", path = dir / "huge.nii.gz";
  WriteNifti<std::int16_t>(plain);
  std::vector<char> raw = Bytes(plain);
  const std::int16_t big = 30000;  // 30000^3 int16: 54 TB promised
  for (int d = 1; d <= 3; ++d) std::memcpy(raw.data() + 40 + 2 * d, &big, 2);
  gzFile out = gzopen(path.c_str(), "wb");
  gzwrite(out, raw.data(), unsigned(raw.size()));
  gzclose(out);
  testing::ExpectError([&] { LoadCt(path, "pre CT"); }, ErrorKind::kInputUnreadable,
                       {"pre CT", path, "truncated or corrupt"});
}

}  // namespace
}  // namespace margo
