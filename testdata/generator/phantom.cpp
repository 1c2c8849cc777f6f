#include "testdata/generator/phantom.h"

#include <itkImageRegionIteratorWithIndex.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "core/atomic_file.h"
#include "io/image_writer.h"
#include "margin/category.h"
#include "testdata/generator/case_writer.h"
#include "testdata/generator/phantom_anatomy.h"
#include "testdata/generator/phantom_image.h"

namespace margo {
namespace {

using ShortImage = itk::Image<std::int16_t, 3>;

template <typename TImage>
typename TImage::Pointer Allocate(const PhantomGrid& grid) {
  ImageGeometry g;
  g.size = grid.size;
  g.spacing_mm = grid.spacing_mm;
  g.origin_mm = grid.origin_mm;
  g.direction = {Vec3{1, 0, 0}, Vec3{0, 1, 0}, Vec3{0, 0, 1}};
  return AllocateOn<TImage>(g);
}

// Fills `image` with value(pre-world point) over every voxel of `grid`;
// `to_pre` maps the grid's world point into the pre world.
template <typename TImage, typename ToPre, typename Value>
typename TImage::Pointer Render(const PhantomGrid& grid, ToPre to_pre, Value value) {
  typename TImage::Pointer image = Allocate<TImage>(grid);
  itk::ImageRegionIteratorWithIndex<TImage> it(image, image->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    typename TImage::PointType p;
    image->TransformIndexToPhysicalPoint(it.GetIndex(), p);
    it.Set(value(to_pre({p[0], p[1], p[2]})));
  }
  return image;
}

nlohmann::json Json(const Vec3& v) { return {v[0], v[1], v[2]}; }

}  // namespace

double PhantomTumour::TrueMinMarginMm() const {
  const double d = std::sqrt(std::pow(centre_mm[0] - zone_centre_mm[0], 2) +
                             std::pow(centre_mm[1] - zone_centre_mm[1], 2) +
                             std::pow(centre_mm[2] - zone_centre_mm[2], 2));
  return zone_radius_mm - d - radius_mm;
}

PhantomSpec SmallPhantomSpec() {
  PhantomSpec s;
  s.pre_grid = {{156, 116, 60}, {1.6, 1.6, 2.0}, {-124.0, -92.0, -59.0}};
  s.post_grid = {{136, 104, 42}, {1.8, 1.8, 2.5}, {-128.0, -88.0, -60.0}};
  const double deg = M_PI / 180.0;
  s.post_to_pre.angles_rad = {3.0 * deg, -2.0 * deg, 6.0 * deg};
  s.post_to_pre.translation_mm = {8.0, -5.0, 7.0};
  s.post_to_pre.centre_mm = {-40.0, 0.0, 0.0};
  //            label centre               r     zone centre          R     margin
  s.tumours = {{2, {-62.0, -12.0, 8.0}, 8.0, {-62.0, -12.0, 8.0}, 22.5},   // 14.5 -> A0
               {3, {-18.0, -26.0, -14.0}, 7.0, {-17.0, -26.0, -14.0}, 15.5},  // 7.5 -> A1
               {4, {-72.0, 16.0, -20.0}, 6.0, {-72.0, 13.5, -20.0}, 11.0},  // 2.5 -> A2
               {5, {-34.0, 20.0, 22.0}, 6.0, {-34.0, 14.0, 22.0}, 9.0}};    // -3 -> incomplete
  return s;
}

std::string TruthJson(const PhantomSpec& spec) {
  nlohmann::json j;
  j["schema_version"] = "1.0";
  j["description"] = "margo small phantom: sphere tumours in sphere ablation zones under a rigid map";
  j["transform_post_to_pre"] = {{"angles_rad", Json(spec.post_to_pre.angles_rad)},
                                {"translation_mm", Json(spec.post_to_pre.translation_mm)},
                                {"centre_mm", Json(spec.post_to_pre.centre_mm)},
                                {"convention", "p_pre = R(p_post - centre) + centre + translation, "
                                               "itk::Euler3DTransform angles"}};
  for (const PhantomTumour& t : spec.tumours) {
    const double margin = t.TrueMinMarginMm();
    j["tumours"].push_back({{"label", t.label},
                            {"centre_pre_mm", Json(t.centre_mm)},
                            {"radius_mm", t.radius_mm},
                            {"zone_centre_pre_mm", Json(t.zone_centre_mm)},
                            {"zone_radius_mm", t.zone_radius_mm},
                            {"volume_ml", 4.0 / 3.0 * M_PI * std::pow(t.radius_mm, 3) / 1000.0},
                            {"min_margin_mm", margin},
                            {"category", CategoryName(Categorize(margin))}});
  }
  return j.dump(2) + "\n";
}

void WritePhantom(const PhantomSpec& spec, const std::string& dir) {
  EnsureWritableDirectory(dir);
  RemoveCaseTruth(dir);  // first: an earlier case's truth must not outlive it (case_writer.h)
  std::mt19937 rng(spec.seed);
  std::normal_distribution<double> noise(0.0, spec.noise_hu);
  auto identity = [](const Vec3& p) { return p; };
  auto to_pre = [&spec](const Vec3& p) { return spec.post_to_pre.Apply(p); };
  auto ct = [&](PhantomScan scan) {
    return [&spec, &rng, &noise, scan](const Vec3& p) {
      return static_cast<std::int16_t>(std::lround(PhantomHu(spec, p, scan) + noise(rng)));
    };
  };
  auto tumours = [&spec](const Vec3& p) { return TumourAt(spec, p); };
  auto zones = [&spec](const Vec3& p) { return std::uint16_t(InAblationZone(spec, p) ? 1 : 0); };
  auto liver = [](const Vec3& p) { return std::uint16_t(InLiver(p) ? 1 : 0); };

  WriteImage(*Render<ShortImage>(spec.pre_grid, identity, ct(PhantomScan::kPre)), dir + "/pre_ct.nii.gz");
  WriteImage(*Render<ShortImage>(spec.post_grid, to_pre, ct(PhantomScan::kPost)), dir + "/post_ct.nii.gz");
  WriteImage(*Render<LabelImage>(spec.pre_grid, identity, tumours), dir + "/tumours.nii.gz");
  WriteImage(*Render<LabelImage>(spec.post_grid, to_pre, zones), dir + "/ablation.nii.gz");
  WriteImage(*Render<LabelImage>(spec.pre_grid, identity, liver), dir + "/pre_liver.nii.gz");
  WriteImage(*Render<LabelImage>(spec.post_grid, to_pre, liver), dir + "/post_liver.nii.gz");
  WriteFileAtomically(dir + "/truth.json", TruthJson(spec));
}

}  // namespace margo
