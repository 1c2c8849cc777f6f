// Loading CT volumes and label maps from NIfTI, NRRD and MetaImage files:
// geometry survives a round trip (also with a rotated direction, which NIfTI
// stores as RAS), and bad files are refused with the path in the message.
#include "io/image_reader.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <itkImageFileWriter.h>
#include <itkImageRegionIteratorWithIndex.h>
#include <itkMetaImageIO.h>
#include <itkNiftiImageIO.h>
#include <itkNrrdImageIO.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/image_writer.h"
#include "tests/support/expect_error.h"
#include "tests/support/synthetic.h"
#include "tests/support/temp_dir.h"

namespace margo {
namespace {

using testing::ExpectError;

namespace fs = std::filesystem;
using testing::Grid;
using testing::MakeImage;
using testing::TempDir;

// Rz(a) * Rx(b): a proper rotation that is oblique on every axis.
CtImage::DirectionType Rotation(double about_z_deg, double about_x_deg) {
  const double a = about_z_deg * M_PI / 180.0, b = about_x_deg * M_PI / 180.0;
  CtImage::DirectionType rz, rx;
  rz.SetIdentity();
  rx.SetIdentity();
  rz[0][0] = std::cos(a), rz[0][1] = -std::sin(a), rz[1][0] = std::sin(a), rz[1][1] = std::cos(a);
  rx[1][1] = std::cos(b), rx[1][2] = -std::sin(b), rx[2][1] = std::sin(b), rx[2][2] = std::cos(b);
  return rz * rx;
}

// Value i + 10 j + 100 k at index (i, j, k), to check the voxel order.
template <typename TImage>
void FillWithIndexCode(TImage& image) {
  itk::ImageRegionIteratorWithIndex<TImage> it(&image, image.GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    const auto idx = it.GetIndex();
    it.Set(static_cast<typename TImage::PixelType>(idx[0] + 10 * idx[1] + 100 * idx[2]));
  }
}

template <typename TImage>
void ExpectIndexCode(const TImage& image) {
  itk::ImageRegionConstIteratorWithIndex<TImage> it(&image, image.GetLargestPossibleRegion());
  int wrong = 0;
  for (; !it.IsAtEnd(); ++it) {
    const auto idx = it.GetIndex();
    const double expected = double(idx[0] + 10 * idx[1] + 100 * idx[2]);
    if (double(it.Get()) != expected && wrong++ < 5) {
      ADD_FAILURE() << "voxel " << idx << " holds " << double(it.Get()) << "; expected " << expected;
    }
  }
  EXPECT_EQ(wrong, 0);
}

void ExpectGeometryNear(const ImageGeometry& got, const ImageGeometry& want) {
  EXPECT_EQ(got.size, want.size);
  for (int r = 0; r < 3; ++r) {
    EXPECT_NEAR(got.spacing_mm[r], want.spacing_mm[r], 1e-5) << "spacing axis " << r;
    EXPECT_NEAR(got.origin_mm[r], want.origin_mm[r], 1e-4) << "origin axis " << r;
    for (int c = 0; c < 3; ++c) {
      EXPECT_NEAR(got.direction[r][c], want.direction[r][c], 1e-5) << "direction[" << r << "][" << c << "]";
    }
  }
}

// The tests do not register ITK's IO factories (margo does not rely on
// them either), so ITK writers get their IO explicitly.
itk::ImageIOBase::Pointer IoFor(const std::string& path) {
  const std::string name = fs::path(path).filename().string();
  if (name.find(".nii") != std::string::npos) return itk::NiftiImageIO::New().GetPointer();
  if (name.find(".nrrd") != std::string::npos || name.find(".nhdr") != std::string::npos) {
    return itk::NrrdImageIO::New().GetPointer();
  }
  return itk::MetaImageIO::New().GetPointer();
}

// margo::WriteImage for the formats margo writes; ITK's writer for the
// detached-header forms (.nhdr, .mhd) that margo reads but never writes.
template <typename TImage>
void Save(const TImage& image, const std::string& path) {
  const std::string ext = fs::path(path).extension().string();
  if (ext != ".nhdr" && ext != ".mhd") return margo::WriteImage(image, path);
  auto writer = itk::ImageFileWriter<TImage>::New();
  writer->SetImageIO(IoFor(path));
  writer->SetInput(&image);
  writer->SetFileName(path);
  writer->Update();
}

// ---------------------------------------------------------------------------
// Round trips.

struct RoundTripCase {
  const char* file_name;
  const char* format;
  double about_z_deg, about_x_deg;
};

const std::vector<RoundTripCase> kRoundTrips = {
    {"identity.nii", "NIfTI", 0, 0},       {"rotated.nii", "NIfTI", 30, 20},
    {"rotated.nii.gz", "NIfTI", -40, 15},  {"identity.nrrd", "NRRD", 0, 0},
    {"rotated.nrrd", "NRRD", 30, 20},      {"identity.mha", "MetaImage", 0, 0},
    {"rotated.mha", "MetaImage", 30, 20},  {"rotated.nhdr", "NRRD", 10, -25},
    {"rotated.mhd", "MetaImage", -15, 35},
};

Grid AnisotropicGrid() {
  Grid grid;
  grid.size = {7, 6, 5};
  grid.spacing_mm = {0.7, 0.8, 2.5};
  grid.origin_mm = {-12.5, 30.25, -101.0};
  return grid;
}

TEST(ImageReaderTest, CtRoundTripPreservesGeometryAndVoxels) {
  for (const RoundTripCase& c : kRoundTrips) {
    SCOPED_TRACE(c.file_name);
    TempDir dir;
    CtImage::Pointer image = MakeImage<CtImage>(AnisotropicGrid());
    image->SetDirection(Rotation(c.about_z_deg, c.about_x_deg));
    FillWithIndexCode(*image);
    const std::string path = dir / c.file_name;
    Save(*image, path);

    const LoadedCt ct = LoadCt(path, "test CT");
    EXPECT_EQ(ct.report.format, c.format);
    EXPECT_EQ(ct.report.path, path);
    ExpectGeometryNear(ct.report.geometry, GeometryOf(*image));
    ExpectGeometryNear(GeometryOf(*ct.image), GeometryOf(*image));
    ExpectIndexCode(*ct.image);
  }
}

TEST(ImageReaderTest, LabelRoundTripPreservesGeometryAndLabels) {
  for (const RoundTripCase& c : kRoundTrips) {
    SCOPED_TRACE(c.file_name);
    TempDir dir;
    LabelImage::Pointer image = MakeImage<LabelImage>(AnisotropicGrid());
    image->SetDirection(Rotation(c.about_z_deg, c.about_x_deg));
    FillWithIndexCode(*image);
    const std::string path = dir / c.file_name;
    Save(*image, path);

    const LoadedLabels labels = LoadLabels(path, "tumour labels");
    EXPECT_EQ(labels.report.format, c.format);
    ExpectGeometryNear(labels.report.geometry, GeometryOf(*image));
    ExpectGeometryNear(GeometryOf(*labels.image), GeometryOf(*image));
    ExpectIndexCode(*labels.image);
  }
}

TEST(ImageReaderTest, ExtensionsAreCaseInsensitive) {
  for (const char* name : {"SCAN.NII.GZ", "Scan.Nrrd", "SCAN.MHA"}) {
    SCOPED_TRACE(name);
    TempDir dir;
    std::string lower = name;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    CtImage::Pointer image = MakeImage<CtImage>(AnisotropicGrid());
    FillWithIndexCode(*image);
    margo::WriteImage(*image, dir / ("written_" + lower));
    fs::rename(dir / ("written_" + lower), dir / name);
    const LoadedCt ct = LoadCt(dir / name, "pre CT");
    ExpectGeometryNear(ct.report.geometry, GeometryOf(*image));
    ExpectIndexCode(*ct.image);
  }
}

TEST(ImageReaderTest, LabelsMayUseTheWholeUint16Range) {
  TempDir dir;
  CtImage::Pointer values = MakeImage<CtImage>(AnisotropicGrid());
  values->SetPixel({{1, 2, 3}}, 65535.0f);
  values->SetPixel({{2, 2, 3}}, 7.0f);
  margo::WriteImage(*values, dir / "labels.nrrd");
  const LoadedLabels labels = LoadLabels(dir / "labels.nrrd", "tumour labels");
  EXPECT_EQ(labels.image->GetPixel({{1, 2, 3}}), 65535);
  EXPECT_EQ(labels.image->GetPixel({{2, 2, 3}}), 7);
  EXPECT_EQ(labels.image->GetPixel({{0, 0, 0}}), 0);
}

// ---------------------------------------------------------------------------
// Files that are refused.

// A MetaImage file written by hand, so that any header value can be set.
void WriteRawMha(const std::string& path, const std::string& spacing, const std::string& matrix,
                 const std::string& dim_size = "3 3 3", int channels = 1) {
  std::ofstream out(path, std::ios::binary);
  out << "ObjectType = Image\nNDims = " << (std::count(dim_size.begin(), dim_size.end(), ' ') + 1)
      << "\nBinaryData = True\nBinaryDataByteOrderMSB = False\nCompressedData = False\n"
      << "TransformMatrix = " << matrix << "\nOffset = 0 0 0\nCenterOfRotation = 0 0 0\n"
      << "ElementSpacing = " << spacing << "\nDimSize = " << dim_size << "\n"
      << (channels > 1 ? "ElementNumberOfChannels = " + std::to_string(channels) + "\n" : "")
      << "ElementType = MET_FLOAT\nElementDataFile = LOCAL\n";
  std::size_t voxels = std::size_t(channels);
  std::stringstream dims(dim_size);
  for (std::size_t d; dims >> d;) voxels *= d;
  const std::vector<float> zeros(voxels, 0.0f);
  out.write(reinterpret_cast<const char*>(zeros.data()), std::streamsize(zeros.size() * sizeof(float)));
}

constexpr char kIdentity3[] = "1 0 0 0 1 0 0 0 1";

TEST(ImageReaderTest, MissingFileIsUnreadable) {
  TempDir dir;
  const std::string path = dir / "nowhere.nii.gz";
  ExpectError([&] { LoadCt(path, "pre CT"); }, ErrorKind::kInputUnreadable,
              {"pre CT", path, "no such file or folder"});
  ExpectError([&] { LoadLabels(path, "tumour labels"); }, ErrorKind::kInputUnreadable,
              {"tumour labels", path, "no such file or folder"});
}

// Runs `load`, which must refuse `fifo` before opening it. Without that
// check the open blocks for a writer: after 10 s the test fails and opens
// the FIFO for writing once, so the blocked reader sees end of file.
void ExpectFifoRefused(const std::function<void()>& load, const std::string& fifo, const std::string& role) {
  std::future<void> done = std::async(std::launch::async, [&] {
    ExpectError(load, ErrorKind::kInputUnreadable, {role, fifo, "is a FIFO, not a regular file or folder"});
  });
  if (done.wait_for(std::chrono::seconds(10)) == std::future_status::ready) return done.get();
  ADD_FAILURE() << role << " " << fifo << ": still loading after 10 s; expected a refusal before any read";
  const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
  if (fd >= 0) ::close(fd);
  done.wait();
}

TEST(ImageReaderTest, FifoIsRefusedBeforeAnyRead) {
  TempDir dir;
  const std::string fifo = dir / "fifo.nii.gz";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  ExpectFifoRefused([&] { LoadCt(fifo, "pre CT"); }, fifo, "pre CT");
  ExpectFifoRefused([&] { LoadLabels(fifo, "liver mask"); }, fifo, "liver mask");
}

TEST(ImageReaderTest, CharacterDeviceIsRefused) {
  ExpectError([] { LoadLabels("/dev/zero", "tumour labels"); }, ErrorKind::kInputUnreadable,
              {"tumour labels /dev/zero", "is a character device, not a regular file or folder"});
}

TEST(ImageReaderTest, SymlinkToAnImageFileLoads) {
  TempDir dir;
  CtImage::Pointer image = MakeImage<CtImage>(AnisotropicGrid());
  margo::WriteImage(*image, dir / "ct.nii.gz");
  fs::create_symlink(dir / "ct.nii.gz", dir / "link.nii.gz");
  EXPECT_EQ(LoadCt(dir / "link.nii.gz", "pre CT").report.geometry.size, GeometryOf(*image).size);
}

// Writes a 40^3 image of varied values (so compression cannot hide much of
// it), then cuts the file to `fraction` of its size, as an interrupted copy would.
void WriteTruncated(const std::string& path, double fraction) {
  Grid grid;
  grid.size = {40, 40, 40};
  CtImage::Pointer image = MakeImage<CtImage>(grid);
  long n = 0;
  itk::ImageRegionIterator<CtImage> it(image, image->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) it.Set(float((n++ * 7919) % 1013));
  margo::WriteImage(*image, path);
  fs::resize_file(path, static_cast<std::uintmax_t>(double(fs::file_size(path)) * fraction));
}

// One message naming the file and what is wrong with it, without ITK's
// "ITK ERROR: NrrdImageIO(0x55ce...):" prefixes or teem's chain of functions.
TEST(ImageReaderTest, CorruptFilesAreUnreadable) {
  struct Corrupt {
    const char* file_name;
    std::function<void(const std::string&)> make;
    const char* says;
  };
  const std::vector<Corrupt> cases = {
      {"garbage.nii.gz",
       [](const std::string& p) { std::ofstream(p, std::ios::binary) << std::string(2048, '\x5a'); },
       "sizeof_hdr is 1515870810; expected 348"},
      {"empty.nii", [](const std::string& p) { std::ofstream(p, std::ios::binary); },
       "file is empty (0 bytes)"},
      {"text.nrrd", [](const std::string& p) { std::ofstream(p) << "this is not NRRD\n"; },
       "cannot read as NRRD"},
      {"garbage.mha",
       [](const std::string& p) { std::ofstream(p, std::ios::binary) << std::string(512, '\x01'); },
       "cannot read as MetaImage"},
      // A valid header whose (gzip-compressed) voxel data stops early.
      {"truncated.nrrd", [](const std::string& p) { WriteTruncated(p, 0.9); }, "cannot read as NRRD"},
  };
  for (const Corrupt& c : cases) {
    SCOPED_TRACE(c.file_name);
    TempDir dir;
    const std::string path = dir / c.file_name;
    c.make(path);
    ExpectError([&] { LoadCt(path, "pre CT"); }, ErrorKind::kInputUnreadable, {"pre CT", path, c.says});
    try {
      LoadCt(path, "pre CT");
    } catch (const Error& e) {
      for (const char* noise : {"ITK ERROR", "itk::ERROR", "(0x", "[nrrd]", "No such file"}) {
        EXPECT_EQ(std::string(e.what()).find(noise), std::string::npos) << e.what();
      }
    }
  }
}

// ITK 5.2's NIfTI and MetaImage readers do not report a short read: a .nii
// or .nii.gz cut to 90 % loads without error (the missing voxels are left as
// whatever the buffer held); MetaIO only prints a note on stderr. margo
// checks the byte count itself (io/file_completeness.h).
TEST(ImageReaderTest, TruncatedNiftiAndMetaImageAreUnreadable) {
  for (const char* name : {"truncated.nii", "truncated.nii.gz", "truncated.mha"}) {
    SCOPED_TRACE(name);
    TempDir dir;
    const std::string path = dir / name;
    WriteTruncated(path, 0.9);
    ExpectError([&] { LoadCt(path, "pre CT"); }, ErrorKind::kInputUnreadable, {"pre CT", path});
  }
}

// MetaIO prints its complaints on stderr before ITK throws; margo keeps
// them for its one message, and stderr stays empty.
TEST(ImageReaderTest, MetaImageReaderComplaintsGoIntoTheOneMessage) {
  const std::string kHeader = "ObjectType = Image\nNDims = 3\nDimSize = 10 10 10\nElementType = MET_SHORT\n";
  struct Broken {
    const char* file_name;
    std::string content;
    const char* says;
  };
  const std::vector<Broken> cases = {
      {"no_ndims.mha", "ObjectType = Image\nDimSize = 10 10 10\nElementType = MET_SHORT\nElementDataFile = LOCAL\n" +
                           std::string(2000, '\0'),
       "DimSize defined prior to defining NDims"},
      {"binary.mha", std::string(2560, '\x07'), "NDims required and not defined"},
      {"missing_data.mha", kHeader + "ElementDataFile = missing.raw\n", "voxel data file"},
      {"short_data.mha", kHeader + "ElementDataFile = LOCAL\n" + std::string(30, '\0'),
       "30 bytes of header and voxel data; expected 2000"},
  };
  for (const Broken& c : cases) {
    SCOPED_TRACE(c.file_name);
    TempDir dir;
    const std::string path = dir / c.file_name;
    std::ofstream(path, std::ios::binary) << c.content;
    ::testing::internal::CaptureStderr();
    std::string message;
    try {
      LoadCt(path, "pre CT");
    } catch (const Error& e) {
      message = e.what();
    }
    EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
    EXPECT_NE(message.find(c.says), std::string::npos) << message;
    EXPECT_NE(message.find(path), std::string::npos) << message;
  }
}

// Voxel data in a list of slice files: MetaIO returns the image when a
// slice file is short or missing and only prints a note; margo refuses it.
TEST(ImageReaderTest, MetaImageSliceListCutShortIsUnreadable) {
  for (const bool missing : {false, true}) {
    SCOPED_TRACE(missing ? "a slice file missing" : "a slice file cut short");
    TempDir dir;
    std::ofstream header(dir / "list.mhd");
    header << "ObjectType = Image\nNDims = 3\nDimSize = 4 4 3\nElementType = MET_SHORT\n"
           << "ElementDataFile = LIST 2D\ns0.raw\ns1.raw\ns2.raw\n";
    header.close();
    for (int k = 0; k < 3; ++k) {
      if (missing && k == 1) continue;
      std::ofstream(dir / ("s" + std::to_string(k) + ".raw"), std::ios::binary)
          << std::string(k == 2 && !missing ? 10 : 32, '\x01');
    }
    ::testing::internal::CaptureStderr();
    ExpectError([&] { LoadCt(dir / "list.mhd", "pre CT"); }, ErrorKind::kInputUnreadable,
                {"pre CT", dir / "list.mhd", "MetaImage reader reported a problem"});
    EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  }
}

// Header values MetaIO reads loosely: LOCAL in any case, CompressedData by
// its first letter. The voxels read back as written.
TEST(ImageReaderTest, MetaImageHeaderSpellingsMetaIoAcceptsAreRead) {
  TempDir dir;
  Grid grid;
  grid.size = {6, 5, 4};
  CtImage::Pointer image = MakeImage<CtImage>(grid, 7.0f);
  image->SetPixel({2, 3, 1}, 42.0f);
  const std::string path = dir / "written.mha";
  auto writer = itk::ImageFileWriter<CtImage>::New();
  writer->SetInput(image);
  writer->SetFileName(path);
  writer->SetImageIO(itk::MetaImageIO::New());
  for (const bool compressed : {false, true}) {
    SCOPED_TRACE(compressed ? "compressed" : "raw");
    writer->SetUseCompression(compressed);
    writer->Update();
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto local = text.find("ElementDataFile = LOCAL");
    ASSERT_NE(local, std::string::npos);
    text.replace(local, 23, "ElementDataFile = Local");
    const auto flag = text.find(compressed ? "CompressedData = True" : "CompressedData = False");
    ASSERT_NE(flag, std::string::npos);
    text.replace(flag, compressed ? 21 : 22, compressed ? "CompressedData = TRUE" : "CompressedData = F");
    std::ofstream(dir / "spelled.mha", std::ios::binary) << text;
    const LoadedCt loaded = LoadCt(dir / "spelled.mha", "pre CT");
    EXPECT_EQ(loaded.image->GetPixel({2, 3, 1}), 42.0f);
    EXPECT_EQ(loaded.image->GetPixel({0, 0, 0}), 7.0f);
  }
}

TEST(ImageReaderTest, MetaImageWithShortDataFileOrCutCompressionIsUnreadable) {
  Grid grid;
  grid.size = {30, 30, 30};
  CtImage::Pointer image = MakeImage<CtImage>(grid, 5.0f);
  {  // header beside a raw data file that is cut short
    TempDir dir;
    auto writer = itk::ImageFileWriter<CtImage>::New();
    writer->SetInput(image);
    writer->SetImageIO(itk::MetaImageIO::New());
    writer->SetFileName(dir / "scan.mhd");
    writer->Update();
    fs::resize_file(dir / "scan.raw", fs::file_size(dir / "scan.raw") / 2);
    ExpectError([&] { LoadCt(dir / "scan.mhd", "pre CT"); }, ErrorKind::kInputUnreadable,
                {"pre CT", "scan.raw"});
  }
  {  // compressed local data cut in half
    TempDir dir;
    margo::WriteImage(*image, dir / "scan.mha");  // writes compressed
    fs::resize_file(dir / "scan.mha", fs::file_size(dir / "scan.mha") * 3 / 4);
    ExpectError([&] { LoadCt(dir / "scan.mha", "pre CT"); }, ErrorKind::kInputUnreadable,
                {"pre CT", "scan.mha"});
  }
}

TEST(ImageReaderTest, UnsupportedExtensionIsUnreadable) {
  for (const char* name : {"scan.png", "scan.dcm", "scan.nii.bak", "scan"}) {
    SCOPED_TRACE(name);
    TempDir dir;
    const std::string path = dir / name;
    margo::WriteImage(*MakeImage<CtImage>(AnisotropicGrid()), dir / "real.nii");
    fs::rename(dir / "real.nii", path);  // a readable NIfTI under a name margo does not accept
    ExpectError([&] { LoadCt(path, "post CT"); }, ErrorKind::kInputUnreadable,
                {"post CT", path, "unsupported file type", "expected .nii"});
  }
}

TEST(ImageReaderTest, NonOrthonormalDirectionIsInvalidGeometry) {
  TempDir dir;
  const std::string path = dir / "sheared.mha";
  WriteRawMha(path, "1 1 1", "1 0 0 0.2 1 0 0 0 1");  // invertible, but sheared
  ExpectError([&] { LoadCt(path, "pre CT"); }, ErrorKind::kGeometryInvalid,
              {"pre CT", path, "not orthonormal", "deviation 0.2"});
  ExpectError([&] { LoadLabels(path, "tumour labels"); }, ErrorKind::kGeometryInvalid,
              {"tumour labels", path, "not orthonormal"});
}

TEST(ImageReaderTest, AbsurdSpacingIsInvalidGeometry) {
  struct Case {
    const char* name;
    const char* spacing;
    const char* found;
  };
  for (const Case& c :
       {Case{"tiny", "1 0.001 1", "axis 1 is 0.001 mm"}, Case{"huge", "1 1 80", "axis 2 is 80 mm"}}) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    const std::string path = dir / "odd.mha";
    WriteRawMha(path, c.spacing, kIdentity3);
    ExpectError([&] { LoadCt(path, "pre CT"); }, ErrorKind::kGeometryInvalid,
                {"pre CT", path, c.found, "expected 0.01 to 50 mm"});
  }
}

TEST(ImageReaderTest, ZeroSpacingIsRefused) {
  TempDir dir;
  const std::string path = dir / "flat.mha";
  WriteRawMha(path, "1 0 1", kIdentity3);
  // Checked on the spacing the header states, before ITK's reader refuses it
  // in its own words ("A spacing of 0 is not allowed").
  ExpectError([&] { LoadCt(path, "pre CT"); }, ErrorKind::kGeometryInvalid,
              {"pre CT", path, "spacing along axis 1 is 0 mm; expected 0.01 to 50 mm"});
}

// ITK's reader turns a negative MetaImage spacing into a flipped axis without
// a word, and refuses a zero NRRD space direction in its own words (exit 3).
TEST(ImageReaderTest, NegativeOrZeroStatedSpacingIsInvalidGeometry) {
  TempDir dir;
  const std::string mha = dir / "negative.mha";
  WriteRawMha(mha, "-1.6 1 1", kIdentity3);
  ExpectError([&] { LoadLabels(mha, "tumour labels"); }, ErrorKind::kGeometryInvalid,
              {"tumour labels", mha, "spacing along axis 0 is -1.6 mm; expected 0.01 to 50 mm"});
  const std::string nrrd = dir / "zero_direction.nrrd";
  {
    std::ofstream out(nrrd, std::ios::binary);
    out << "NRRD0004\ntype: ushort\ndimension: 3\nspace: left-posterior-superior\nsizes: 3 3 3\n"
           "space directions: (0,0,0) (0,1.6,0) (0,0,2)\nkinds: domain domain domain\nendian: little\n"
           "encoding: raw\nspace origin: (0,0,0)\n\n"
        << std::string(27 * 2, '\0');
  }
  ExpectError([&] { LoadLabels(nrrd, "tumour labels"); }, ErrorKind::kGeometryInvalid,
              {"tumour labels", nrrd, "spacing along axis 0 is 0 mm; expected 0.01 to 50 mm"});
}

// A NaN or Inf CT value reaches registration's metric and crashes it.
TEST(ImageReaderTest, CtWithNonFiniteVoxelsIsUnreadable) {
  for (const char* name : {"nan.nii.gz", "nan.nii", "nan.nrrd", "nan.mha"}) {
    SCOPED_TRACE(name);
    TempDir dir;
    const std::string path = dir / name;
    CtImage::Pointer image = MakeImage<CtImage>(AnisotropicGrid(), -50.0f);
    image->SetPixel({{3, 2, 1}}, std::nanf(""));
    margo::WriteImage(*image, path);
    ExpectError([&] { LoadCt(path, "pre CT"); }, ErrorKind::kInputUnreadable,
                {"pre CT", path, "voxel (3, 2, 1) is nan; expected finite HU"});
  }
  TempDir dir;
  const std::string path = dir / "inf.nii.gz";
  CtImage::Pointer image = MakeImage<CtImage>(AnisotropicGrid(), -50.0f);
  image->SetPixel({{0, 1, 2}}, -std::numeric_limits<float>::infinity());
  margo::WriteImage(*image, path);
  ExpectError([&] { LoadCt(path, "pre CT"); }, ErrorKind::kInputUnreadable,
              {"pre CT", path, "voxel (0, 1, 2) is -inf"});
}

// Lowers the soft data-size limit (ulimit -d) for its lifetime.
class DataLimit {
 public:
  explicit DataLimit(rlim_t bytes) {
    getrlimit(RLIMIT_DATA, &saved_);
    rlimit lower = saved_;
    lower.rlim_cur = std::min(bytes, saved_.rlim_max);
    setrlimit(RLIMIT_DATA, &lower);
  }
  ~DataLimit() { setrlimit(RLIMIT_DATA, &saved_); }

 private:
  rlimit saved_{};
};

// An image bigger than the memory margo may use ended the run as "internal
// error: std::bad_alloc", naming nothing. A 2 GiB label map (its voxel file
// sparse, so it takes no disk) under a 1 GiB limit is refused from its header.
TEST(ImageReaderTest, ImageTooBigForMemoryIsUnreadableBeforeAllocating) {
  TempDir dir;
  const std::string path = dir / "big.mhd";
  {
    std::ofstream out(path);
    out << "ObjectType = Image\nNDims = 3\nBinaryData = True\nBinaryDataByteOrderMSB = False\n"
           "CompressedData = False\nTransformMatrix = 1 0 0 0 1 0 0 0 1\nOffset = 0 0 0\n"
           "ElementSpacing = 1 1 1\nDimSize = 2048 1024 1024\nElementType = MET_UCHAR\nElementDataFile = "
           "big.raw\n";
  }
  std::ofstream(dir / "big.raw", std::ios::binary).close();
  fs::resize_file(dir / "big.raw", std::uintmax_t(2048) * 1024 * 1024);
  const DataLimit limit(rlim_t(1) << 30);
  ExpectError([&] { LoadLabels(path, "tumour labels"); }, ErrorKind::kInputUnreadable,
              {"tumour labels", path, "2048 x 1024 x 1024 = 2147483648 voxels", "needs 6.0 GiB",
               "expected at most 1.0 GiB"});
}

TEST(ImageReaderTest, LabelsThatAreNotWholeNumbersAreInvalidSegmentation) {
  struct Case {
    const char* name;
    float value;
    const char* found;
  };
  for (const Case& c :
       {Case{"fraction", 1.5f, "holds 1.5"}, Case{"negative", -1.0f, "holds -1"},
        Case{"too_large", 70000.0f, "holds 70000"}, Case{"not_a_number", std::nanf(""), "holds nan"}}) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    CtImage::Pointer values = MakeImage<CtImage>(AnisotropicGrid());
    values->SetPixel({{3, 2, 1}}, c.value);
    const std::string path = dir / "labels.nrrd";
    margo::WriteImage(*values, path);
    ExpectError([&] { LoadLabels(path, "tumour labels"); }, ErrorKind::kSegmentationInvalid,
                {"tumour labels", path, "voxel (3, 2, 1)", c.found, "expected whole numbers 0..65535"});
  }
}

template <unsigned Dim>
void WriteFloatImage(const std::string& path, std::array<std::size_t, Dim> size) {
  using Image = itk::Image<float, Dim>;
  auto image = Image::New();
  typename Image::RegionType region;
  for (unsigned d = 0; d < Dim; ++d) region.SetSize(d, size[d]);
  image->SetRegions(region);
  image->Allocate();
  image->FillBuffer(1.0f);
  auto writer = itk::ImageFileWriter<Image>::New();
  writer->SetImageIO(IoFor(path));
  writer->SetInput(image);
  writer->SetFileName(path);
  writer->Update();
}

TEST(ImageReaderTest, ImagesThatAreNot3DScalarAreUnreadable) {
  struct Case {
    const char* file_name;
    std::function<void(const std::string&)> make;
    const char* found;
  };
  const std::vector<Case> cases = {
      {"slice.nii",
       [](const std::string& p) {
         WriteFloatImage<2>(p, {8, 8});
       },
       "image has 2 dimensions"},
      {"slice.mha",
       [](const std::string& p) {
         WriteFloatImage<2>(p, {8, 8});
       },
       "image has 2 dimensions"},
      {"slice.nrrd",
       [](const std::string& p) {
         WriteFloatImage<2>(p, {8, 8});
       },
       "image has 2 dimensions"},
      {"series.nii.gz",
       [](const std::string& p) {
         WriteFloatImage<4>(p, {4, 4, 4, 3});
       },
       "image has 4 dimensions"},
      {"colour.mha", [](const std::string& p) { WriteRawMha(p, "1 1 1", kIdentity3, "3 3 3", 3); },
       "and 3 components per voxel"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file_name);
    TempDir dir;
    const std::string path = dir / c.file_name;
    c.make(path);
    ExpectError([&] { LoadCt(path, "pre CT"); }, ErrorKind::kInputUnreadable,
                {"pre CT", path, c.found, "expected a 3D scalar volume"});
    ExpectError([&] { LoadLabels(path, "tumour labels"); }, ErrorKind::kInputUnreadable,
                {"tumour labels", path, c.found});
  }
}

TEST(ImageReaderTest, FourDimensionalImageWithOneTimePointLoads) {
  TempDir dir;
  const std::string path = dir / "single_frame.nii";
  WriteFloatImage<4>(path, {4, 5, 6, 1});
  const LoadedCt ct = LoadCt(path, "pre CT");
  EXPECT_EQ(ct.report.geometry.size, (std::array<std::size_t, 3>{4, 5, 6}));
}

TEST(ImageReaderTest, FolderGivenAsLabelMapIsUnreadable) {
  TempDir dir;
  ExpectError([&] { LoadLabels(dir.path().string(), "tumour labels"); }, ErrorKind::kInputUnreadable,
              {"tumour labels", dir.path().string(), "is a folder", "expected a label-map file"});
}

// Which inputs may be read while others are: volume files by name, but not
// a DICOM object under such a name (LoadLabels reads it as DICOM, against its
// CT, and DCMTK's dictionaries are shared), and a FIFO is not opened to look.
TEST(ReadableAlongsideOthersTest, VolumeFilesByNameButNotDicomByContent) {
  TempDir dir;
  const std::string nifti = dir / "labels.nii.gz";
  margo::WriteImage(*MakeImage<LabelImage>(Grid{}), nifti);
  EXPECT_TRUE(ReadableAlongsideOthers(nifti));
  EXPECT_FALSE(ReadableAlongsideOthers(dir / "labels.mha"));
  EXPECT_FALSE(ReadableAlongsideOthers(dir / "pre_ct"));  // a DICOM series folder
  const std::string seg = dir / "seg_named.nii";
  {
    std::ofstream out(seg, std::ios::binary);
    out << std::string(128, '\0') << "DICM" << std::string(64, '\0');
  }
  EXPECT_FALSE(ReadableAlongsideOthers(seg)) << "a DICOM preamble under a NIfTI name";
  const std::string fifo = dir / "fifo.nii.gz";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  auto answer = std::async(std::launch::async, [&fifo] { return ReadableAlongsideOthers(fifo); });
  ASSERT_EQ(answer.wait_for(std::chrono::seconds(5)), std::future_status::ready) << "the FIFO was opened";
  EXPECT_TRUE(answer.get());  // its loader refuses it
}

}  // namespace
}  // namespace margo
