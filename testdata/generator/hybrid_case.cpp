#include "testdata/generator/hybrid_case.h"

#include <itkImageRegionConstIteratorWithIndex.h>
#include <itkLinearInterpolateImageFunction.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <thread>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/log.h"
#include "io/image_reader.h"
#include "io/image_writer.h"
#include "testdata/generator/case_writer.h"
#include "testdata/generator/closest_point.h"
#include "testdata/generator/phantom_case.h"
#include "testdata/generator/phantom_image.h"
#include "testdata/generator/phantom_landmarks.h"
#include "testdata/generator/phantom_truth.h"

namespace margo {

using namespace phantom;

namespace {

constexpr double kTargetMarginsMm[] = {12.0, 7.0, 2.5, -2.0};

struct Samples {
  std::vector<Vec3> points;
  std::vector<double> areas;
  std::size_t voxels = 0;
  bool touches_edge = false;
};

// Voxel-face boundary of every label, sampled 3 x 3 per face.
std::map<std::uint16_t, Samples> FaceSamples(const LabelImage& labels) {
  const ImageGeometry g = GeometryOf(labels);
  const auto size = labels.GetLargestPossibleRegion().GetSize();
  auto at = [&](long i, long j, long k) -> std::uint16_t {
    if (i < 0 || j < 0 || k < 0 || i >= long(size[0]) || j >= long(size[1]) || k >= long(size[2])) return 0;
    return labels.GetPixel({{i, j, k}});
  };
  std::map<std::uint16_t, Samples> out;
  itk::ImageRegionConstIteratorWithIndex<LabelImage> it(&labels, labels.GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    const std::uint16_t l = it.Get();
    if (l == 0) continue;
    const auto idx = it.GetIndex();
    Samples& s = out[l];
    ++s.voxels;
    for (int axis = 0; axis < 3; ++axis) {
      if (idx[axis] == 0 || idx[axis] == long(size[axis]) - 1) s.touches_edge = true;
      for (int side : {-1, 1}) {
        long n[3] = {idx[0], idx[1], idx[2]};
        n[axis] += side;
        if (at(n[0], n[1], n[2]) == l) continue;
        const int u = (axis + 1) % 3, v = (axis + 2) % 3;
        const double area = g.spacing_mm[u] * g.spacing_mm[v] / 9.0;
        for (int a = 0; a < 3; ++a) {
          for (int b = 0; b < 3; ++b) {
            Vec3 c{double(idx[0]), double(idx[1]), double(idx[2])};
            c[axis] += 0.5 * side;
            c[u] += (a - 1) / 3.0;
            c[v] += (b - 1) / 3.0;
            s.points.push_back(g.IndexToPoint(c));
            s.areas.push_back(area);
          }
        }
      }
    }
  }
  return out;
}

struct HybridTumour {
  std::uint16_t label = 0, zone_label = 0;
  Samples surface;
  StarShape zone;
  double target_mm = 0.0;
  double volume_ml = 0.0;
};

Vec3 Centroid(const Samples& s) {
  Vec3 c{0, 0, 0};
  double total = 0.0;
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    c = Add(c, Scale(s.points[i], s.areas[i]));
    total += s.areas[i];
  }
  return Scale(c, 1.0 / total);
}

// Zones around the tumours large enough, in label order, skipping any whose
// zone would touch an earlier one.
std::vector<HybridTumour> ChooseTumours(std::map<std::uint16_t, Samples> faces, const HybridParams& p,
                                        double voxel_ml, Log& log) {
  std::vector<HybridTumour> chosen;
  for (auto& [label, samples] : faces) {
    if (label == p.liver_label) continue;
    const double ml = samples.voxels * voxel_ml;
    if (ml < p.min_tumour_ml || samples.touches_edge) {
      char why[96];
      if (samples.touches_edge) {
        std::snprintf(why, sizeof why, "%.2f mL, touches the image edge", ml);
      } else {
        std::snprintf(why, sizeof why, "%.2f mL, under the %.2g mL kept", ml, p.min_tumour_ml);
      }
      log.Info("hybrid: tumour " + std::to_string(label) + " left out (" + why + ")");
      continue;
    }
    HybridTumour t;
    t.label = label;
    t.target_mm = kTargetMarginsMm[chosen.size() % 4];
    t.volume_ml = ml;
    const Vec3 c = Add(Centroid(samples), {1.0, -1.0, 0.5});  // zone slightly off the tumour's centre
    double reach = 0.0;
    for (const Vec3& q : samples.points) reach = std::max(reach, Distance(q, c));
    t.zone = StarShape::Sphere(c, reach + t.target_mm);
    t.surface = std::move(samples);
    const bool clash = std::any_of(chosen.begin(), chosen.end(), [&t](const HybridTumour& o) {
      return Distance(o.zone.centre_mm, t.zone.centre_mm) <=
             o.zone.MaxRadiusMm() + t.zone.MaxRadiusMm() + 1.0;
    });
    if (clash) {
      log.Info("hybrid: tumour " + std::to_string(label) + " left out (its zone would touch another)");
      continue;
    }
    t.zone_label = static_cast<std::uint16_t>(chosen.size() + 1);
    chosen.push_back(std::move(t));
  }
  if (chosen.empty()) {
    throw Error(ErrorKind::kSegmentationInvalid,
                "hybrid labels " + p.labels + ": no tumour label (other than liver " +
                    std::to_string(p.liver_label) + ") of at least " + std::to_string(p.min_tumour_ml) +
                    " mL away from the image edge");
  }
  return chosen;
}

// Signed margins: closed form in pre space (sphere zones), through the map in post space.
TumourTruth TruthOf(const HybridTumour& t, const std::vector<HybridTumour>& all, const PhantomMap& map,
                    const std::vector<std::unique_ptr<MeshDistance>>& post_zones) {
  const TruthOptions options;
  std::vector<double> pre(t.surface.points.size()), post(pre.size());
  std::vector<Vec3> post_points(pre.size());
  for (std::size_t i = 0; i < pre.size(); ++i) {
    const Vec3& p = t.surface.points[i];
    double outside = HUGE_VAL, inside = -1.0;
    for (const HybridTumour& z : all) {
      const double d = Distance(p, z.zone.centre_mm) - z.zone.semi_axes_mm[0];
      if (d <= 0) inside = -d;
      outside = std::min(outside, d);
    }
    pre[i] = inside >= 0 ? inside : -outside;
    post_points[i] = map.PreToPost(p);
    double d = HUGE_VAL;
    for (const auto& z : post_zones) {
      if (z->LowerBoundMm(post_points[i]) < d) d = std::min(d, z->DistanceMm(post_points[i]));
    }
    post[i] = inside >= 0 ? d : -d;
  }
  TumourTruth tt;
  tt.label = t.label;
  tt.shape = "real";
  tt.zone_shape = "sphere";
  tt.volume_ml = t.volume_ml;
  tt.pre = SummariseMargins(t.surface.points, pre, t.surface.areas, options);
  tt.post = SummariseMargins(post_points, post, t.surface.areas, options);
  return tt;
}

ImageGeometry PostGrid(const ImageGeometry& pre) {
  ImageGeometry g = pre;
  const WorldBox box = WorldBounds(pre);
  g.direction = {Vec3{1, 0, 0}, Vec3{0, 1, 0}, Vec3{0, 0, 1}};
  g.spacing_mm = {std::max(0.8, pre.spacing_mm[0] * 1.3), std::max(0.8, pre.spacing_mm[1] * 1.3),
                  std::max(2.5, pre.spacing_mm[2] * 1.5)};
  for (int a = 0; a < 3; ++a) {
    g.size[a] = static_cast<std::size_t>((box.max_mm[a] - box.min_mm[a]) / g.spacing_mm[a]);
    g.origin_mm[a] = box.min_mm[a] + 0.5 * g.spacing_mm[a];
  }
  return g;
}

struct PostImages {
  itk::Image<std::int16_t, 3>::Pointer ct;
  LabelImage::Pointer zones, liver;
};

PostImages RenderPost(const CtImage::Pointer& pre_ct, const LabelImage& labels, const HybridParams& p,
                      const std::vector<HybridTumour>& tumours, const ImageGeometry& g,
                      const PhantomMap& map) {
  PostImages out{AllocateOn<itk::Image<std::int16_t, 3>>(g), AllocateOn<LabelImage>(g),
                 AllocateOn<LabelImage>(g)};
  auto interpolate = itk::LinearInterpolateImageFunction<CtImage, double>::New();
  interpolate->SetInputImage(pre_ct);
  auto render = [&](std::size_t k0, std::size_t k1) {
    std::mt19937 rng(p.seed * 7u + static_cast<unsigned>(k0));
    std::normal_distribution<double> noise(0.0, 6.0);
    for (std::size_t k = k0; k < k1; ++k)
      for (std::size_t j = 0; j < g.size[1]; ++j)
        for (std::size_t i = 0; i < g.size[0]; ++i) {
          const Vec3 q = map.PostToPre(g.IndexToPoint({double(i), double(j), double(k)}));
          const CtImage::PointType point(q.data());
          double hu = -1024.0;
          if (interpolate->IsInsideBuffer(point)) hu = interpolate->Evaluate(point);
          LabelImage::IndexType nearest;
          const bool in_grid = labels.TransformPhysicalPointToIndex(point, nearest);
          const std::uint16_t l = in_grid ? labels.GetPixel(nearest) : 0;
          std::uint16_t zone = 0;
          for (const HybridTumour& t : tumours) {
            const double outside_mm = t.zone.RadialOffsetMm(q);
            if (outside_mm <= 0.0) {
              zone = t.zone_label;
              hu = outside_mm > -3.0 ? 42.0 : 30.0;
            } else if (outside_mm <= 2.0 && l != 0 && zone == 0) {
              hu = 135.0;
            }
          }
          if (zone != 0) hu += 2.3 * noise(rng);  // painted tissue gets the real CT's grain (about 15 HU)
          const std::size_t at = i + g.size[0] * (j + g.size[1] * k);
          out.ct->GetBufferPointer()[at] =
              static_cast<std::int16_t>(std::lround(std::clamp(hu + noise(rng), -1024.0, 3071.0)));
          out.zones->GetBufferPointer()[at] = zone;
          out.liver->GetBufferPointer()[at] = l != 0 ? 1 : 0;
        }
  };
  std::thread other(render, g.size[2] / 2, g.size[2]);
  render(0, g.size[2] / 2);
  other.join();
  return out;
}

}  // namespace

void WriteHybridCase(const HybridParams& p, const std::string& dir, Log& log) {
  const LoadedCt ct = LoadCt(p.ct, "hybrid CT");
  const LoadedLabels labels = LoadLabels(p.labels, "hybrid labels");
  EnsureWritableDirectory(dir);
  if (!SameGrid(ct.report.geometry, labels.report.geometry, 0.01)) {
    throw Error(ErrorKind::kGeometryInvalid, "hybrid labels " + p.labels + ": grid " +
                                                 Describe(labels.report.geometry) +
                                                 "; expected the CT's grid " + Describe(ct.report.geometry));
  }
  const ImageGeometry& pre = ct.report.geometry;
  log.Info("hybrid CT: " + Describe(pre));
  auto faces = FaceSamples(*labels.image);
  if (!faces.count(p.liver_label)) {
    throw Error(ErrorKind::kSegmentationInvalid,
                "hybrid labels " + p.labels + ": no liver label " + std::to_string(p.liver_label));
  }
  const Vec3 liver_centre = Centroid(faces[p.liver_label]);
  const std::vector<HybridTumour> tumours =
      ChooseTumours(std::move(faces), p, pre.VoxelVolumeMm3() / 1000.0, log);

  CaseSpec motion = PresetSpec(p.preset, p.seed);
  motion.rigid.centre_mm = liver_centre;
  motion.breathing.centre_mm = liver_centre;
  const PhantomMap map = motion.Map();
  const ImageGeometry post = PostGrid(pre);
  log.Info("hybrid post grid: " + Describe(post));

  // Pre scan: the real CT and the chosen tumours only.
  LabelImage::Pointer tumour_map = LabelImage::New();
  tumour_map->SetRegions(labels.image->GetLargestPossibleRegion());
  tumour_map->CopyInformation(labels.image);
  tumour_map->Allocate();
  LabelImage::Pointer pre_liver = LabelImage::New();
  pre_liver->SetRegions(labels.image->GetLargestPossibleRegion());
  pre_liver->CopyInformation(labels.image);
  pre_liver->Allocate();
  const std::size_t n = labels.image->GetLargestPossibleRegion().GetNumberOfPixels();
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint16_t l = labels.image->GetBufferPointer()[i];
    const bool chosen =
        std::any_of(tumours.begin(), tumours.end(), [l](const HybridTumour& t) { return t.label == l; });
    tumour_map->GetBufferPointer()[i] = chosen ? l : 0;
    pre_liver->GetBufferPointer()[i] = l != 0 ? 1 : 0;
  }
  log.Progress("phantom", "rendering the hybrid post CT");
  const PostImages post_images = RenderPost(ct.image, *labels.image, p, tumours, post, map);
  RemoveCaseTruth(dir);  // first: an earlier case's truth must not outlive it (case_writer.h)
  RemoveTemporariesInTree(dir, true);
  WriteImage(*ct.image, dir + "/pre_ct.nii.gz");
  WriteImage(*tumour_map, dir + "/tumours.nii.gz");
  WriteImage(*pre_liver, dir + "/pre_liver.nii.gz");
  WriteImage(*post_images.ct, dir + "/post_ct.nii.gz");
  WriteImage(*post_images.zones, dir + "/ablation.nii.gz");
  WriteImage(*post_images.liver, dir + "/post_liver.nii.gz");
  const auto in_liver = [&pre_liver](const Vec3& p) {
    LabelImage::PointType point;
    for (int a = 0; a < 3; ++a) point[a] = p[std::size_t(a)];
    itk::Index<3> index;
    return pre_liver->TransformPhysicalPointToIndex(point, index) && pre_liver->GetPixel(index) != 0;
  };
  log.Info(std::to_string(WriteLandmarkPairs(map, post, in_liver, dir)) + " landmark pairs in the liver written");
  log.Progress("phantom", "computing the truth");

  std::vector<std::unique_ptr<MeshDistance>> post_zones;
  for (const HybridTumour& t : tumours) {
    SurfaceMesh mesh = MeshOf(t.zone, 0.3);
    for (Vec3& v : mesh.vertices) v = map.PreToPost(v);
    post_zones.push_back(std::make_unique<MeshDistance>(std::move(mesh), 1.5, 0.3));
  }
  nlohmann::json j;
  j["schema_version"] = "2.0";
  j["description"] = "margo hybrid phantom: real CT and tumours, simulated ablation zones (docs/PHANTOM.md)";
  j["preset"] = "hybrid:" + p.preset;
  j["seed"] = p.seed;
  j["source"] = {{"ct", p.ct}, {"labels", p.labels}, {"liver_label", p.liver_label}};
  j["pre_grid"] = ToJson(pre);
  j["post_grid"] = ToJson(post);
  j["transform_post_to_pre"] = ToJson(motion.rigid, motion.breathing);
  for (const HybridTumour& t : tumours) {
    const TumourTruth tt = TruthOf(t, tumours, map, post_zones);
    j["tumours"].push_back({{"label", t.label},
                            {"zone_label", t.zone_label},
                            {"shape", {{"kind", "real"}, {"surface", "voxel faces, 3 x 3 samples each"}}},
                            {"zone", ToJson(t.zone)},
                            {"target_min_margin_mm", t.target_mm},
                            {"volume_ml", tt.volume_ml},
                            {"pre", ToJson(tt.pre)},
                            {"post", ToJson(tt.post)},
                            {"min_margin_mm", tt.post.min_margin_mm},
                            {"category", tt.post.category}});
  }
  WriteFileAtomically(dir + "/truth.json", j.dump(2) + "\n");
  log.EndProgress();
  log.Info("hybrid case with " + std::to_string(tumours.size()) + " tumours written to " + dir);
}

}  // namespace margo
