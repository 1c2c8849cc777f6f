// Slice files that are broken as files rather than as geometry: cut short,
// Pixel Data of the wrong length, a pixel format that changes within the
// series. Each must be refused naming the slice before GDCM reads it (GDCM
// aborts the process on some, and reads others as silent garbage).
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>

#include <filesystem>
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
