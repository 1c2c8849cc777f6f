#include "apps/report_files.h"

#include <chrono>
#include <cstdio>

#include "apps/dicom_outputs.h"
#include "apps/margin_map.h"
#include "apps/report_csv.h"
#include "apps/report_html.h"
#include "apps/surface_export.h"
#include "apps/warped_labels.h"
#include "core/atomic_file.h"
#include "registration/transform_file.h"

namespace margo {
namespace {

// Runs `step`, logging how long it took (debug level).
template <typename Step>
void Timed(const std::string& what, Log& log, Step step) {
  const auto start = std::chrono::steady_clock::now();
  step();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  char buf[32];
  std::snprintf(buf, sizeof buf, " (%.2f s)", s);
  log.Debug(what + buf);
}

// The meshes with their margins; on failure (a bug, not a full disk) none,
// and `problem` says why: the numbers and slices still go out.
MarginMaps MapsOrNone(const Assessment& a, Log& log, std::string& problem) {
  MarginMaps maps;
  try {
    Timed("margin maps on the surfaces", log, [&] { maps = BuildMarginMaps(a); });
  } catch (const std::exception& e) {
    problem = e.what();
    log.Warn("surfaces with margins not made: " + problem);
  }
  return maps;
}

void WriteSurfaces(const Assessment& a, const MarginMaps& maps, const std::filesystem::path& dir, Log& log,
                   std::vector<OutputFile>& written) {
  Timed("surfaces written", log, [&] {
    MarginMaps in_space = maps;
    if (a.measuring_space == "pre") MoveToPreSpace(in_space, a.images->post_to_pre);
    WriteTumourSurfaces(in_space, a.margin.thresholds, dir / kTumourSurfacesFile);
    written.push_back({kTumourSurfacesFile,
                       "tumour surfaces (LPS mm, " + a.measuring_space +
                           " space) with point arrays margin_mm, "
                           "margin_rgb, tumour_label",
                       ""});
    if (!in_space.zone) return;
    WriteZoneSurface(in_space, a.margin.thresholds, dir / kZoneSurfaceFile);
    written.push_back({kZoneSurfaceFile,
                       "ablation-zone surface (LPS mm, " + a.measuring_space +
                           " space) with point array "
                           "margin_mm: distance to the nearest tumour surface, negative inside a tumour",
                       ""});
  });
}

void WriteHtml(const Assessment& a, const MarginMaps& maps, const std::string& maps_problem,
               const std::filesystem::path& dir, const VersionInfo& version, const std::string& command_line,
               Log& log, std::vector<OutputFile>& written) {
  HtmlReport html;
  Timed("report.html drawn", log, [&] { html = ReportHtml(a, maps, version, command_line); });
  WriteFileAtomically(dir / kHtmlFile, html.html);
  std::string notes = maps_problem.empty() ? "" : "no 3D views or histograms: " + maps_problem;
  for (const std::string& n : html.notes) {
    notes += (notes.empty() ? "" : "; ") + n;
    log.Warn("report.html: " + n);
  }
  written.push_back({kHtmlFile, "self-contained report with pictures", notes});
}

}  // namespace

std::vector<std::string> ReportFileNames() {
  return {"report.json",      kCsvFile,           kHtmlFile, kTumourSurfacesFile, kZoneSurfaceFile,
          kWarpedTumoursFile, kTransformFile, kSegFile,  kSrFile};
}

std::vector<OutputFile> WriteReportFiles(const Assessment& a, const std::filesystem::path& dir,
                                         const ReportOptions& options, const VersionInfo& version,
                                         const std::string& command_line, Log& log) {
  std::vector<OutputFile> written;
  WriteFileAtomically(dir / kCsvFile, TumoursCsv(a));
  written.push_back({kCsvFile, "one row per tumour: the headline metrics", ""});
  if (a.registration && a.images) {
    WriteTransformFile(a.images->post_to_pre, (dir / kTransformFile).string());
    written.push_back({kTransformFile,
                       std::string("ITK transform post -> pre (") +
                           (a.images->post_to_pre.deformable() ? "rigid after B-spline" : "rigid") +
                           "): resamples the pre CT and its labels onto the post CT",
                       ""});
  }
  if (options.dicom && a.assess_params) {
    Timed("DICOM SEG and SR written", log, [&] {
      for (OutputFile& f : WriteDicomOutputs(a, dir, version, log)) written.push_back(f);
    });
  }
  if (!a.images || (!options.html && !options.surfaces)) return written;

  std::string maps_problem;
  const MarginMaps maps = MapsOrNone(a, log, maps_problem);
  if (options.surfaces && maps_problem.empty()) WriteSurfaces(a, maps, dir, log, written);
  if (options.surfaces && a.images->post_ct) {
    log.BeginStage("resample");
    Timed("tumour labels on the post CT written", log,
          [&] { WriteTumoursOnPostCt(*a.images, (dir / kWarpedTumoursFile).string()); });
    log.BeginStage("report");
    written.push_back(
        {kWarpedTumoursFile, "tumour labels carried into the post CT's grid (nearest neighbour)", ""});
  }
  if (options.html) WriteHtml(a, maps, maps_problem, dir, version, command_line, log, written);
  return written;
}

}  // namespace margo
