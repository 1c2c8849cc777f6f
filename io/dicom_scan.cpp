// Reading DICOM header fields with GDCM's scanner (no pixel data).
#include <gdcmDirectory.h>
#include <gdcmScanner.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "core/error.h"
#include "io/dicom_series.h"

namespace margo {
namespace {

const gdcm::Tag kSeriesUid(0x0020, 0x000e);
const gdcm::Tag kStudyUid(0x0020, 0x000d);
const gdcm::Tag kSopInstanceUid(0x0008, 0x0018);
const gdcm::Tag kSopClassUid(0x0008, 0x0016);
const gdcm::Tag kFrameOfReference(0x0020, 0x0052);
const gdcm::Tag kModality(0x0008, 0x0060);
const gdcm::Tag kDescription(0x0008, 0x103e);
const gdcm::Tag kInstance(0x0020, 0x0013);
const gdcm::Tag kPosition(0x0020, 0x0032);
const gdcm::Tag kOrientation(0x0020, 0x0037);
const gdcm::Tag kPixelSpacing(0x0028, 0x0030);
const gdcm::Tag kRows(0x0028, 0x0010);
const gdcm::Tag kColumns(0x0028, 0x0011);

std::string Trim(const char* value) {
  if (value == nullptr) return {};
  std::string s(value);
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(std::string(" \t\r\n\0", 5));
  return s.substr(first, last - first + 1);
}

// Parses a backslash-separated decimal string; returns false unless exactly n values.
template <std::size_t N>
bool ParseDecimals(const std::string& text, std::array<double, N>& out) {
  std::stringstream ss(text);
  std::string item;
  std::size_t n = 0;
  while (std::getline(ss, item, '\\')) {
    if (n == N) return false;
    try {
      out[n++] = std::stod(item);
    } catch (const std::exception&) {
      return false;
    }
  }
  return n == N;
}

DicomSlice SliceFrom(const gdcm::Scanner& scanner, const char* file) {
  DicomSlice s;
  s.file = file;
  s.series_uid = Trim(scanner.GetValue(file, kSeriesUid));
  s.study_uid = Trim(scanner.GetValue(file, kStudyUid));
  s.sop_instance_uid = Trim(scanner.GetValue(file, kSopInstanceUid));
  s.sop_class_uid = Trim(scanner.GetValue(file, kSopClassUid));
  s.frame_of_reference = Trim(scanner.GetValue(file, kFrameOfReference));
  s.modality = Trim(scanner.GetValue(file, kModality));
  s.description = Trim(scanner.GetValue(file, kDescription));
  const std::string instance = Trim(scanner.GetValue(file, kInstance));
  if (!instance.empty()) s.instance = std::atoi(instance.c_str());
  s.has_position = ParseDecimals(Trim(scanner.GetValue(file, kPosition)), s.position_mm);
  s.has_orientation = ParseDecimals(Trim(scanner.GetValue(file, kOrientation)), s.orientation);
  s.has_pixel_spacing =
      ParseDecimals(Trim(scanner.GetValue(file, kPixelSpacing)), s.pixel_spacing_mm);
  s.rows = static_cast<unsigned>(std::atoi(Trim(scanner.GetValue(file, kRows)).c_str()));
  s.columns = static_cast<unsigned>(std::atoi(Trim(scanner.GetValue(file, kColumns)).c_str()));
  return s;
}

}  // namespace

std::vector<DicomSlice> ScanDicomFolder(const std::string& folder) {
  gdcm::Directory directory;
  directory.Load(folder, /*recursive=*/false);
  gdcm::Scanner scanner;
  for (const gdcm::Tag& tag : {kSeriesUid, kStudyUid, kSopInstanceUid, kSopClassUid, kFrameOfReference, kModality, kDescription, kInstance,
                               kPosition, kOrientation, kPixelSpacing, kRows, kColumns}) {
    scanner.AddTag(tag);
  }
  if (directory.GetFilenames().empty() || !scanner.Scan(directory.GetFilenames())) {
    throw Error(ErrorKind::kInputUnreadable,
                "DICOM folder " + folder + ": no readable file in it; expected one DICOM file per slice");
  }
  std::vector<std::string> files = directory.GetFilenames();
  std::sort(files.begin(), files.end());  // messages must not depend on directory order
  std::vector<DicomSlice> slices;
  for (const std::string& file : files) {
    if (!scanner.IsKey(file.c_str())) continue;  // not DICOM: ignored
    DicomSlice slice = SliceFrom(scanner, file.c_str());
    if (slice.rows == 0 || slice.columns == 0) continue;  // no image (e.g. DICOMDIR, SR)
    slices.push_back(std::move(slice));
  }
  if (slices.empty()) {
    throw Error(ErrorKind::kInputUnreadable,
                "DICOM folder " + folder + ": " + std::to_string(directory.GetFilenames().size()) +
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
    msg << "holds " << by_series.size() << " series; choose one with --pre-series-uid or --post-series-uid:";
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
