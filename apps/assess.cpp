#include "apps/assess.h"

#include <itkImageRegionConstIteratorWithIndex.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <future>
#include <limits>
#include <optional>

#include "apps/cli_checks.h"
#include "apps/label_selection.h"
#include "apps/registration_quality.h"
#include "apps/verdict.h"
#include "core/error.h"
#include "core/parallel_for.h"
#include "core/sha256.h"
#include "core/toolkit_globals.h"
#include "io/label_extent.h"
#include "io/label_grid.h"

namespace margo {
namespace {

// With landmarks, a tumour's registration uncertainty is the largest error
// of the pairs whose pre point lies within this distance of the tumour's box
// (mm): the margin depends on the map at the tumour's surface and out to the
// zone's boundary, up to 10 mm beyond it for A0 (docs/REGISTRATION.md).
constexpr double kLandmarkNearTumourMm = 20.0;
// Without a liver mask, the deformable stage looks this far around the zone.
constexpr double kLesionNeighbourhoodMm = 45.0;

struct LabelsOnGrid {
  LabelImage::Pointer image;     // on the CT's grid
  LabelImage::Pointer original;  // as loaded (after label selection), within the CT's extent
  LoadReport report;
  std::vector<std::uint16_t> labels;  // of the input (after selection), also those beyond the CT
};

// Where each loaded input is recorded, with its SHA-256 (hashed meanwhile).
struct InputLog {
  std::vector<InputRecord>& records;
  BackgroundSha256& hashes;
  void Add(const std::string& key, const LoadReport& report, const std::string& path) {
    records.push_back({key, report, hashes.Of(path)});
  }
};

void LogCt(const LoadedCt& ct, const std::string& path, const std::string& role, Log& log, InputLog& inputs,
           const std::string& key) {
  std::string what = ct.report.format;
  if (ct.report.format == "DICOM series") {
    char buf[160];
    std::snprintf(buf, sizeof buf, " (%zu files, slice spacing %.3f..%.3f mm from positions)",
                  ct.report.file_count, ct.report.slice_spacing_min_mm, ct.report.slice_spacing_max_mm);
    what += buf;
  }
  log.Info(role + ": " + what + ", " + Describe(ct.report.geometry));
  for (const std::string& note : ct.report.notes) log.Warn(role + ": " + note);
  inputs.Add(key, ct.report, path);
}

struct LoadedCts {
  LoadedCt pre, post;
};

// One label input, as the command line gives it.
struct LabelInput {
  std::string path, role;
  LabelOption selection;
  GridInput grid_input;  // the grid it is placed on
  std::string key;
  std::string option;  // the option choosing among its labels (--tumour-labels, --ablation-labels)
  bool on_pre_ct = false;  // assess: drawn on the pre CT (else the post CT)
};

// Where a label input is placed: `grid` (a CT's or the tumour map's) and,
// when it is a CT, its load report: DICOM SEG/RTSTRUCT references are
// checked against it, RTSTRUCT contours drawn on the grid.
struct LabelTarget {
  const itk::ImageBase<3>* grid = nullptr;
  const LoadReport* ct = nullptr;
};

LabelTarget TargetIn(const LoadedCts& cts, const LabelInput& in) {
  const LoadedCt& ct = in.on_pre_ct ? cts.pre : cts.post;
  return {ct.image, &ct.report};
}

LoadedLabels ReadLabelInput(const LabelInput& in, const LabelTarget& target) {
  return LoadLabels(in.path, in.role, {target.ct, target.grid, in.grid_input.role, in.selection});
}

LoadedCt ReadCt(const AssessParams& p, bool pre) {
  return pre ? LoadCt(p.pre_ct, "pre CT", DicomSelection{p.pre_series_uid, "--pre-series-uid"})
             : LoadCt(p.post_ct, "post CT", DicomSelection{p.post_series_uid, "--post-series-uid"});
}

struct ReadInputs {
  LoadedCts cts;
  std::vector<LoadedLabels> labels;
  std::exception_ptr labels_failed;  // the first label input's error, in order; the CTs were read
};

// Every input of assess read: all at the same time, the CTs first, when
// all are volume files margo may read alongside others
// (io/image_reader.h ReadableAlongsideOthers: they need no CT to be read)
// and it may use two threads; otherwise the CTs (together when both may
// be), then the labels (together when all may be). A CT's error is thrown
// (the pre CT's first); a label input's is kept in `labels_failed`, so that
// the CTs can be logged before it is reported, as when they were read first.
ReadInputs ReadAll(const AssessParams& p, const std::vector<LabelInput>& labels) {
  ReadInputs r;
  r.labels.resize(labels.size());
  std::vector<std::string> paths{p.pre_ct, p.post_ct};
  for (const LabelInput& in : labels) paths.push_back(in.path);
  const bool two_threads = ThreadBudget() >= 2;
  const auto alongside = [&](std::size_t first, std::size_t end) {
    return two_threads &&
           std::all_of(paths.begin() + long(first), paths.begin() + long(end), ReadableAlongsideOthers);
  };
  const bool all_together = alongside(0, paths.size());
  std::vector<std::exception_ptr> failures(labels.size());
  const auto read = [&](std::size_t i) {
    if (i < 2) {
      (i == 0 ? r.cts.pre : r.cts.post) = ReadCt(p, i == 0);
      return;
    }
    const LabelInput& in = labels[i - 2];
    try {
      r.labels[i - 2] = ReadLabelInput(in, all_together ? LabelTarget{} : TargetIn(r.cts, in));
    } catch (...) {
      failures[i - 2] = std::current_exception();
    }
  };
  const auto read_range = [&](std::size_t first, std::size_t end) {
    if (alongside(first, end)) {
      ParallelFor(end - first, [&](std::size_t i) { read(first + i); });
    } else {
      for (std::size_t i = first; i < end; ++i) read(i);
    }
  };
  if (all_together) {
    read_range(0, paths.size());
  } else {
    read_range(0, 2);
    read_range(2, paths.size());
  }
  const auto failed = std::find_if(failures.begin(), failures.end(), [](const auto& f) { return bool(f); });
  if (failed != failures.end()) r.labels_failed = *failed;
  return r;
}

LabelsOnGrid PlaceLabels(LoadedLabels loaded, const LabelInput& in, const LabelTarget& target, Log& log,
                         InputLog& inputs) {
  log.Info(in.role + ": " + loaded.report.format + ", " + Describe(loaded.report.geometry));
  if (!loaded.report.references.empty()) log.Info(in.role + ": DICOM references " + loaded.report.references);
  inputs.Add(in.key, loaded.report, in.path);
  const std::vector<std::uint16_t> labels =
      SelectLabels(*loaded.image, in.selection, in.option, in.role, in.path);
  LabelsOnGrid out{PutLabelsOnGrid(loaded.image, {in.role, in.path}, *target.grid, in.grid_input, log),
                   WithinExtentOf(loaded.image, *target.grid), loaded.report, labels};
  RequireNotEmpty(*out.image, in.role, in.path, in.grid_input.role);
  return out;
}

LabelsOnGrid LoadLabelsOn(const LabelInput& in, const LabelTarget& target, Log& log, InputLog& inputs) {
  return PlaceLabels(ReadLabelInput(in, target), in, target, log, inputs);
}

// LPS box around the non-zero voxels of `labels`, and their centroid.
struct Extent {
  WorldBox box;
  Vec3 centroid_mm{};
};

// Row by row over the raw buffer, empty rows skipped: per row the count and
// index sum of its non-zero voxels and its first and last one. The box of a row's voxel
// centres is the box of those two (they lie on one line), and the centroid
// is the mean index carried through the (affine) index-to-world map.
Extent ExtentOf(const LabelImage& labels) {
  Extent e;
  e.box.min_mm = {HUGE_VAL, HUGE_VAL, HUGE_VAL};
  e.box.max_mm = {-HUGE_VAL, -HUGE_VAL, -HUGE_VAL};
  const auto region = labels.GetBufferedRegion();
  const long nx = long(region.GetSize(0)), ny = long(region.GetSize(1)), nz = long(region.GetSize(2));
  const LabelImage::PixelType* v = labels.GetBufferPointer();
  double count = 0.0, sum[3] = {0, 0, 0};
  auto include = [&](long x, long y, long z) {
    itk::ContinuousIndex<double, 3> ci;
    ci[0] = double(region.GetIndex(0) + x), ci[1] = double(region.GetIndex(1) + y);
    ci[2] = double(region.GetIndex(2) + z);
    LabelImage::PointType p;
    labels.TransformContinuousIndexToPhysicalPoint(ci, p);
    for (int a = 0; a < 3; ++a) {
      e.box.min_mm[a] = std::min(e.box.min_mm[a], p[a]);
      e.box.max_mm[a] = std::max(e.box.max_mm[a], p[a]);
    }
  };
  for (long z = 0; z < nz; ++z) {
    for (long y = 0; y < ny; ++y, v += nx) {
      LabelImage::PixelType any = 0;  // branch-free passes the compiler vectorises
      for (long x = 0; x < nx; ++x) any |= v[x];
      if (any == 0) continue;
      long first = 0, last = nx - 1, n = 0, xs = 0;
      while (v[first] == 0) ++first;
      while (v[last] == 0) --last;
      for (long x = first; x <= last; ++x) {
        const long set = v[x] != 0 ? 1 : 0;
        n += set;
        xs += set * x;
      }
      include(first, y, z);
      include(last, y, z);
      count += double(n);
      sum[0] += double(xs), sum[1] += double(n) * double(y), sum[2] += double(n) * double(z);
    }
  }
  if (count == 0.0) return e;
  itk::ContinuousIndex<double, 3> mean;
  for (int a = 0; a < 3; ++a) mean[a] = double(region.GetIndex(a)) + sum[a] / count;
  LabelImage::PointType c;
  labels.TransformContinuousIndexToPhysicalPoint(mean, c);
  for (int a = 0; a < 3; ++a) e.centroid_mm[a] = c[a];
  return e;
}

RigidHints HintsFor(const LabelImage& tumours_pre, const LabelImage& ablation_post,
                    const LabelImage* liver_pre, const LabelImage* liver_post) {
  RigidHints hints;
  const Extent zone = ExtentOf(ablation_post);
  const Extent tumour = ExtentOf(tumours_pre);
  hints.fixed_roi = zone.box;
  hints.start_translations_mm.push_back(Sub(tumour.centroid_mm, zone.centroid_mm));
  if (liver_pre != nullptr && liver_post != nullptr) {  // one alone cannot align anything
    const Extent lp = ExtentOf(*liver_pre);
    const Extent lq = ExtentOf(*liver_post);
    hints.fixed_roi = lq.box;
    hints.start_translations_mm.push_back(Sub(lp.centroid_mm, lq.centroid_mm));
  }
  return hints;
}

void LogRegistration(const RigidResult& r, Log& log) {
  const RigidTransform& t = r.post_to_pre;
  char buf[300];
  std::snprintf(buf, sizeof buf,
                "rigid registration: rotation %.2f deg, translation (%.2f, %.2f, %.2f) mm, Mattes MI %.4f -> %.4f",
                t.RotationDeg(), t.translation_mm[0], t.translation_mm[1], t.translation_mm[2], r.metric_initial,
                r.metric_final);
  log.Info(buf);
}

// The margin kernel: tumours on their own label map against the zone labels
// on their own grid (and the liver mask, if any, for subcapsular exclusion),
// with `to_measuring` carrying tumour points into the zones' world.
std::vector<TumourMargin> MeasureAgainstZones(const Assessment& a, const LabelImage& tumours,
                                              const LabelImage& zones, const LabelImage* liver,
                                              const std::map<std::uint16_t, LabelSelection>& zone_map,
                                              const PointMap& to_measuring, const std::string& space_name,
                                              ReportImages& images, Log& log,
                                              const PrebuiltSurfaces* prebuilt = nullptr) {
  const MaskImage::Pointer zone_mask = prebuilt != nullptr ? prebuilt->zone_mask : UnionMask(zones);
  const MaskImage::Pointer liver_mask = liver != nullptr ? UnionMask(*liver) : nullptr;
  MarginInputs m;
  m.tumours = &tumours;
  m.to_measuring = to_measuring;
  m.ablation = zone_mask.GetPointer();
  m.ablation_labels = &zones;
  m.zones_for_tumour = zone_map;
  m.liver = liver_mask.GetPointer();
  m.expected_labels = a.tumour_labels;
  m.options = a.margin;
  m.registration_uncertainty_mm = a.registration_uncertainty_mm;
  m.space_name = space_name;
  m.tumour_surfaces = &images.tumour_surfaces;
  m.zone_union_surface = &images.zone_union_surface;
  m.vertex_margins = &images.vertex_margins;
  m.prebuilt = prebuilt;
  std::vector<TumourMargin> margins = MeasureMargins(m);
  for (const TumourMargin& t : margins) {
    if (!t.category_reason.empty()) {
      log.Warn("tumour " + std::to_string(t.label) + " " + CategoryName(t.category) + ": " +
               t.category_reason);
    }
  }
  return margins;
}

// A tumour's thinnest point carried into the pre CT's space, and its
// thinnest direction with it (along the map's local linear part, a 1 mm
// step): both in one space, as the report pairs them.
void CarryIntoPreSpace(TumourMargin& t, const ScanMap& post_to_pre) {
  const Vec3 point = t.min_point_lps_mm, ahead = Add(point, t.thinnest_direction);
  t.min_point_lps_mm = post_to_pre.Apply(point);
  const Vec3 step = Sub(post_to_pre.Apply(ahead), t.min_point_lps_mm);
  const double length = Norm(step);
  for (int a = 0; a < 3; ++a) t.thinnest_direction[a] = length > 0 ? step[a] / length : 0.0;
}

// The region the deformable stage works on: the post liver when given, else
// the ablation zone's neighbourhood (BRIEF.md: 50 to 70 mm around it).
WorldBox DeformableRoi(const LabelImage& ablation_post, const LabelImage* liver_post) {
  if (liver_post != nullptr) return ExtentOf(*liver_post).box;
  return Grown(ExtentOf(ablation_post).box, kLesionNeighbourhoodMm);
}

DeformableResult RegisterDeformableStage(const RigidResult& rigid, const LoadedCt& post, const LoadedCt& pre,
                                         const LabelsOnGrid& tumours, const LabelsOnGrid& ablation,
                                         const LabelsOnGrid& post_liver, const AssessParams& p, Log& log) {
  const MaskImage::Pointer zone = UnionMask(*ablation.image);
  const MaskImage::Pointer tumour = UnionMask(*tumours.image);
  DeformableInputs in;
  in.fixed_post = post.image.GetPointer();
  in.moving_pre = pre.image.GetPointer();
  in.rigid = rigid.post_to_pre;
  in.roi_post = DeformableRoi(*ablation.image, post_liver.image.GetPointer());
  in.exclude_post = zone.GetPointer();
  in.exclude_pre = tumour.GetPointer();
  return RegisterDeformable(in, p.deformable, log);
}

struct LandmarkPairs {
  std::vector<Landmark> pre, post;
};

// Both files or neither; read before any image so that a bad file fails fast.
std::optional<LandmarkPairs> ReadLandmarkPairs(const AssessParams& p) {
  RequireBothOrNeither("--landmarks-pre", p.landmarks_pre, "--landmarks-post", p.landmarks_post);
  if (p.landmarks_pre.empty()) return std::nullopt;
  LandmarkPairs pairs{ReadLandmarks(p.landmarks_pre), ReadLandmarks(p.landmarks_post)};
  RequireLandmarkPairs(pairs.pre, p.landmarks_pre, pairs.post, p.landmarks_post);
  return pairs;
}

LandmarkErrors MeasureLandmarks(const LandmarkPairs& pairs, const Assessment& a, const ScanMap& post_to_pre,
                                Log& log) {
  LandmarkErrors e;
  for (const Landmark& l : pairs.pre) e.names.push_back(l.name);
  e.before_mm = TargetErrors(pairs.pre, pairs.post, ScanMap{});
  if (a.registration) e.rigid_mm = TargetErrors(pairs.pre, pairs.post, ScanMap(a.registration->post_to_pre));
  e.final_mm = TargetErrors(pairs.pre, pairs.post, post_to_pre);
  char buf[200];
  std::snprintf(buf, sizeof buf,
                "landmarks: %zu pairs, target error mean %.2f mm, max %.2f mm (%.2f mm before)",
                e.final_mm.size(), e.MeanFinal(), e.MaxFinal(), e.MeanBefore());
  log.Info(buf);
  return e;
}

// The registration's part of the borderline uncertainty, and its source:
// with --registration none, the landmarks' error when they are given (the
// scans are then taken as aligned), else nothing.
void SetRegistrationUncertainty(Assessment& a) {
  if (a.landmarks) {
    a.registration_uncertainty_mm = a.landmarks->RmsFinal();
    a.registration_uncertainty_source =
        "landmark target error (RMS; per tumour the largest within 20 mm of it, when larger)";
    return;
  }
  if (!a.registration) return;
  a.registration_uncertainty_mm = kRegistrationUncertaintyMm;
  a.registration_uncertainty_source = "margo's registration error on phantoms (docs/REGISTRATION.md)";
}

// With landmarks, the liver-wide RMS error understates the error where it
// counts: each tumour gets the largest error of the pairs near it (pre
// points within kLandmarkNearTumourMm of its box; all pairs when none is),
// never less than the RMS, and its borderline flag is judged again with it.
void UseLandmarkErrorNearEachTumour(Assessment& a, const std::vector<Landmark>& pre_points,
                                    const LabelImage& tumours_pre) {
  const std::map<std::uint16_t, WorldBox> boxes = BoxesOfLabels(tumours_pre);
  const std::vector<double>& errors = a.landmarks->final_mm;
  const CategoryThresholds& thresholds = a.margin.thresholds;
  for (TumourMargin& t : a.tumours) {
    const auto box = boxes.find(t.label);
    if (!t.assessable || box == boxes.end()) continue;
    double near = -1.0;
    for (std::size_t i = 0; i < errors.size() && i < pre_points.size(); ++i) {
      if (DistanceToBox(pre_points[i].lps_mm, box->second) <= kLandmarkNearTumourMm) {
        near = std::max(near, errors[i]);
      }
    }
    if (near < 0.0) near = a.landmarks->MaxFinal();
    SetRegistrationUncertainty(t, std::max(near, a.landmarks->RmsFinal()), thresholds);
  }
}

// --registration none takes both CTs to share one world space; DICOM says
// whether they do.
void WarnIfFramesDiffer(const LoadReport& pre, const LoadReport& post, Log& log) {
  const std::string& a = pre.dicom.frame_of_reference;
  const std::string& b = post.dicom.frame_of_reference;
  if (a.empty() || b.empty() || a == b) return;
  log.Warn(
      "--registration none takes the pre and post CT to share one world space, but their Frame of "
      "Reference UIDs differ (" +
      a + " and " + b + "): their coordinates may not match");
}

void AddReasons(RegistrationVerdict& v, const std::vector<std::string>& reasons, Log& log) {
  for (const std::string& reason : reasons) {
    v.verdict = "warn";
    v.reasons.push_back(reason);
    log.Warn("registration check: " + reason);
  }
}

}  // namespace

const char* RegistrationModeName(RegistrationMode mode) {
  switch (mode) {
    case RegistrationMode::kDeformable: return "deformable";
    case RegistrationMode::kRigid: return "rigid";
    case RegistrationMode::kNone: return "none";
  }
  return "none";
}

RegistrationMode ParseRegistrationMode(const std::string& name) {
  for (RegistrationMode m : {RegistrationMode::kDeformable, RegistrationMode::kRigid, RegistrationMode::kNone}) {
    if (name == RegistrationModeName(m)) return m;
  }
  throw Error(ErrorKind::kUsage, "--registration " + name + ": expected deformable, rigid or none");
}

std::size_t Assessment::NotAssessable() const {
  std::size_t n = 0;
  for (const TumourMargin& t : tumours) n += t.assessable ? 0 : 1;
  return n;
}

Assessment RunAssess(const AssessParams& p, Log& log) {
  Assessment a;
  a.margin = p.margin;
  if (!p.clinical.empty()) a.clinical = ReadClinicalInputs(p.clinical);  // fail fast, before any image
  // The pre liver is only ever compared with the post one (the start from the liver centroids, the
  // liver Dice): alone it would be read for nothing. The post liver alone still bounds the
  // deformable stage and gives the capsule for --subcapsular-mm.
  if (!p.pre_liver.empty() && p.post_liver.empty()) {
    throw Error(ErrorKind::kUsage,
                "--pre-liver needs --post-liver: it is only compared with the post liver "
                "(registration start and liver Dice)");
  }
  const std::optional<LandmarkPairs> landmarks = ReadLandmarkPairs(p);
  log.BeginStage("load");
  BackgroundSha256 hashes({p.pre_ct, p.post_ct, p.tumours, p.ablation, p.pre_liver, p.post_liver});
  InputLog inputs{a.inputs, hashes};
  const GridInput pre_grid{"pre CT", p.pre_ct}, post_grid{"post CT", p.post_ct};
  std::vector<LabelInput> label_inputs{
      {p.tumours, "tumour labels", p.tumour_labels, pre_grid, "tumours", "--tumour-labels", true},
      {p.ablation, "ablation labels", p.ablation_labels, post_grid, "ablation", "--ablation-labels", false}};
  if (!p.pre_liver.empty()) {
    label_inputs.push_back({p.pre_liver, "pre liver mask", {}, pre_grid, "pre_liver", "", true});
  }
  if (!p.post_liver.empty()) {
    label_inputs.push_back({p.post_liver, "post liver mask", {}, post_grid, "post_liver", "", false});
  }
  log.Info("loading pre CT " + p.pre_ct);
  log.Info("loading post CT " + p.post_ct);
  ReadInputs read = ReadAll(p, label_inputs);
  const LoadedCts& cts = read.cts;
  const LoadedCt &pre = cts.pre, &post = cts.post;
  LogCt(pre, p.pre_ct, "pre CT", log, inputs, "pre_ct");
  LogCt(post, p.post_ct, "post CT", log, inputs, "post_ct");
  if (read.labels_failed) std::rethrow_exception(read.labels_failed);
  // Before anything is resampled: swapped scans register well and then read every tumour as incomplete.
  RequireLabelsOnTheirCts({GeometryOf(*read.labels[0].image), {"tumour labels", p.tumours}},
                          {GeometryOf(*read.labels[1].image), {"ablation labels", p.ablation}},
                          {GeometryOf(*pre.image), pre_grid}, {GeometryOf(*post.image), post_grid}, log);
  std::vector<LabelsOnGrid> labels;
  for (std::size_t i = 0; i < label_inputs.size(); ++i) {
    const LabelInput& in = label_inputs[i];
    labels.push_back(PlaceLabels(std::move(read.labels[i]), in, TargetIn(cts, in), log, inputs));
  }
  const LabelsOnGrid tumours = labels[0], ablation = labels[1];
  LabelsOnGrid pre_liver, post_liver;
  if (!p.pre_liver.empty()) pre_liver = labels[2];
  if (!p.post_liver.empty()) post_liver = labels.back();
  // Tumours are measured on their own label map: no resampling, and none
  // is lost when the map reaches beyond the pre CT.
  a.tumour_labels = tumours.labels;  // those wholly beyond the pre CT are reported as not assessable
  RequireTumourCountPlausible(a.tumour_labels, p.tumours);
  RequireMappedTumoursExist(p.zone_map, a.tumour_labels);
  if (a.clinical) RequireEntriesMeasured(*a.clinical, a.tumour_labels);  // before the long work

  // The surfaces margins are measured on do not depend on the map: built on
  // a thread of their own while the registration runs (which leaves part of
  // the second core idle), they are ready when the margin stage starts.
  std::future<PrebuiltSurfaces> surfaces;
  if (ThreadBudget() >= 2 && p.registration != RegistrationMode::kNone) {
    PrepareItkForThreads();
    surfaces = std::async(std::launch::async, [&tumours, &ablation] {
      return PrebuildSurfaces(*tumours.original, *ablation.original);
    });
  }
  if (p.registration == RegistrationMode::kNone) WarnIfFramesDiffer(pre.report, post.report, log);
  ScanMap post_to_pre;
  a.registration_method = RegistrationModeName(p.registration);
  if (p.registration != RegistrationMode::kNone) {
    log.BeginStage("rigid");
    const RigidHints hints = HintsFor(*tumours.image, *ablation.image, pre_liver.image.GetPointer(),
                                      post_liver.image.GetPointer());
    a.registration = RegisterRigid(*post.image, *pre.image, hints, p.rigid, log);
    LogRegistration(*a.registration, log);
    post_to_pre = ScanMap(a.registration->post_to_pre);
  }
  if (p.registration == RegistrationMode::kDeformable) {
    log.BeginStage("deformable");
    a.deformable = RegisterDeformableStage(*a.registration, post, pre, tumours, ablation, post_liver, p, log);
    if (a.deformable->improved) post_to_pre = ScanMap(a.deformable->map);
  }
  log.BeginStage("quality");
  if (pre_liver.image && post_liver.image) {
    const LiverDice dice = LiverDiceOf(*pre_liver.image, *post_liver.image, post_to_pre);
    a.liver_dice_before = dice.before;
    a.liver_dice_after = dice.after;
    log.Info("liver Dice " + std::to_string(*a.liver_dice_before) + " before, " +
             std::to_string(*a.liver_dice_after) + " after registration");
  }

  if (landmarks) a.landmarks = MeasureLandmarks(*landmarks, a, post_to_pre, log);
  SetRegistrationUncertainty(a);
  // Always judged, also with --registration none: there the landmarks, the
  // liver masks and the margins' plausibility (below) are all that checks
  // the claim that the scans are aligned.
  a.verdict = RegistrationVerdict{};
  AddReasons(*a.verdict, JudgeRegistration(a).reasons, log);
  // Distances are measured against the ablation zone on its own grid, with
  // each tumour-surface point carried through the map (rigid, or rigid and
  // B-spline): no resampling. --space only chooses the coordinates in which
  // points are reported.
  log.BeginStage("margin");
  log.Info("measuring margins against the ablation zone on the post CT grid");
  auto images = std::make_shared<ReportImages>();
  std::optional<PrebuiltSurfaces> prebuilt;
  if (surfaces.valid()) prebuilt = surfaces.get();
  a.tumours =
      MeasureAgainstZones(a, *tumours.original, *ablation.original, post_liver.image.GetPointer(), p.zone_map,
                          post_to_pre.PreToPost(), "post CT", *images, log, prebuilt ? &*prebuilt : nullptr);
  if (a.landmarks) UseLandmarkErrorNearEachTumour(a, landmarks->pre, *tumours.original);
  a.measuring_space = p.space == MeasureSpace::kPost ? "post" : "pre";
  if (p.space == MeasureSpace::kPre) {
    for (TumourMargin& t : a.tumours) CarryIntoPreSpace(t, post_to_pre);
  }
  a.images = images;  // the tumours' vertex margins, for ImplausibleMargins
  AddReasons(*a.verdict, ImplausibleMargins(a, p.zone_map), log);
  a.assess_params = p;
  images->post_ct = post.image;
  images->pre_ct = pre.image;
  images->tumours = tumours.original;
  images->zones = ablation.original;
  images->zone_labels = ablation.labels;
  images->post_to_pre = post_to_pre;
  images->zone_map = p.zone_map;
  a.images = images;
  return a;
}

Assessment RunMargin(const MarginParams& p, Log& log) {
  Assessment a;
  a.margin = p.margin;
  if (!p.clinical.empty()) a.clinical = ReadClinicalInputs(p.clinical);
  log.BeginStage("load");
  a.registration_method = "none";
  a.measuring_space = "tumour label grid";
  BackgroundSha256 hashes({p.tumours, p.ablation, p.liver});
  InputLog inputs{a.inputs, hashes};
  // A SEG's segments or an RTSTRUCT's ROIs are chosen as they are read: others may overlap them.
  LoadedLabels tumours = LoadLabels(p.tumours, "tumour labels", {nullptr, nullptr, "", p.tumour_labels});
  log.Info("tumour labels: " + tumours.report.format + ", " + Describe(tumours.report.geometry));
  inputs.Add("tumours", tumours.report, p.tumours);
  a.tumour_labels =
      SelectLabels(*tumours.image, p.tumour_labels, "--tumour-labels", "tumour labels", p.tumours);
  RequireNotEmpty(*tumours.image, "tumour labels", p.tumours, "tumour label");
  RequireTumourCountPlausible(a.tumour_labels, p.tumours);
  const GridInput tumour_grid{"tumour labels", p.tumours};
  const LabelTarget on_tumours{tumours.image, nullptr};
  const LabelsOnGrid ablation = LoadLabelsOn(
      {p.ablation, "ablation labels", p.ablation_labels, tumour_grid, "ablation", "--ablation-labels"},
      on_tumours, log, inputs);
  RequireMappedTumoursExist(p.zone_map, a.tumour_labels);
  if (a.clinical) RequireEntriesMeasured(*a.clinical, a.tumour_labels);  // before the long work
  LabelImage::Pointer liver;
  if (!p.liver.empty()) {
    liver =
        LoadLabelsOn({p.liver, "liver mask", {}, tumour_grid, "liver", ""}, on_tumours, log, inputs).original;
  }
  log.BeginStage("margin");
  auto images = std::make_shared<ReportImages>();
  a.tumours = MeasureAgainstZones(a, *tumours.image, *ablation.original, liver.GetPointer(), p.zone_map, {},
                                  "tumour label map", *images, log);
  a.margin_params = p;
  images->tumours = tumours.image;
  images->zones = ablation.original;
  images->zone_labels = ablation.labels;
  images->zone_map = p.zone_map;
  a.images = images;
  return a;
}

}  // namespace margo
