#include "apps/dicom_outputs.h"

#include "apps/dicom_sr_writer.h"
#include "apps/headline.h"
#include "apps/label_selection.h"
#include "apps/warped_labels.h"
#include "core/geometry.h"
#include "io/dicom_seg_writer.h"
#include "io/label_grid.h"

namespace margo {
namespace {

const InputRecord* InputOf(const Assessment& a, const std::string& role) {
  for (const InputRecord& r : a.inputs) {
    if (r.role == role) return &r;
  }
  return nullptr;
}

// Same inputs (by content), result-shaping options and margo build: same UIDs,
// so that a re-run replaces its objects in an archive. Not the command line:
// another --out, --quiet or --threads (the report is the same at any
// count), or the inputs moved elsewhere, gave new UIDs and a duplicate
// series in the archive (found by a review).
std::string UidSeed(const Assessment& a, const VersionInfo& version) {
  nlohmann::json parameters = ParametersJson(a);
  parameters.erase("threads");
  std::string seed = "margo " + version.margo + " " + version.git_revision + "\n" + parameters.dump();
  for (const InputRecord& r : a.inputs) seed += "\n" + r.role + " " + r.sha256;
  return seed;
}

std::optional<double> Percent(const std::optional<double>& share) {
  if (!share) return std::nullopt;
  return 100.0 * *share;
}

}  // namespace

std::vector<OutputFile> WriteDicomOutputs(const Assessment& a, const std::filesystem::path& dir,
                                          const VersionInfo& version, Log& log) {
  const InputRecord* post = InputOf(a, "post_ct");
  if (!a.images || !a.images->post_ct || post == nullptr || post->report.dicom.Empty()) {
    log.Info(std::string(kSegFile) + " and " + kSrFile +
             " not written: the post CT is not a DICOM series, and a SEG must reference its slices");
    return {};
  }
  const DicomSeriesRef& ct = post->report.dicom;
  if (ct.frame_of_reference.empty()) {
    log.Warn(std::string(kSegFile) + " and " + kSrFile + " not written: the post CT series " + ct.series_uid +
             " has no Frame of Reference UID (0020,0052), which a SEG needs to place its frames on the CT");
    return {};
  }
  const ReportImages& images = *a.images;
  const LabelImage::Pointer tumours = TumoursOnPostCt(images);
  LabelImage::Pointer zones = images.zones;
  if (!SameGrid(GeometryOf(*zones), GeometryOf(*images.post_ct))) {
    zones = ResampleLabels(*zones, nullptr, *images.post_ct);
  }
  zones->CopyInformation(images.post_ct);  // within SameGrid's tolerance: the CT's exact numbers
  tumours->CopyInformation(images.post_ct);

  SegSpec seg;
  seg.ct = ct;
  seg.grid = images.post_ct.GetPointer();
  seg.uid_seed = UidSeed(a, version);
  seg.software_version = version.margo;
  seg.series_description = "margo tumours (registered) and ablation zones";
  for (const TumourMargin& t : a.tumours) {
    const std::string n = std::to_string(t.label);
    seg.segments.push_back({"Tumour " + n,
                            "tumour label " + n + " carried onto the post CT by the registration",
                            SegmentKind::kTumour,
                            tumours.GetPointer(),
                            {t.label}});
  }
  // Every selected zone label, as every tumour: one that no post CT voxel
  // keeps gets its segment (an empty frame) instead of shifting the ones after it.
  for (std::uint16_t z : images.zone_labels.empty() ? LabelsOf(*zones) : images.zone_labels) {
    const std::string n = std::to_string(z);
    seg.segments.push_back(
        {"Ablation zone " + n, "ablation label " + n, SegmentKind::kAblationZone, zones.GetPointer(), {z}});
  }
  const WrittenSeg written = WriteDicomSeg(seg, (dir / kSegFile).string());
  for (const std::string& r : written.repaired_source_values) {
    log.Warn(std::string(kSegFile) + " and " + kSrFile + ": the post CT's " + r);
  }

  SrSpec sr;
  sr.ct = ct;
  sr.seg_path = (dir / kSegFile).string();
  sr.registration_verdict = a.verdict ? a.verdict->verdict : "";
  sr.uid_seed = seg.uid_seed;
  sr.software_version = version.margo;
  for (std::size_t i = 0; i < a.tumours.size(); ++i) {
    const TumourMargin& t = a.tumours[i];
    SrTumour s;
    s.label = t.label;
    s.segment_number = written.segment_numbers[i];
    s.assessable = t.assessable;
    s.not_assessable_reason = t.not_assessable_reason;
    s.min_margin_mm = t.min_margin_mm;
    s.p5_mm = t.p5_mm;
    s.coverage_5mm_percent = Percent(CoverageAt(t.surface_coverage, 5.0));
    s.coverage_10mm_percent = Percent(CoverageAt(t.surface_coverage, 10.0));
    s.category = CategoryName(t.category);
    s.category_reason = t.category_reason;
    sr.tumours.push_back(s);
  }
  WriteMeasurementReport(sr, (dir / kSrFile).string());
  return {{kSegFile,
           "DICOM SEG on the post CT: " + std::to_string(a.tumours.size()) +
               " tumour segment(s) carried by the "
               "registration, then the ablation zone(s)",
           ""},
          {kSrFile,
           std::string("DICOM SR (TID 1500): per tumour minimal margin, p5, surface coverage at 5 and 10 mm, "
                       "category") +
               (a.verdict ? ", registration verdict" : "") + "; references segmentation.dcm and the post CT",
           ""}};
}

}  // namespace margo
