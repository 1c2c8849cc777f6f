// The DICOM outputs of `margo assess` for the archive: segmentation.dcm (SEG
// on the post CT's grid: each tumour carried through the registration, and
// each ablation zone) and report_sr.dcm (TID 1500 measurement report per
// tumour). Both reference the post CT's instances, so they are written only
// when the post CT is a DICOM series (docs/REPORT.md, "DICOM outputs").
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "apps/report.h"
#include "core/log.h"

namespace margo {

inline constexpr const char* kSegFile = "segmentation.dcm";
inline constexpr const char* kSrFile = "report_sr.dcm";

// The SEG and SR of `a` in `dir` (their UIDs from the version, the
// parameters and the inputs' SHA-256, never from the command line).
std::vector<OutputFile> WriteDicomOutputs(const Assessment& a, const std::filesystem::path& dir,
                                          const VersionInfo& version, Log& log);

}  // namespace margo
