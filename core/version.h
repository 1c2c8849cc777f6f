// What `margo --version` prints and report.json embeds.
#pragma once

#include <string>

namespace margo {

struct VersionInfo {
  std::string margo;         // project version, e.g. "0.1.0"
  std::string git_revision;  // `git describe --always --dirty` at build time
  std::string itk;
  std::string vtk;
  std::string dcmtk;  // DICOM SEG, RTSTRUCT and SR
  std::string gdcm;   // DICOM series (through ITK)
  std::string compiler;
};

VersionInfo GetVersionInfo();
std::string VersionText(const VersionInfo& v);

}  // namespace margo
