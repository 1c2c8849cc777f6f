#include "io/dcmtk_util.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/oflog/oflog.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/sha256.h"
#include "io/dicom_object.h"

namespace margo {
namespace dcmtk {

void QuietLogger() {
  static const bool done = [] {
    OFLog::configure(OFLogger::OFF_LOG_LEVEL);
    return true;
  }();
  (void)done;
}

std::unique_ptr<DcmFileFormat> LoadFile(const std::string& path, const std::string& role) {
  QuietLogger();
  auto file = std::make_unique<DcmFileFormat>();
  const OFCondition cond = file->loadFile(path.c_str());
  if (cond.bad()) {
    throw Error(ErrorKind::kInputUnreadable,
                role + " " + path + ": cannot read as DICOM: " + cond.text() + "; expected a DICOM file");
  }
  return file;
}

std::string Text(DcmItem& item, const DcmTagKey& tag, long pos) {
  OFString value;
  const OFCondition cond = pos < 0 ? item.findAndGetOFStringArray(tag, value)
                                   : item.findAndGetOFString(tag, value, static_cast<unsigned long>(pos));
  if (cond.bad()) return {};
  std::string s(value.c_str());
  const auto first = s.find_first_not_of(' ');
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(' ') - first + 1);
}

namespace {

// `value` with NUL and other control characters shown as \0, \x1b...
std::string Printable(const std::string& value) {
  std::string out;
  for (unsigned char c : value) {
    char buf[8];
    std::snprintf(buf, sizeof buf, c == 0 ? "\\0" : "\\x%02x", c);
    out += c >= 0x20 || c == '\n' || c == '\r' || c == '\t' ? std::string(1, char(c)) : std::string(buf);
  }
  return out;
}

std::string Named(DcmElement& e) {
  DcmTag tag = e.getTag();
  char key[16];
  std::snprintf(key, sizeof key, "(%04X,%04X)", tag.getGTag(), tag.getETag());
  return std::string(tag.getTagName()) + " " + key;
}

}  // namespace

std::vector<std::string> MakeStringsWritable(DcmItem& item) {
  std::vector<std::string> changed;
  for (unsigned long i = 0; i < item.card(); ++i) {
    DcmElement* e = item.getElement(i);
    if (e == nullptr || !e->isaString()) continue;
    OFString stored;
    if (e->getOFStringArray(stored).bad()) continue;
    std::string value(stored.c_str(), stored.length());
    const std::size_t nul = value.find('\0');
    if (nul != std::string::npos) {
      e->putString(value.substr(0, nul).c_str());
      changed.push_back(Named(*e) + " '" + Printable(value) + "': cut at its NUL");
    }
    if (e->checkValue().bad()) {
      OFString now;
      e->getOFStringArray(now);
      e->putString("");
      changed.push_back(Named(*e) + " '" + Printable(now.c_str()) + "': not a valid " +
                        DcmVR(e->getVR()).getVRName() + " value, left empty");
    }
  }
  return changed;
}

void Check(const OFCondition& cond, const std::string& what) {
  if (cond.bad()) throw Error(ErrorKind::kOutputFailed, what + ": " + cond.text());
}

std::string Decimal(double v) {
  if (std::abs(v) < 1e-12) v = 0.0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

void SaveAtomically(DcmFileFormat& file, const std::string& path) {
  const std::filesystem::path temporary = TemporarySibling(path);
  const OFCondition cond = file.saveFile(temporary.c_str(), EXS_LittleEndianExplicit);
  if (cond.bad()) {
    std::error_code ec;
    std::filesystem::remove(temporary, ec);
    throw Error(ErrorKind::kOutputFailed, path + ": cannot write DICOM: " + cond.text());
  }
  CommitTemporary(temporary, path);
}

bool HasDicomPreamble(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<char, 132> head{};
  return in.read(head.data(), head.size()) && std::memcmp(head.data() + 128, "DICM", 4) == 0;
}

}  // namespace dcmtk

DicomObjectInfo ProbeDicomFile(const std::string& path) {
  DicomObjectInfo info;
  if (!dcmtk::HasDicomPreamble(path)) return info;
  dcmtk::QuietLogger();
  DcmFileFormat file;
  if (file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, 1024).bad()) {  // 1024: no pixel data
    info.kind = DicomObjectKind::kCorrupt;
    return info;
  }
  DcmDataset& ds = *file.getDataset();
  info.sop_class_uid = dcmtk::Text(ds, DCM_SOPClassUID);
  info.modality = dcmtk::Text(ds, DCM_Modality);
  if (info.sop_class_uid == UID_SegmentationStorage) {
    info.kind = DicomObjectKind::kSegmentation;
  } else if (info.sop_class_uid == UID_RTStructureSetStorage) {
    info.kind = DicomObjectKind::kRtStructureSet;
  } else {
    info.kind = DicomObjectKind::kOther;
  }
  return info;
}

std::string DerivedUid(const std::string& seed) {
  std::string hex = Sha256Hex(seed).substr(0, 32);                  // 128 bits
  hex[12] = '8';                                                    // UUID version 8 (custom)
  hex[16] = "89ab"[std::stoi(hex.substr(16, 1), nullptr, 16) % 4];  // RFC 4122 variant
  unsigned __int128 value = 0;
  for (char c : hex) value = value * 16 + static_cast<unsigned>(std::isdigit(c) ? c - '0' : c - 'a' + 10);
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(value % 10)));
    value /= 10;
  } while (value != 0);
  std::reverse(digits.begin(), digits.end());
  return "2.25." + digits;
}

}  // namespace margo
