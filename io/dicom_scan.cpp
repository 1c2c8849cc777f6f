// Reading the header fields of each slice file with DCMTK (pixel data left
// on disk). DCMTK rather than GDCM's scanner: GDCM aborts the whole process
// on a file cut short in its header, DCMTK reports it.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcmetinf.h>
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

#include "core/error.h"
#include "io/dcmtk_util.h"
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

// Parses a backslash-separated decimal string; returns false unless exactly
// n finite values (a NaN position must not pass as a position).
template <std::size_t N>
bool ParseDecimals(const std::string& text, std::array<double, N>& out) {
  std::stringstream ss(text);
  std::string item;
  std::size_t n = 0;
  while (std::getline(ss, item, '\\')) {
    if (n == N) return false;
    try {
      out[n] = std::stod(item);
    } catch (const std::exception&) {
      return false;
    }
    if (!std::isfinite(out[n++])) return false;
  }
  return n == N;
}

// Rescale Slope (0028,1053): 1 when absent, NaN when not one number.
double RescaleSlope(const std::string& text) {
  if (text.empty()) return 1.0;
  std::array<double, 1> slope{};
  return ParseDecimals(text, slope) ? slope[0] : std::nan("");
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
  s.rescale_slope = RescaleSlope(s.rescale_slope_text);
  s.lossy_image_compression = text(DCM_LossyImageCompression);
  const std::string instance = text(DCM_InstanceNumber);
  if (!instance.empty()) s.instance = std::atoi(instance.c_str());
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
  // The meta header's length counts its 128-byte preamble and "DICM".
  const long long before_pixels =
      file.getMetaInfo()->calcElementLength(EXS_LittleEndianExplicit, EET_ExplicitLength) +
      ds.calcElementLength(ds.getOriginalXfer(), EET_ExplicitLength) - pixels.getLength();
  std::error_code ec;
  const long long present = static_cast<long long>(fs::file_size(path, ec)) - before_pixels;
  return !ec && present >= 0 && present < static_cast<long long>(pixels.getLength()) ? present : -1;
}

[[noreturn]] void RejectCorrupt(DcmFileFormat& file, const std::string& path, const std::string& folder,
                                const OFCondition& cond) {
  std::error_code ec;
  const std::string where = "DICOM folder " + folder + ": slice " + path + " (" +
                            std::to_string(fs::file_size(path, ec)) + " bytes)";
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
  throw Error(ErrorKind::kInputUnreadable, where + " is a truncated or corrupt DICOM file (" + cond.text() +
                                               "); expected a complete DICOM file");
}

// The slice in `path`; nothing for files that are not DICOM. A file with the
// DICOM preamble that DCMTK cannot read whole is refused.
std::optional<DicomSlice> ReadSliceHeader(const std::string& path, const std::string& folder) {
  DcmFileFormat file;
  const OFCondition cond = file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, kMaxLoadedValueBytes);
  const bool unreadable = cond.bad() || file.getDataset()->card() == 0;
  if (unreadable && dcmtk::HasDicomPreamble(path)) RejectCorrupt(file, path, folder, cond);
  if (cond.bad()) return std::nullopt;  // not DICOM (README.txt, thumbs.db)
  return SliceFrom(*file.getDataset(), path);
}

std::vector<std::string> FilesIn(const std::string& folder) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder, ec)) {
    if (entry.is_regular_file(ec)) files.push_back(entry.path().string());
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
