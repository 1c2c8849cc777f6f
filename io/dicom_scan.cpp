// Reading the header fields of each slice file with DCMTK (pixel data left
// on disk). DCMTK rather than GDCM's scanner: GDCM aborts the whole process
// on a file cut short in its header, DCMTK reports it.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "io/dcmtk_util.h"
#include "io/decimal_string.h"
#include "io/dicom_series.h"

namespace margo {
namespace {

namespace fs = std::filesystem;

// Values longer than this stay on disk: the pixel data is read once, by ITK.
constexpr Uint32 kMaxLoadedValueBytes = 4096;

std::string Trim(const std::string& s) {
  const char* blank = " \t\r\n";
  const auto first = s.find_first_not_of(std::string(blank) + '\0');
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(std::string(blank) + '\0');
  return s.substr(first, last - first + 1);
}

// Parses a DS text of exactly N values (io/decimal_string.h: "1,8" or
// "1.8mm" is no number, rather than 1 or 1.8); false otherwise.
template <std::size_t N>
bool ParseDecimals(const std::string& text, std::array<double, N>& out) {
  const std::optional<std::vector<double>> values = ParseDecimalString(text);
  if (!values || values->size() != N) return false;
  std::copy(values->begin(), values->end(), out.begin());
  return true;
}

// One DS value (Rescale Slope, Intercept); NaN when absent or not one number.
double OneDecimal(const std::string& text) {
  std::array<double, 1> v{};
  return ParseDecimals(text, v) ? v[0] : std::nan("");
}

unsigned Unsigned16(DcmItem& ds, const DcmTagKey& tag) {
  Uint16 v = 0;
  return ds.findAndGetUint16(tag, v).good() ? v : 0;
}

void ReadPixelFacts(DcmDataset& ds, DicomSlice& s) {
  s.rows = Unsigned16(ds, DCM_Rows);
  s.columns = Unsigned16(ds, DCM_Columns);
  s.bits_allocated = Unsigned16(ds, DCM_BitsAllocated);
  s.samples_per_pixel = Unsigned16(ds, DCM_SamplesPerPixel);
  s.pixel_representation = Unsigned16(ds, DCM_PixelRepresentation);
  DcmElement* pixels = nullptr;
  s.has_pixel_data = ds.findAndGetElement(DCM_PixelData, pixels).good() && pixels != nullptr;
  if (!s.has_pixel_data) return;
  const DcmXfer xfer(ds.getOriginalXfer());
  s.pixel_data_encapsulated = xfer.isEncapsulated();
  s.transfer_syntax = xfer.getXferName();
  s.transfer_syntax_lossy = xfer.isLossy();
  s.pixel_data_bytes = pixels->getLength();
}

DicomSlice SliceFrom(DcmDataset& ds, const std::string& file) {
  DicomSlice s;
  s.file = file;
  const auto text = [&ds](const DcmTagKey& tag) { return Trim(dcmtk::Text(ds, tag, -1)); };
  s.series_uid = text(DCM_SeriesInstanceUID);
  s.study_uid = text(DCM_StudyInstanceUID);
  s.sop_instance_uid = text(DCM_SOPInstanceUID);
  s.sop_class_uid = text(DCM_SOPClassUID);
  s.frame_of_reference = text(DCM_FrameOfReferenceUID);
  s.modality = text(DCM_Modality);
  s.description = text(DCM_SeriesDescription);
  s.patient_id = text(DCM_PatientID);
  s.patient_name = text(DCM_PatientName);
  s.rescale_slope_text = text(DCM_RescaleSlope);
  s.rescale_slope = OneDecimal(s.rescale_slope_text);
  s.rescale_intercept_text = text(DCM_RescaleIntercept);
  s.rescale_intercept = OneDecimal(s.rescale_intercept_text);
  s.lossy_image_compression = text(DCM_LossyImageCompression);
  const std::string instance = text(DCM_InstanceNumber);
  // Only for messages: a malformed one is left as absent (0) rather than half-read.
  if (const std::optional<int> n = ParseIntegerString(instance)) s.instance = *n;
  s.position_text = text(DCM_ImagePositionPatient);
  s.orientation_text = text(DCM_ImageOrientationPatient);
  s.has_position = ParseDecimals(s.position_text, s.position_mm);
  s.has_orientation = ParseDecimals(s.orientation_text, s.orientation);
  s.pixel_spacing_text = text(DCM_PixelSpacing);
  s.has_pixel_spacing = ParseDecimals(s.pixel_spacing_text, s.pixel_spacing_mm);
  ReadPixelFacts(ds, s);
  return s;
}

// Bytes of `pixels` present before the file ends, from the encoded lengths
// of everything before it; -1 when that does not add up to a cut in it.
long long PixelBytesPresent(DcmFileFormat& file, DcmElement& pixels, const std::string& path) {
  DcmDataset& ds = *file.getDataset();
  // The meta header's length counts its 128-byte preamble and "DICM"; a file
  // without them has none.
  const long long meta = dcmtk::HasDicomPreamble(path)
                             ? static_cast<long long>(file.getMetaInfo()->calcElementLength(
                                   EXS_LittleEndianExplicit, EET_ExplicitLength))
                             : 0;
  const long long before_pixels =
      meta + ds.calcElementLength(ds.getOriginalXfer(), EET_ExplicitLength) - pixels.getLength();
  std::error_code ec;
  const long long present = static_cast<long long>(fs::file_size(path, ec)) - before_pixels;
  return !ec && present >= 0 && present < static_cast<long long>(pixels.getLength()) ? present : -1;
}

std::string FileWhere(const std::string& path, const std::string& folder) {
  std::error_code ec;
  return "DICOM folder " + folder + ": slice " + path + " (" + std::to_string(fs::file_size(path, ec)) +
         " bytes)";
}

[[noreturn]] void RejectCorrupt(DcmFileFormat& file, const std::string& path, const std::string& folder,
                                const OFCondition& cond) {
  const std::string where = FileWhere(path, folder);
  DcmElement* pixels = nullptr;
  if (file.getDataset()->findAndGetElement(DCM_PixelData, pixels).good() && pixels != nullptr) {
    const long long present = PixelBytesPresent(file, *pixels, path);
    if (present >= 0) {
      throw Error(ErrorKind::kInputUnreadable, where + " is cut short: pixel data length " +
                                                   std::to_string(present) + " bytes in the file; expected " +
                                                   std::to_string(pixels->getLength()) +
                                                   " (the length Pixel Data (7FE0,0010) declares)");
    }
  }
  const std::string why = cond.good() ? "no data set after the file meta header" : cond.text();
  throw Error(ErrorKind::kInputUnreadable,
              where + " is a truncated or corrupt DICOM file (" + why + "); expected a complete DICOM file");
}

// A DICOM UID as written: digits and dots, at most 64 characters.
bool LooksLikeUid(const std::string& uid) {
  return !uid.empty() && uid.size() <= 64 && uid.find_first_not_of("0123456789.") == std::string::npos;
}

// The SOP Class UID of the data set, else of the file meta header (a file
// cut before (0008,0016) still names its class there).
std::string SopClass(DcmFileFormat& file) {
  const std::string own = dcmtk::Text(*file.getDataset(), DCM_SOPClassUID);
  return own.empty() ? dcmtk::Text(*file.getMetaInfo(), DCM_MediaStorageSOPClassUID) : own;
}

// An image instance (CT Image Storage, ...) without the attributes every
// image has: DCMTK read it "whole" because it ends between two elements.
void RejectIncompleteImage(const DicomSlice& s, const std::string& sop_class, const std::string& folder) {
  if (!dcmIsImageStorageSOPClassUID(sop_class.c_str())) return;  // DICOMDIR, SR, RTSTRUCT, ...
  std::string missing;
  const auto absent = [&missing](bool present, const char* name) {
    if (!present) missing += std::string(missing.empty() ? "" : ", ") + "no " + name;
  };
  absent(s.rows != 0, "Rows (0028,0010)");
  absent(s.columns != 0, "Columns (0028,0011)");
  absent(s.has_pixel_data, "Pixel Data (7FE0,0010)");
  if (missing.empty()) return;
  const char* name = dcmFindNameOfUID(sop_class.c_str(), nullptr);
  throw Error(ErrorKind::kInputUnreadable,
              FileWhere(s.file, folder) + " is an image instance (SOP Class UID " + sop_class +
                  (name != nullptr ? ", " + std::string(name) : std::string()) + ") with " + missing +
                  ": a truncated or corrupt DICOM file; expected a complete image");
}

// The slice in `path`; nothing for files that are not DICOM or not images.
// A DICOM file DCMTK cannot read whole, or an image instance without its
// image attributes, is refused (ScanDicomFolder).
std::optional<DicomSlice> ReadSliceHeader(const std::string& path, const std::string& folder) {
  DcmFileFormat file;
  const OFCondition cond = file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, kMaxLoadedValueBytes);
  const bool unreadable = cond.bad() || file.getDataset()->card() == 0;
  // Without the preamble, a parse error is a broken DICOM file only when
  // DCMTK got as far as a SOP Class UID: a README is no DICOM at all.
  if (unreadable && (dcmtk::HasDicomPreamble(path) || LooksLikeUid(SopClass(file)))) {
    RejectCorrupt(file, path, folder, cond);
  }
  if (unreadable) return std::nullopt;  // not DICOM (README.txt, thumbs.db)
  DicomSlice slice = SliceFrom(*file.getDataset(), path);
  RejectIncompleteImage(slice, SopClass(file), folder);
  return slice;
}

std::vector<std::string> FilesIn(const std::string& folder) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder, ec)) {
    // A temporary of margo's own writers (core/atomic_file.h) is never a slice:
    // a phantom stopped while writing its series may have left one.
    if (entry.is_regular_file(ec) && !IsTemporaryName(entry.path().filename().string())) {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());  // messages must not depend on directory order
  return files;
}

}  // namespace

std::vector<DicomSlice> ScanDicomFolder(const std::string& folder) {
  dcmtk::QuietLogger();
  const std::vector<std::string> files = FilesIn(folder);
  if (files.empty()) {
    throw Error(ErrorKind::kInputUnreadable,
                "DICOM folder " + folder + ": no readable file in it; expected one DICOM file per slice");
  }
  std::vector<DicomSlice> slices;
  for (const std::string& file : files) {
    std::optional<DicomSlice> slice = ReadSliceHeader(file, folder);
    if (!slice || slice->rows == 0 || slice->columns == 0) continue;  // no image (e.g. DICOMDIR, SR)
    slices.push_back(std::move(*slice));
  }
  if (slices.empty()) {
    throw Error(ErrorKind::kInputUnreadable,
                "DICOM folder " + folder + ": " + std::to_string(files.size()) +
                    " files but no DICOM image among them; expected a CT series");
  }
  return slices;
}

std::vector<DicomSlice> SelectSeries(const std::vector<DicomSlice>& slices,
                                     const DicomSelection& selection, const std::string& folder) {
  std::map<std::string, std::vector<DicomSlice>> by_series;
  for (const DicomSlice& s : slices) by_series[s.series_uid].push_back(s);
  if (selection.series_uid.empty() && by_series.size() == 1) return by_series.begin()->second;
  const auto chosen = by_series.find(selection.series_uid);
  if (!selection.series_uid.empty() && chosen != by_series.end()) return chosen->second;

  std::ostringstream msg;
  msg << "DICOM folder " << folder << ": ";
  if (selection.series_uid.empty()) {
    msg << "holds " << by_series.size() << " series; choose one "
        << (selection.option.empty() ? "by its Series Instance UID" : "with " + selection.option) << ":";
  } else {
    msg << "no series with UID " << selection.series_uid << "; the folder holds:";
  }
  for (const auto& [uid, members] : by_series) {
    const DicomSlice& first = members.front();
    msg << " " << (uid.empty() ? "(no UID)" : uid) << " [" << first.modality << ", "
        << members.size() << " files" << (first.description.empty() ? "" : ", '" + first.description + "'")
        << "];";
  }
  std::string text = msg.str();
  text.pop_back();
  throw Error(ErrorKind::kUsage, text);
}

}  // namespace margo
