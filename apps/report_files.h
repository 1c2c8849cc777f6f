// Everything a run writes besides report.json, in one place: tumours.csv,
// the .vtp surfaces with margins, the tumour labels on the post CT and
// report.html. Each file is written atomically; report.json (written last,
// by the caller) lists them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "apps/report.h"
#include "core/log.h"

namespace margo {

struct ReportOptions {
  bool html = true;      // report.html with pictures. Default: on (--no-html turns it off)
  bool surfaces = true;  // .vtp surfaces and warped labels. Default: on (--no-surfaces)
  bool dicom = true;     // segmentation.dcm and report_sr.dcm, when the post CT is DICOM. Default: on (--no-dicom)
};

inline constexpr const char* kCsvFile = "tumours.csv";
inline constexpr const char* kHtmlFile = "report.html";
inline constexpr const char* kTumourSurfacesFile = "tumour_surfaces.vtp";
inline constexpr const char* kZoneSurfaceFile = "ablation_zone_surface.vtp";
inline constexpr const char* kWarpedTumoursFile = "tumours_on_post_ct.nii.gz";
inline constexpr const char* kTransformFile = "transform_post_to_pre.tfm";

// Every file name a run may write in its output folder, report.json included
// (a new run removes them first, so none is left from an earlier run).
std::vector<std::string> ReportFileNames();

std::vector<OutputFile> WriteReportFiles(const Assessment& a, const std::filesystem::path& dir,
                                         const ReportOptions& options, const VersionInfo& version,
                                         const std::string& command_line, Log& log);

}  // namespace margo
