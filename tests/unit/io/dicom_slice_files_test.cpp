// Slice files that are broken as files rather than as geometry: cut short,
// Pixel Data of the wrong length, a pixel format that changes within the
// series. Each must be refused naming the slice before GDCM reads it (GDCM
// aborts the process on some, and reads others as silent garbage).
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "core/error.h"
#include "io/dicom_series.h"
#include "io/image_reader.h"
#include "tests/support/dicom_writer.h"
#include "tests/support/expect_error.h"
#include "tests/support/temp_dir.h"

namespace margo {
namespace {

namespace fs = std::filesystem;
using testing::ExpectError;
using testing::MakeSeries;
using testing::SeriesSpec;
using testing::TempDir;

constexpr std::uintmax_t kPixelBytes = 8 * 8 * 2;  // one 8 x 8 int16 slice

// A regular 5-slice series (slice_0.dcm .. slice_4.dcm) in dir/ct.
std::string WriteSeries(const TempDir& dir) {
  const std::string folder = dir / "ct";
  testing::WriteDicomSeries(folder, MakeSeries(SeriesSpec{}));
  return folder;
}

LoadedCt Load(const std::string& folder) { return LoadCt(folder, "pre CT", DicomSelection{}); }

void SetUint16(const std::string& file, const DcmTagKey& tag, Uint16 value) {
  DcmFileFormat dicom;
  ASSERT_TRUE(dicom.loadFile(file.c_str()).good()) << file;
  ASSERT_TRUE(dicom.getDataset()->putAndInsertUint16(tag, value).good());
  ASSERT_TRUE(dicom.saveFile(file.c_str(), dicom.getDataset()->getOriginalXfer()).good()) << file;
}

TEST(DicomSliceFilesTest, SliceCutInItsHeaderIsRefusedNamingIt) {
  for (const std::uintmax_t bytes : {132, 140, 300, 400}) {
    SCOPED_TRACE(bytes);
    TempDir dir;
    const std::string folder = WriteSeries(dir);
    const std::string slice = folder + "/slice_2.dcm";
    fs::resize_file(slice, bytes);
    ExpectError([&] { Load(folder); }, ErrorKind::kInputUnreadable,
                {"pre CT", slice, std::to_string(bytes) + " bytes", "truncated or corrupt DICOM file"});
  }
}

// The byte offset of `tag`'s element in the explicit little endian file
// `path`: a cut there ends the file between two elements, which DCMTK reads
// as a complete (shorter) data set.
std::uintmax_t OffsetOfElement(const std::string& path, std::uint16_t group, std::uint16_t element,
                               const char* vr) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string key{
      char(group & 0xff), char(group >> 8), char(element & 0xff), char(element >> 8), vr[0], vr[1]};
  const auto at = bytes.find(key, 132);
  EXPECT_NE(at, std::string::npos) << path;
  return at;
}

// A slice cut between two elements of its header used to be read "whole",
// have no Rows and be skipped as "not an image": the series lost a slice
// without a word (the last one), or the gap it left was blamed as a missing
// slice. An image storage SOP class (from the data set, or from the file
// meta header when the cut comes before it) without Rows, Columns or Pixel
// Data is a truncated file.
TEST(DicomSliceFilesTest, SliceCutBetweenTwoElementsIsRefusedNamingIt) {
  struct Cut {
    std::uint16_t group, element;
    const char* vr;
    const char* missing;
  };
  for (const Cut& cut :
       {Cut{0x0008, 0x0018, "UI", "no Rows (0028,0010)"}, Cut{0x0020, 0x0032, "DS", "no Rows (0028,0010)"},
        Cut{0x0028, 0x0010, "US", "no Rows (0028,0010), no Columns (0028,0011)"},
        Cut{0x7fe0, 0x0010, "OW", "no Pixel Data (7FE0,0010)"}}) {
    for (const char* name : {"slice_2.dcm", "slice_4.dcm"}) {  // in the middle, at the end
      SCOPED_TRACE(std::string(name) + " cut before " + cut.missing);
      TempDir dir;
      const std::string folder = WriteSeries(dir);
      const std::string slice = folder + "/" + name;
      const std::uintmax_t bytes = OffsetOfElement(slice, cut.group, cut.element, cut.vr);
      fs::resize_file(slice, bytes);
      ExpectError([&] { Load(folder); }, ErrorKind::kInputUnreadable,
                  {"pre CT", slice, std::to_string(bytes) + " bytes", "CTImageStorage", cut.missing,
                   "truncated or corrupt DICOM file"});
    }
  }
}

// The same slices written without the 128-byte preamble and file meta header
// (a data set alone, as some old archives store them).
void StripPreambles(const std::string& folder) {
  for (const auto& entry : fs::directory_iterator(folder)) {
    DcmFileFormat dicom;
    ASSERT_TRUE(dicom.loadFile(entry.path().c_str()).good());
    dicom.loadAllDataIntoMemory();
    ASSERT_TRUE(dicom.getDataset()->saveFile(entry.path().c_str(), EXS_LittleEndianExplicit).good());
  }
}

TEST(DicomSliceFilesTest, SlicesWithoutPreambleLoad) {
  TempDir dir;
  const std::string folder = WriteSeries(dir);
  StripPreambles(folder);
  EXPECT_EQ(Load(folder).image->GetLargestPossibleRegion().GetSize()[2], 5u);
}

// Without the preamble a file that DCMTK cannot parse was taken for "not
// DICOM" (a README) and left out: the last slice of a stack vanished.
TEST(DicomSliceFilesTest, SliceWithoutPreambleCutInItsPixelDataIsRefused) {
  TempDir dir;
  const std::string folder = WriteSeries(dir);
  StripPreambles(folder);
  const std::string slice = folder + "/slice_4.dcm";
  fs::resize_file(slice, fs::file_size(slice) - 40);
  ExpectError([&] { Load(folder); }, ErrorKind::kInputUnreadable,
              {slice, "cut short", "pixel data length " + std::to_string(kPixelBytes - 40),
               "expected " + std::to_string(kPixelBytes)});
}

TEST(DicomSliceFilesTest, SliceCutInItsPixelDataNamesTheLengthFoundAndExpected) {
  TempDir dir;
  const std::string folder = WriteSeries(dir);
  const std::string slice = folder + "/slice_3.dcm";
  fs::resize_file(slice, fs::file_size(slice) - 40);
  ExpectError([&] { Load(folder); }, ErrorKind::kInputUnreadable,
              {slice, "cut short", "pixel data length " + std::to_string(kPixelBytes - 40),
               "expected " + std::to_string(kPixelBytes)});
}

TEST(DicomSliceFilesTest, RowsDisagreeingWithThePixelDataLengthAreRefused) {
  TempDir dir;
  const std::string folder = WriteSeries(dir);
  for (int k = 0; k < 5; ++k) SetUint16(folder + "/slice_" + std::to_string(k) + ".dcm", DCM_Rows, 12);
  ExpectError([&] { Load(folder); }, ErrorKind::kInputUnreadable,
              {folder, "slice_", "pixel data length 128",
               "expected Rows x Columns x BitsAllocated/8 x SamplesPerPixel = 12 x 8 x 16/8 x 1 = 192"});
}

TEST(DicomSliceFilesTest, OneSliceWithAnotherPixelFormatIsRefused) {
  TempDir dir;
  const std::string folder = WriteSeries(dir);
  const std::string slice = folder + "/slice_2.dcm";
  SetUint16(slice, DCM_BitsAllocated, 8);
  SetUint16(slice, DCM_BitsStored, 8);
  SetUint16(slice, DCM_HighBit, 7);
  ExpectError([&] { Load(folder); }, ErrorKind::kInputUnreadable,
              {"mixed pixel format", slice, "Bits Allocated (0028,0100) 8", "expected 16"});
}

TEST(DicomSliceFilesTest, SliceWithoutPixelDataIsRefusedNamingIt) {
  TempDir dir;
  const std::string folder = WriteSeries(dir);
  const std::string slice = folder + "/slice_1.dcm";
  DcmFileFormat dicom;
  ASSERT_TRUE(dicom.loadFile(slice.c_str()).good());
  ASSERT_TRUE(dicom.getDataset()->findAndDeleteElement(DCM_PixelData).good());
  ASSERT_TRUE(dicom.saveFile(slice.c_str(), dicom.getDataset()->getOriginalXfer()).good());
  ExpectError([&] { Load(folder); }, ErrorKind::kInputUnreadable, {slice, "no Pixel Data (7FE0,0010)"});
}

}  // namespace
}  // namespace margo
