#include "registration/deformable.h"

#include <itkBSplineTransform.h>
#include <itkBSplineTransformInitializer.h>
#include <itkCompositeTransform.h>
#include <itkImageRegionIteratorWithIndex.h>
#include <itkSignedMaurerDistanceMapImageFilter.h>
#include <vnl/algo/vnl_lbfgsb.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <optional>
#include <vector>

#include "core/error.h"
#include "core/parallel_for.h"
#include "registration/bspline_grid.h"
#include "registration/image_prep.h"
#include "registration/itk_transform.h"
#include "registration/map_region.h"
#include "registration/mattes_cost.h"
#include "registration/metric_samples.h"
#include "registration/plateau_lbfgsb.h"
#include "registration/transform_file.h"

namespace margo {

using BSpline = itk::BSplineTransform<double, 3, 3>;

namespace {

// The grid geometry of a B-spline's coefficient image.
BSplineGrid GridOf(const BSpline::ImageType& image) {
  BSplineGrid g;
  static_cast<IndexMap&>(g) = IndexMapOf(image);
  return g;
}


}  // namespace

// The map, with what evaluating it point by point needs at hand: the rigid
// map as a matrix and offset, and the B-spline's coefficients and grid
// geometry copied out of ITK. BSplineTransform::TransformPoint allocates and
// iterates per call (about 1.5 us); Displacement below computes the same sum
// of 64 weighted coefficients in about 0.1 us (tests/unit/registration/
// deformable_test.cpp compares the two).
struct DeformableMap::Impl {
  Impl(BSpline::Pointer b, const RigidTransform& r) : bspline(std::move(b)), rigid(r) {
    to_pre = rigid.ForwardAffine();
    to_post = rigid.InverseAffine();
    const BSpline::ImageType& image0 = *bspline->GetCoefficientImages()[0];
    grid = GridOf(image0);
    for (int c = 0; c < 3; ++c) {
      const BSpline::ImageType& image = *bspline->GetCoefficientImages()[c];
      const double* first = image.GetBufferPointer();
      coefficients.insert(coefficients.end(), first, first + image.GetLargestPossibleRegion().GetNumberOfPixels());
    }
    for (double v : coefficients) largest_coefficient = std::max(largest_coefficient, std::abs(v));
  }

  // The cubic B-spline sum at `p`, zero where the support leaves the grid (as ITK).
  Vec3 Displacement(const Vec3& p) const {
    BSplineSupport support;
    if (!grid.Support(p, support)) return {0, 0, 0};
    return grid.Displacement(support, coefficients.data());
  }

  BSpline::Pointer bspline;  // post -> post + b(post); kept for writing
  RigidTransform rigid;
  RigidAffine to_pre, to_post;
  BSplineGrid grid;
  std::vector<double> coefficients;  // x, y, z components' images, x fastest, as ITK stores them
  double largest_coefficient = 0.0;     // bounds |b| everywhere (B-spline weights sum to 1)
};

DeformableMap::DeformableMap() : impl_(nullptr) {}
DeformableMap::DeformableMap(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
DeformableMap::~DeformableMap() = default;
DeformableMap::DeformableMap(const DeformableMap&) = default;
DeformableMap& DeformableMap::operator=(const DeformableMap&) = default;

Vec3 DeformableMap::Displacement(const Vec3& post) const {
  return impl_ ? impl_->Displacement(post) : Vec3{0, 0, 0};
}

Vec3 DeformableMap::PostToPre(const Vec3& post) const {
  const Vec3 b = Displacement(post);
  const Vec3 moved{post[0] + b[0], post[1] + b[1], post[2] + b[2]};
  return impl_ ? impl_->to_pre.Apply(moved) : moved;
}

void DeformableMap::PostToPre(const Vec3* post, std::size_t count, Vec3* pre) const {
  if (!impl_) {
    std::copy(post, post + count, pre);
    return;
  }
  impl_->grid.Displacements(post, count, impl_->coefficients.data(), pre);
  for (std::size_t i = 0; i < count; ++i) {
    pre[i] = impl_->to_pre.Apply({post[i][0] + pre[i][0], post[i][1] + pre[i][1], post[i][2] + pre[i][2]});
  }
}

double DeformableMap::DisplacementBoundMm() const {
  return impl_ ? std::sqrt(3.0) * impl_->largest_coefficient : 0.0;
}

Vec3 DeformableMap::PreToPost(const Vec3& pre) const {
  const Vec3 target = impl_ ? impl_->to_post.Apply(pre) : pre;
  // Solve q + b(q) = target: q <- target - b(q) converges while |grad b| < 1.
  Vec3 q = target;
  for (int i = 0; i < 50; ++i) {
    const Vec3 b = Displacement(q);
    const Vec3 next{target[0] - b[0], target[1] - b[1], target[2] - b[2]};
    const double step = std::hypot(next[0] - q[0], next[1] - q[1], next[2] - q[2]);
    q = next;
    if (step < 1e-4) break;
  }
  return q;
}

double DeformableMap::JacobianDeterminant(const Vec3& post) const {
  constexpr double h = 0.5;  // mm
  double j[3][3];
  for (int c = 0; c < 3; ++c) {
    Vec3 lo = post, hi = post;
    lo[c] -= h;
    hi[c] += h;
    const Vec3 bl = Displacement(lo), bh = Displacement(hi);
    for (int r = 0; r < 3; ++r) j[r][c] = (r == c ? 1.0 : 0.0) + (bh[r] - bl[r]) / (2 * h);
  }
  return j[0][0] * (j[1][1] * j[2][2] - j[1][2] * j[2][1]) - j[0][1] * (j[1][0] * j[2][2] - j[1][2] * j[2][0]) +
         j[0][2] * (j[1][0] * j[2][1] - j[1][1] * j[2][0]);
}

const RigidTransform& DeformableMap::rigid() const {
  static const RigidTransform kIdentity{};
  return impl_ ? impl_->rigid : kIdentity;
}

void DeformableMap::Write(const std::string& path) const {
  if (!impl_) throw Error(ErrorKind::kInternal, "no deformable map to write");
  // ITK applies a composite's transforms last-added first: rigid(b(p)).
  auto composite = itk::CompositeTransform<double, 3>::New();
  composite->AddTransform(ToItk(impl_->rigid));
  composite->AddTransform(impl_->bspline);
  WriteItkTransformText(*composite, path);
}

namespace {

// The world box of `mask`'s non-zero voxels (their outer faces); nullopt if none.
std::optional<WorldBox> NonZeroBox(const MaskImage& mask) {
  const itk::ImageRegion<3> region = NonZeroRegion(mask);
  if (region.GetNumberOfPixels() == 0) return std::nullopt;
  ImageGeometry g = GeometryOf(mask);  // narrowed to the region: its first voxel, its size
  const auto start = mask.GetLargestPossibleRegion().GetIndex();  // g's indices count from there
  g.origin_mm = g.IndexToPoint({double(region.GetIndex(0) - start[0]), double(region.GetIndex(1) - start[1]),
                                double(region.GetIndex(2) - start[2])});
  for (int a = 0; a < 3; ++a) g.size[a] = region.GetSize(a);
  return WorldBounds(g);
}

// 1 on `grid` except within `margin_mm` of the non-zero voxels of `exclude`
// (looked up at each voxel centre, on its own grid): where the metric looks.
// Distances are computed only in the part of the grid that can come that
// close: the lesions' box grown by the margin and a voxel.
MaskImage::Pointer MetricMask(const CtImage& grid, const MaskImage* exclude, double margin_mm) {
  auto keep = MaskImage::New();
  keep->CopyInformation(&grid);
  keep->SetRegions(grid.GetLargestPossibleRegion());
  keep->Allocate();
  keep->FillBuffer(1);
  const std::optional<WorldBox> lesions = exclude != nullptr ? NonZeroBox(*exclude) : std::nullopt;
  if (!lesions) return keep;
  const auto& spacing = grid.GetSpacing();
  const double reach = margin_mm + std::max({spacing[0], spacing[1], spacing[2]});
  const itk::ImageRegion<3> region = RegionForBox(grid, Grown(*lesions, reach));
  if (region.GetNumberOfPixels() == 0) return keep;
  auto on_grid = MaskImage::New();
  on_grid->CopyInformation(&grid);
  on_grid->SetRegions(region);
  on_grid->Allocate();
  on_grid->FillBuffer(0);
  bool any = false;
  itk::ImageRegionIteratorWithIndex<MaskImage> it(on_grid, region);
  for (; !it.IsAtEnd(); ++it) {
    MaskImage::PointType p;
    on_grid->TransformIndexToPhysicalPoint(it.GetIndex(), p);
    MaskImage::IndexType i;
    if (exclude->TransformPhysicalPointToIndex(p, i) && exclude->GetPixel(i) != 0) {
      it.Set(1);
      any = true;
    }
  }
  if (!any) return keep;
  auto distance = itk::SignedMaurerDistanceMapImageFilter<MaskImage, FloatImage>::New();
  distance->SetInput(on_grid);
  distance->SetBackgroundValue(0);
  distance->SetInsideIsPositive(false);
  distance->SetSquaredDistance(false);
  distance->SetUseImageSpacing(true);
  distance->Update();
  itk::ImageRegionConstIterator<FloatImage> d(distance->GetOutput(), region);
  itk::ImageRegionIterator<MaskImage> k(keep, region);
  for (; !d.IsAtEnd(); ++d, ++k) k.Set(d.Get() > margin_mm ? 1 : 0);
  return keep;
}

// The box of `box`'s 8 corners carried through `map`.
template <typename Map>
WorldBox MapBox(const WorldBox& box, Map map) {
  WorldBox out{{HUGE_VAL, HUGE_VAL, HUGE_VAL}, {-HUGE_VAL, -HUGE_VAL, -HUGE_VAL}};
  for (int corner = 0; corner < 8; ++corner) {
    Vec3 p;
    for (int a = 0; a < 3; ++a) p[a] = (corner >> a & 1) ? box.max_mm[a] : box.min_mm[a];
    const Vec3 q = map(p);
    for (int a = 0; a < 3; ++a) {
      out.min_mm[a] = std::min(out.min_mm[a], q[a]);
      out.max_mm[a] = std::max(out.max_mm[a], q[a]);
    }
  }
  return out;
}

// The axis of `image` most nearly parallel to column d of `domain`.
int ImageAxisAlong(const CtImage& image, const BSpline::DirectionType& domain, int d) {
  int best = 0;
  double best_dot = -1.0;
  for (int a = 0; a < 3; ++a) {
    double dot = 0.0;
    for (int r = 0; r < 3; ++r) dot += domain[r][d] * image.GetDirection()[r][a];
    if (std::abs(dot) > best_dot) best = a, best_dot = std::abs(dot);
  }
  return best;
}

BSpline::Pointer InitialBSpline(const CtImage& fixed, double control_spacing_mm) {
  auto bspline = BSpline::New();
  auto initializer = itk::BSplineTransformInitializer<BSpline, CtImage>::New();
  initializer->SetTransform(bspline);
  initializer->SetImage(&fixed);
  // The domain's axis d runs along the image axis nearest world axis d (ITK's
  // choice): the mesh is sized in a first pass, from that axis's extent.
  BSpline::MeshSizeType mesh;
  mesh.Fill(1);
  initializer->SetTransformDomainMeshSize(mesh);
  initializer->InitializeTransform();
  const auto size = fixed.GetLargestPossibleRegion().GetSize();
  for (int d = 0; d < 3; ++d) {
    const int a = ImageAxisAlong(fixed, bspline->GetTransformDomainDirection(), d);
    const double extent = double(size[a]) * fixed.GetSpacing()[a];
    mesh[d] = static_cast<unsigned>(std::max(1L, std::lround(extent / control_spacing_mm)));
  }
  initializer->SetTransformDomainMeshSize(mesh);
  initializer->InitializeTransform();
  bspline->SetIdentity();
  return bspline;
}

struct Attempt {
  BSpline::Pointer bspline;
  double metric_initial = 0.0, metric_final = 0.0;
  std::string stop_condition;
};

std::string StopReason(const vnl_lbfgsb& optimizer, const DeformableParams& p) {
  switch (optimizer.get_failure_code()) {
    case vnl_nonlinear_minimizer::CONVERGED_FTOL: return "the metric stopped improving";
    case vnl_nonlinear_minimizer::CONVERGED_GTOL: return "the gradient vanished";
    case vnl_nonlinear_minimizer::FAILED_TOO_MANY_ITERATIONS: return "the evaluation budget was spent";
    case vnl_nonlinear_minimizer::FAILED_USER_REQUEST: {  // a plateau (PlateauLbfgsb)
      char buf[120];
      std::snprintf(buf, sizeof buf, "the metric gained less than %g %% over %u iterations",
                    100.0 * p.plateau_share, p.plateau_iterations);
      return buf;
    }
    // L-BFGS-B's line search found no lower point along its direction: at
    // the optimum to the precision the samples allow.
    case vnl_nonlinear_minimizer::ERROR_FAILURE: return "the line search found no lower point";
    default: return "L-BFGS-B code " + std::to_string(int(optimizer.get_failure_code()));
  }
}

void Configure(vnl_lbfgsb& optimizer, unsigned parameters, const DeformableParams& p) {
  optimizer.set_bound_selection(vnl_vector<long>(parameters, 0));  // unbounded
  optimizer.set_lower_bound(vnl_vector<double>(parameters, 0.0));
  optimizer.set_upper_bound(vnl_vector<double>(parameters, 0.0));
  optimizer.set_cost_function_convergence_factor(p.convergence_factor);
  optimizer.set_projected_gradient_tolerance(p.gradient_tolerance);
  optimizer.set_max_function_evals(int(p.max_evaluations));
  optimizer.set_max_variable_metric_corrections(5);
}

constexpr unsigned kHeldOutSeed = 7919;  // offset of the finest level's held-out samples' seed

// One resolution level: L-BFGS-B on the Mattes metric over this level's
// samples, from and into `x` (the B-spline's coefficients). At the finest
// level the metric figures are those of an independent sample set.
struct LevelResult {
  double metric_rigid = 0.0, metric_final = 0.0;  // with the rigid map alone, and at the end
  std::string stop;
};

LevelResult RunLevel(const CtImage& fixed, const CtImage& moving, const MaskImage& fixed_keep,
                     const MaskImage& moving_keep, const RigidAffine& rigid, const BSplineGrid& grid,
                     const DeformableParams& p, std::size_t level, vnl_vector<double>& x, Log& log) {
  const double sigma = level < p.smoothing_mm.size() ? p.smoothing_mm[level] : 0.0;
  const CtImage::Pointer moving_level = LevelImage(moving, p.level_spacing_mm[level], sigma);
  const CtImage::Pointer fixed_level = LevelImage(fixed, 0.0, sigma);  // for both sample sets
  const FixedSamples samples = DrawSamples(*fixed_level, 0.0, &fixed_keep, &moving_keep, rigid, &grid,
                                           p.samples_per_level, p.random_seed + unsigned(level));
  if (samples.points_mm.size() < 1000) {
    throw Error(ErrorKind::kRegistrationFailed,
                "deformable registration: " + std::to_string(samples.points_mm.size()) +
                    " metric samples away from the lesions, expected at least 1000; the region of interest is "
                    "mostly tumour or ablation zone (use --registration rigid)");
  }
  const LinearImage moving_view = ViewOf(*moving_level);
  MattesBSplineCost cost(samples, moving_view, grid, rigid, p.histogram_bins);
  cost.set_membrane_weight(p.membrane_weight);
  const std::string where = "level " + std::to_string(level + 1) + "/" + std::to_string(p.level_spacing_mm.size());
  cost.on_evaluation = [&](int n, double value) {
    char buf[120];
    std::snprintf(buf, sizeof buf, "%s, evaluation %d, metric %.4f", where.c_str(), n, value);
    log.Progress("deformable registration", buf);
  };
  LevelResult r;
  r.metric_rigid = cost.MetricValue(vnl_vector<double>(x.size(), 0.0));
  PlateauLbfgsb optimizer(cost, p.plateau_share, p.plateau_iterations);
  Configure(optimizer, unsigned(x.size()), p);
  optimizer.minimize(x);
  log.EndProgress();
  r.metric_final = cost.MetricValue(x);
  if (level + 1 == p.level_spacing_mm.size()) {
    // Judged on samples the optimiser never saw: on a pair that needs no
    // deformation the fitted one still "improves" its own samples.
    const FixedSamples held_out = DrawSamples(*fixed_level, 0.0, &fixed_keep, &moving_keep, rigid, &grid,
                                              p.samples_per_level, p.random_seed + kHeldOutSeed);
    MattesBSplineCost check(held_out, moving_view, grid, rigid, p.histogram_bins);
    r.metric_rigid = check.MetricValue(vnl_vector<double>(x.size(), 0.0));
    r.metric_final = check.MetricValue(x);
  }
  r.stop = where + ": " + StopReason(optimizer, p) + " after " + std::to_string(cost.evaluations()) +
           " evaluations";
  return r;
}

Attempt Run(const CtImage& fixed, const CtImage& moving, const MaskImage& fixed_keep, const MaskImage& moving_keep,
            const RigidTransform& rigid, const DeformableParams& p, double control_spacing_mm, Log& log) {
  Attempt out;
  out.bspline = InitialBSpline(fixed, control_spacing_mm);
  const BSplineGrid grid = GridOf(*out.bspline->GetCoefficientImages()[0]);
  const RigidAffine affine = rigid.ForwardAffine();
  vnl_vector<double> x(unsigned(3 * grid.Count()), 0.0);
  for (std::size_t level = 0; level < p.level_spacing_mm.size(); ++level) {
    const LevelResult r = RunLevel(fixed, moving, fixed_keep, moving_keep, affine, grid, p, level, x, log);
    // The finest level's figures (its samples, its smoothing) judge the result.
    out.metric_initial = r.metric_rigid;
    out.metric_final = r.metric_final;
    out.stop_condition += (out.stop_condition.empty() ? "" : "; ") + r.stop;
  }
  BSpline::ParametersType parameters(x.size());
  for (unsigned i = 0; i < x.size(); ++i) parameters[i] = x[i];
  out.bspline->SetParameters(parameters);
  return out;
}

// Jacobian range and largest displacement over the B-spline's domain (the
// fixed crop's own grid, oblique or not), on a 4 mm lattice kept 2 mm inside
// it: beyond the domain the displacement drops to zero, which differences
// would read as a fold.
void Survey(const DeformableMap& map, const ImageGeometry& domain, DeformableResult& r) {
  constexpr double kStepMm = 4.0, kInsetMm = 2.0;
  std::array<std::vector<double>, 3> steps;  // continuous indices along each axis
  for (int a = 0; a < 3; ++a) {
    const double h = domain.spacing_mm[a], last = double(domain.size[a]) - 0.5 - kInsetMm / h;
    for (double i = -0.5 + kInsetMm / h; i <= last; i += kStepMm / h) steps[a].push_back(i);
  }
  // One plane of the lattice per task, on both cores; minima and maxima
  // do not depend on the order they are combined in.
  struct Extremes {
    double jacobian_min = HUGE_VAL, jacobian_max = -HUGE_VAL, displacement_max = 0.0;
  };
  std::vector<Extremes> planes(steps[2].size());
  ParallelFor(steps[2].size(), [&](std::size_t n) {
    Extremes& e = planes[n];
    for (double j : steps[1]) {
      for (double i : steps[0]) {
        const Vec3 p = domain.IndexToPoint({i, j, steps[2][n]});
        const double jacobian = map.JacobianDeterminant(p);
        e.jacobian_min = std::min(e.jacobian_min, jacobian);
        e.jacobian_max = std::max(e.jacobian_max, jacobian);
        const Vec3 b = map.Displacement(p);
        e.displacement_max = std::max(e.displacement_max, std::hypot(b[0], b[1], b[2]));
      }
    }
  });
  r.jacobian_min = HUGE_VAL;
  r.jacobian_max = -HUGE_VAL;
  r.max_displacement_mm = 0.0;
  for (const Extremes& e : planes) {
    r.jacobian_min = std::min(r.jacobian_min, e.jacobian_min);
    r.jacobian_max = std::max(r.jacobian_max, e.jacobian_max);
    r.max_displacement_mm = std::max(r.max_displacement_mm, e.displacement_max);
  }
}

}  // namespace

DeformableResult RegisterDeformable(const DeformableInputs& in, const DeformableParams& p, Log& log) {
  const CtImage::Pointer fixed =
      CropWindowed(*in.fixed_post, in.roi_post, p.roi_margin_mm, p.window_low_hu, p.window_high_hu);
  const WorldBox fixed_box = WorldBounds(GeometryOf(*fixed));
  const WorldBox moving_box = MapBox(fixed_box, [&](const Vec3& q) { return in.rigid.Apply(q); });
  // The moving crop reaches beyond the mapped region by what the B-spline may add.
  const CtImage::Pointer moving =
      CropWindowed(*in.moving_pre, moving_box, 30.0, p.window_low_hu, p.window_high_hu);
  MaskImage::Pointer fixed_keep, moving_keep;  // one per core
  ParallelFor(2, [&](std::size_t n) {
    (n == 0 ? fixed_keep : moving_keep) =
        MetricMask(n == 0 ? *fixed : *moving, n == 0 ? in.exclude_post : in.exclude_pre, p.exclude_margin_mm);
  });
  log.Info("deformable registration: region " + Describe(GeometryOf(*fixed)));

  DeformableResult result;
  for (int attempt = 1; attempt <= 2; ++attempt) {
    // The retry is stiffer: control points twice as far apart.
    const double spacing = p.control_spacing_mm * (attempt == 1 ? 1.0 : 2.0);
    log.Info("deformable registration: B-spline, control points every " + std::to_string(int(spacing)) + " mm");
    const Attempt a = Run(*fixed, *moving, *fixed_keep, *moving_keep, in.rigid, p, spacing, log);
    result.map = DeformableMap(std::make_shared<DeformableMap::Impl>(a.bspline, in.rigid));
    result.metric_initial = a.metric_initial;
    result.metric_final = a.metric_final;
    result.stop_condition = a.stop_condition;
    result.attempt = attempt;
    Survey(result.map, GeometryOf(*fixed), result);
    char buf[240];
    std::snprintf(buf, sizeof buf,
                  "deformable registration (attempt %d): metric %.4f -> %.4f, Jacobian %.3f..%.3f, "
                  "largest displacement %.1f mm",
                  attempt, result.metric_initial, result.metric_final, result.jacobian_min, result.jacobian_max,
                  result.max_displacement_mm);
    log.Info(buf);
    if (result.jacobian_min > 0.0) {
      const double gain =
          (result.metric_initial - result.metric_final) / std::max(1e-12, std::abs(result.metric_initial));
      result.improved = gain >= p.min_improvement;
      if (!result.improved) {
        char why[200];
        std::snprintf(why, sizeof why, "the deformable stage improved the metric on independent samples by %.2f %% "
                      "(needs %.2f %%); the rigid map is kept", 100.0 * gain, 100.0 * p.min_improvement);
        log.Info(why);
      }
      return result;
    }
    if (attempt == 1) log.Warn("the deformation folds; retrying with control points twice as far apart");
  }
  char buf[200];
  std::snprintf(buf, sizeof buf,
                "deformable registration folds (Jacobian minimum %.3f, expected > 0) even with control points "
                "%.0f mm apart; use --registration rigid to measure with the rigid map",
                result.jacobian_min, 2 * p.control_spacing_mm);
  throw Error(ErrorKind::kRegistrationFailed, buf);
}

}  // namespace margo
