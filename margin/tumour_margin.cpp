#include "margin/tumour_margin.h"

#include <itkImageRegionConstIterator.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <optional>
#include <set>

#include "core/error.h"
#include "core/parallel_for.h"
#include "margin/margin_stats.h"
#include "margin/surface.h"
#include "margin/tumour_volume.h"
#include "margin/zone_near_tumour.h"
#include "registration/map_region.h"

namespace margo {
namespace {

// A zone cut by the image edge is closed along the edge; a margin within this
// slack of the edge distance may be the cut's, not the zone's.
constexpr double kEdgeSlackMm = 1.0;

// Distance (mm) from p to the nearest face of the image's extent; negative
// when p lies outside it.
double DistanceToImageEdgeMm(const itk::ImageBase<3>& image, const Vec3& p) {
  itk::Point<double, 3> point;
  for (int a = 0; a < 3; ++a) point[a] = p[a];
  itk::ContinuousIndex<double, 3> ci;
  image.TransformPhysicalPointToContinuousIndex(point, ci);
  const auto region = image.GetLargestPossibleRegion();
  double nearest = std::numeric_limits<double>::infinity();
  for (int a = 0; a < 3; ++a) {
    const double first = double(region.GetIndex(a)) - 0.5, last = first + double(region.GetSize(a));
    nearest = std::min(nearest, std::min(ci[a] - first, last - ci[a]) * image.GetSpacing()[a]);
  }
  return nearest;
}

double LargestSpacing(const itk::ImageBase<3>& image) {
  const auto s = image.GetSpacing();
  return std::max({s[0], s[1], s[2]});
}

double VolumeMl(const LabelImage& labels, std::uint16_t label, const itk::ImageRegion<3>& bounds) {
  std::size_t count = 0;
  itk::ImageRegionConstIterator<LabelImage> it(&labels, bounds);
  for (; !it.IsAtEnd(); ++it) count += it.Get() == label ? 1 : 0;
  return double(count) * GeometryOf(labels).VoxelVolumeMm3() / 1000.0;
}

TumourMargin NotAssessable(TumourMargin m, const std::string& reason) {
  m.assessable = false;
  m.not_assessable_reason = reason;
  return m;
}

// The surface carried into the measuring space, with its margins.
struct MappedSurface {
  WeightedSamples margins;
  std::vector<Vec3> points;
  Vec3 centroid{};
  double edge_mm = std::numeric_limits<double>::infinity();  // nearest approach to the zone image's edge
  std::size_t subcapsular_excluded = 0;
  double total_area_mm2 = 0.0, visible_area_mm2 = 0.0;  // inside the zone image's field of view
  VertexMargins vertices;                               // every vertex, mapped, with its margin
};

// The surfaces margins are measured against.
struct Context {
  const Surface& zone;
  bool zone_cut;         // the zone near the tumour reaches the edge of its image
  const Surface* liver;  // set when subcapsular points are excluded
};

// Each vertex carried into the measuring space and measured, on every core
// (the searches only read the surfaces); then summed in vertex order, so
// that the result does not depend on the thread count.
MappedSurface MapSurface(const SurfaceSamples& surface, const MarginInputs& in, const Context& context) {
  const std::size_t n = surface.points_mm.size();
  MappedSurface out;
  out.vertices.points_mm.resize(n);
  out.vertices.margin_mm.assign(n, std::numeric_limits<double>::quiet_NaN());
  std::vector<double> edge_mm(n);
  std::vector<char> subcapsular(n, 0);
  ParallelChunks(n, 512, [&](std::size_t i) {
    const Vec3 p = in.to_measuring ? in.to_measuring(surface.points_mm[i]) : surface.points_mm[i];
    out.vertices.points_mm[i] = p;
    edge_mm[i] = DistanceToImageEdgeMm(*in.ablation, p);
    if (edge_mm[i] < 0.0) return;  // outside the field of view: the tumour is not assessable
    out.vertices.margin_mm[i] = context.zone.SignedMm(p);
    subcapsular[i] = context.liver != nullptr && context.liver->SignedMm(p) < in.options.subcapsular_mm;
  });
  double area = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const Vec3& p = out.vertices.points_mm[i];
    out.edge_mm = std::min(out.edge_mm, edge_mm[i]);
    out.total_area_mm2 += surface.area_mm2[i];
    if (edge_mm[i] < 0.0) continue;
    out.visible_area_mm2 += surface.area_mm2[i];
    if (subcapsular[i]) {
      ++out.subcapsular_excluded;
      continue;
    }
    out.points.push_back(p);
    out.margins.values.push_back(out.vertices.margin_mm[i]);
    out.margins.weights.push_back(surface.area_mm2[i]);
    for (int a = 0; a < 3; ++a) out.centroid[a] += p[a] * surface.area_mm2[i];
    area += surface.area_mm2[i];
  }
  for (int a = 0; a < 3; ++a) out.centroid[a] /= std::max(area, 1e-12);
  return out;
}

void Summarise(const MappedSurface& s, const MarginOptions& options, TumourMargin& m) {
  const auto& v = s.margins.values;
  const std::size_t at = std::size_t(std::min_element(v.begin(), v.end()) - v.begin());
  m.surface_points = v.size();
  for (double w : s.margins.weights) m.surface_area_mm2 += w;
  m.min_margin_mm = v[at];
  m.min_point_lps_mm = s.points[at];
  const Vec3 d = Sub(s.points[at], s.centroid);
  const double length = Norm(d);
  for (int a = 0; a < 3; ++a) m.thinnest_direction[a] = length > 0 ? d[a] / length : 0.0;
  m.p1_mm = WeightedPercentile(s.margins, 0.01);
  m.p5_mm = WeightedPercentile(s.margins, 0.05);
  m.p25_mm = WeightedPercentile(s.margins, 0.25);
  m.p50_mm = WeightedPercentile(s.margins, 0.50);
  for (double mm : options.coverage_mm) m.surface_coverage.push_back({mm, ShareAtLeast(s.margins, mm)});
}

// Unablated volume deep inside a tumour below this is taken for gas or
// segmentation noise (a sphere of 4.6 mm), not an unablated core: a pocket
// of 2 x 2 x 1 voxels turned an A1 tumour incomplete (found by a review).
constexpr double kMinCavityMl = 0.05;

// A tumour whose surface lies inside the zone but whose inside is partly
// not ablated (a cavity of the zone) is incomplete whatever its surface
// margin: the category says so and `category_reason` why. Not judged when
// subcapsular points were left out: the unablated tumour may then lie under
// them, where the margin was not measured, not in a cavity.
void IncompleteAroundACavity(const MarginInputs& in, TumourMargin& m) {
  if (m.residual_deep_ml < kMinCavityMl || m.min_margin_mm < 0.0 || m.subcapsular_points_excluded > 0) return;
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "%.2f mL (%.0f %%) of the tumour is not ablated, %.2f mL of it more than %.1f mm inside the "
                "tumour's surface (a cavity of the zone); the surface margin alone, %.2f mm, would read %s",
                m.residual_ml, m.residual_percent, m.residual_deep_ml, LargestSpacing(*in.tumours),
                m.min_margin_mm, CategoryName(m.category));
  m.category = MarginCategory::kIncomplete;
  m.category_reason = buf;
}

// REQUIRES: m's margins and volumes measured.
void Classify(const MarginInputs& in, TumourMargin& m) {
  const CategoryThresholds& t = in.options.thresholds;
  m.category = Categorize(m.min_margin_mm, t);
  IncompleteAroundACavity(in, m);
  m.kernel_uncertainty_mm = kKernelErrorBoundVoxels * std::max(LargestSpacing(*in.tumours), LargestSpacing(*in.ablation));
  SetRegistrationUncertainty(m, in.registration_uncertainty_mm, t);
}

// `tumour`: the tumour's surface (Surface::OfLabel). `vertices` receives its
// vertices' margins once they are measured.
TumourMargin Measure(std::uint16_t label, const itk::ImageRegion<3>& bounds, const MarginInputs& in,
                     const Context& context, const Surface& tumour, VertexMargins& vertices) {
  const Surface& zone = context.zone;
  TumourMargin m;
  m.label = label;
  m.volume_ml = VolumeMl(*in.tumours, label, bounds);
  const SurfaceSamples samples = tumour.Samples();
  if (tumour.TouchesImageEdge()) {
    return NotAssessable(m, "tumour reaches the edge of its label map; its surface is cut off");
  }
  if (samples.points_mm.empty()) return NotAssessable(m, "no tumour surface could be extracted");
  MappedSurface mapped = MapSurface(samples, in, context);
  vertices = std::move(mapped.vertices);
  m.subcapsular_points_excluded = mapped.subcapsular_excluded;
  m.visible_surface_share = mapped.visible_area_mm2 / std::max(mapped.total_area_mm2, 1e-12);
  if (mapped.edge_mm < 0.0) {
    char buf[200];
    std::snprintf(buf, sizeof buf, "tumour reaches beyond the edge of the %s field of view (%.0f %% of its surface "
                  "visible); its margin cannot be measured in full", in.space_name.c_str(),
                  100.0 * m.visible_surface_share);
    return NotAssessable(m, buf);
  }
  if (mapped.points.empty()) {
    return NotAssessable(m, "every surface point lies within the subcapsular exclusion distance");
  }
  Summarise(mapped, in.options, m);
  if (context.zone_cut && m.min_margin_mm >= mapped.edge_mm - kEdgeSlackMm) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "ablation zone is cut by the edge of the %s field of view %.1f mm from this "
                  "tumour; the margin may be set by the cut", in.space_name.c_str(), mapped.edge_mm);
    return NotAssessable(m, buf);
  }
  const VolumeCoverage volume =
      MeasureVolumeCoverage(*in.tumours, label, bounds, tumour, zone, in.to_measuring, in.options.shell_mm);
  m.residual_ml = volume.residual_ml;
  m.residual_percent = m.volume_ml > 0 ? 100.0 * volume.residual_ml / m.volume_ml : 0.0;
  m.residual_deep_ml = volume.deep_ml;
  m.shell_coverage = volume.shells;
  m.assessable = true;
  Classify(in, m);
  return m;
}

}  // namespace

namespace {

template <typename Keep>
MaskImage::Pointer MaskWhere(const LabelImage& labels, Keep keep) {
  auto mask = MaskImage::New();
  mask->CopyInformation(&labels);
  mask->SetRegions(labels.GetLargestPossibleRegion());
  mask->Allocate();
  if (labels.GetBufferedRegion() != labels.GetLargestPossibleRegion()) {
    throw Error(ErrorKind::kInternal, "label map to mask: the labels are not held whole");
  }
  // Over the raw buffers: a pass the compiler vectorises, where ITK's
  // iterators took 0.07 s per 512 x 512 x 80 volume.
  const std::uint16_t* in = labels.GetBufferPointer();
  std::uint8_t* out = mask->GetBufferPointer();
  const std::size_t n = labels.GetLargestPossibleRegion().GetNumberOfPixels();
  for (std::size_t i = 0; i < n; ++i) out[i] = keep(in[i]) ? 1 : 0;
  return mask;
}

}  // namespace

MaskImage::Pointer UnionMask(const LabelImage& labels) {
  return MaskWhere(labels, [](std::uint16_t v) { return v != 0; });
}

MaskImage::Pointer SelectedMask(const LabelImage& labels, const std::vector<std::uint16_t>& selected) {
  return MaskWhere(labels, [&selected](std::uint16_t v) {
    return v != 0 && std::binary_search(selected.begin(), selected.end(), v);
  });
}

namespace {

bool HasVoxel(const MaskImage& mask) {
  const std::uint8_t* first = mask.GetBufferPointer();
  const std::uint8_t* last = first + mask.GetBufferedRegion().GetNumberOfPixels();
  return std::any_of(first, last, [](std::uint8_t v) { return v != 0; });
}

// How far from a tumour the zone matters: every distance the options ask
// about, plus room for the surface's smoothing.
double ReachMm(const MarginOptions& options) {
  double reach = std::max(options.thresholds.a0_above_mm, 0.0);
  for (double d : options.coverage_mm) reach = std::max(reach, std::abs(d));
  for (double d : options.shell_mm) reach = std::max(reach, d);
  return reach + 5.0;
}

// True when the non-zero voxels of `mask` reach a face of its image.
bool ReachesImageEdge(const MaskImage& mask) {
  const itk::ImageRegion<3> held = NonZeroRegion(mask), whole = mask.GetLargestPossibleRegion();
  if (held.GetNumberOfPixels() == 0) return false;
  for (int a = 0; a < 3; ++a) {
    if (held.GetIndex(a) == whole.GetIndex(a) ||
        held.GetIndex(a) + long(held.GetSize(a)) == whole.GetIndex(a) + long(whole.GetSize(a))) {
      return true;
    }
  }
  return false;
}

// The zone surface each tumour is measured against: the surface of the union
// of all zones, or, for a tumour `zones_for_tumour` maps, of the pieces of
// its zones that come within reach of it (zone_near_tumour.h; the whole
// selection when none does). The union's surface is the one the report
// draws; near a tumour it is the surface of the pieces within reach (pieces
// farther apart do not meet under the smoothing), so it is built once
// instead of once per tumour. Whether the zone is cut by the image edge is
// judged on the pieces near the tumour: a far zone cut by the edge says
// nothing about this tumour's margin. Surfaces are built in parallel (their
// band fairing is most of the kernel's time); searching them is read-only.
class ZoneSurfaces {
 public:
  explicit ZoneSurfaces(const MarginInputs& in) : in_(in) {}

  void Request(std::uint16_t tumour, const itk::ImageRegion<3>& bounds) {
    const auto mapped = in_.zones_for_tumour.find(tumour);
    const std::vector<std::uint16_t> zone_labels =
        mapped == in_.zones_for_tumour.end() ? std::vector<std::uint16_t>{} : mapped->second;
    const MaskImage& zones = MaskOf(zone_labels, tumour);
    const WorldBox box = MappedBox(*in_.tumours, bounds, in_.to_measuring);
    const MaskImage::Pointer near = ZonePiecesNear(zones, box, ReachMm(in_.options));
    cut_[tumour] = ReachesImageEdge(near ? *near : zones);
    if (zone_labels.empty()) {
      RequestUnion();
      requested_[tumour] = *union_;
      return;
    }
    requested_[tumour] = Add(zone_labels, near ? MaskImage::ConstPointer(near) : MaskImage::ConstPointer(&zones));
  }

  // The union of all zones, as a whole.
  void RequestUnion() {
    if (!union_) union_ = Add({}, MaskImage::ConstPointer(&MaskOf({}, 0)));
  }

  // One task per surface to build, to run in parallel with other work.
  // The union's surface, when built ahead, is taken as it is.
  std::vector<std::function<void()>> BuildTasks() {
    std::vector<std::function<void()>> tasks;
    for (auto& entry : cache_) {
      Slot* slot = &entry.second;
      if (union_ && entry.first == *union_ && in_.prebuilt != nullptr && in_.prebuilt->zone_union) {
        slot->surface = in_.prebuilt->zone_union;
        continue;
      }
      tasks.push_back([slot] { slot->surface = Surface::OfMask(*slot->mask); });
    }
    return tasks;
  }

  const Surface& For(std::uint16_t tumour) const { return *cache_.at(requested_.at(tumour)).surface; }
  bool Cut(std::uint16_t tumour) const { return cut_.at(tumour); }
  std::shared_ptr<const Surface> Union() const { return union_ ? cache_.at(*union_).surface : nullptr; }

 private:
  using Key = std::pair<std::vector<std::uint16_t>, std::array<long, 6>>;
  struct Slot {
    MaskImage::ConstPointer mask;
    std::shared_ptr<const Surface> surface;
  };

  // Masks holding the same voxels (the same zones, the same pieces) share a surface.
  Key Add(const std::vector<std::uint16_t>& zone_labels, MaskImage::ConstPointer mask) {
    const auto held = mask->GetBufferedRegion();
    const Key key{zone_labels, {held.GetIndex(0), held.GetIndex(1), held.GetIndex(2), long(held.GetSize(0)),
                                long(held.GetSize(1)), long(held.GetSize(2))}};
    Slot& slot = cache_[key];
    if (!slot.mask) slot.mask = std::move(mask);
    return key;
  }

  const MaskImage& MaskOf(const std::vector<std::uint16_t>& zones, std::uint16_t tumour) {
    if (zones.empty()) {
      if (!any_voxel_) any_voxel_ = HasVoxel(*in_.ablation);
      if (!*any_voxel_) throw Error(ErrorKind::kSegmentationInvalid, "ablation zone: no labelled voxel");
      return *in_.ablation;
    }
    MaskImage::Pointer& mask = selected_[zones];
    if (!mask) mask = SelectedMask(*in_.ablation_labels, zones);
    if (!HasVoxel(*mask)) {
      std::string list;
      for (std::uint16_t z : zones) list += (list.empty() ? "" : "+") + std::to_string(z);
      throw Error(ErrorKind::kSegmentationInvalid, "zone map: tumour " + std::to_string(tumour) +
                                                       " is mapped to zone label(s) " + list +
                                                       ", which have no voxel in the ablation label map");
    }
    return *mask;
  }

  const MarginInputs& in_;
  std::optional<bool> any_voxel_;
  std::map<std::vector<std::uint16_t>, MaskImage::Pointer> selected_;
  std::map<Key, Slot> cache_;
  std::map<std::uint16_t, Key> requested_;
  std::map<std::uint16_t, bool> cut_;
  std::optional<Key> union_;
};

}  // namespace

PrebuiltSurfaces PrebuildSurfaces(const LabelImage& tumours, const LabelImage& zones) {
  PrepareVtkForThreads();
  PrebuiltSurfaces out;
  out.zone_mask = UnionMask(zones);
  if (HasVoxel(*out.zone_mask)) out.zone_union = Surface::OfMask(*out.zone_mask);
  for (const auto& [label, bounds] : LabelRegions(tumours)) out.tumours[label] = Surface::OfLabel(tumours, label, bounds);
  return out;
}

void SetRegistrationUncertainty(TumourMargin& m, double registration_mm, const CategoryThresholds& t) {
  m.registration_uncertainty_mm = registration_mm;
  m.uncertainty_mm = m.kernel_uncertainty_mm + registration_mm;
  m.borderline = false;
  for (double threshold : {0.0, t.a1_from_mm, t.a0_above_mm}) {
    m.borderline |= std::abs(m.min_margin_mm - threshold) <= m.uncertainty_mm;
  }
}

std::vector<TumourMargin> MeasureMargins(const MarginInputs& inputs) {
  if (!inputs.zones_for_tumour.empty() && inputs.ablation_labels == nullptr) {
    throw Error(ErrorKind::kInternal, "zone map given without the ablation label map");
  }
  ZoneSurfaces zones(inputs);
  std::unique_ptr<Surface> liver;
  if (inputs.options.subcapsular_mm > 0.0) {
    liver = inputs.liver != nullptr ? Surface::OfMask(*inputs.liver) : nullptr;
    if (!liver) {
      throw Error(ErrorKind::kUsage, "subcapsular exclusion: needs a liver mask with at least one liver voxel");
    }
  }
  const std::map<std::uint16_t, itk::ImageRegion<3>> regions = LabelRegions(*inputs.tumours);
  std::set<std::uint16_t> labels(inputs.expected_labels.begin(), inputs.expected_labels.end());
  for (const auto& entry : regions) labels.insert(entry.first);
  for (const auto& [label, bounds] : regions) zones.Request(label, bounds);
  if (inputs.zone_union_surface != nullptr) zones.RequestUnion();
  // Every surface on both cores (the zones' first: the largest), then every
  // tumour measured on both cores: the surfaces they share are only searched.
  std::vector<std::uint16_t> found;
  for (const auto& entry : regions) found.push_back(entry.first);
  std::vector<std::shared_ptr<const Surface>> tumour_surfaces(found.size());
  std::vector<std::function<void()>> builds = zones.BuildTasks();
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (inputs.prebuilt != nullptr && inputs.prebuilt->tumours.count(found[i]) != 0) {
      tumour_surfaces[i] = inputs.prebuilt->tumours.at(found[i]);
      continue;
    }
    builds.push_back(
        [&, i] { tumour_surfaces[i] = Surface::OfLabel(*inputs.tumours, found[i], regions.at(found[i])); });
  }
  PrepareVtkForThreads();
  ParallelFor(builds.size(), [&](std::size_t t) { builds[t](); });
  std::vector<TumourMargin> margins(found.size());
  std::vector<VertexMargins> vertices(found.size());
  ParallelFor(found.size(), [&](std::size_t i) {
    const std::uint16_t label = found[i];
    margins[i] =
        Measure(label, regions.at(label), inputs, Context{zones.For(label), zones.Cut(label), liver.get()},
                *tumour_surfaces[i], vertices[i]);
  });
  std::map<std::uint16_t, TumourMargin> measured;
  std::map<std::uint16_t, std::shared_ptr<const Surface>> surfaces;
  for (std::size_t i = 0; i < found.size(); ++i) {
    measured[found[i]] = std::move(margins[i]);
    surfaces[found[i]] = std::move(tumour_surfaces[i]);
  }
  if (inputs.zone_union_surface != nullptr) *inputs.zone_union_surface = zones.Union();
  if (inputs.tumour_surfaces != nullptr) inputs.tumour_surfaces->insert(surfaces.begin(), surfaces.end());
  for (std::size_t i = 0; inputs.vertex_margins != nullptr && i < found.size(); ++i) {
    if (!vertices[i].points_mm.empty()) (*inputs.vertex_margins)[found[i]] = std::move(vertices[i]);
  }
  std::vector<TumourMargin> out;
  for (std::uint16_t label : labels) {
    const auto found = measured.find(label);
    if (found != measured.end()) {
      out.push_back(found->second);
      continue;
    }
    TumourMargin m;
    m.label = label;
    out.push_back(NotAssessable(m, "tumour lies outside the field of view of the CT it was drawn on"));
  }
  return out;
}

}  // namespace margo
