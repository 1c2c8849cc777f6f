// DICOM objects that are not image series: what a file holds (SEG,
// RTSTRUCT), and the UIDs margo gives the objects it writes.
#pragma once

#include <string>

namespace margo {

// kCorrupt: the DICOM preamble ("DICM" at byte 128) but DCMTK cannot read
// the file whole (cut short, corrupt): a broken DICOM file, not another format.
enum class DicomObjectKind { kNotDicom, kSegmentation, kRtStructureSet, kOther, kCorrupt };

struct DicomObjectInfo {
  DicomObjectKind kind = DicomObjectKind::kNotDicom;
  std::string sop_class_uid;  // (0008,0016)
  std::string modality;       // (0008,0060)
};

// Reads the header of `path` (no pixel data). A file without "DICM" at byte
// 128 gives kNotDicom; one with it that DCMTK cannot load gives kCorrupt.
DicomObjectInfo ProbeDicomFile(const std::string& path);

// A UID under the 2.25 root (ISO/IEC 9834-8: a UUID as one decimal integer)
// made from the first 128 bits of SHA-256(`seed`): the same seed always gives
// the same UID, so re-running margo on the same inputs replaces, rather than
// duplicates, its objects in an archive. At most 44 characters.
std::string DerivedUid(const std::string& seed);

}  // namespace margo
