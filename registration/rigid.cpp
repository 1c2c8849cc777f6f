#include "registration/rigid.h"

#include <itkCommand.h>
#include <itkImageRegistrationMethodv4.h>
#include <itkLinearInterpolateImageFunction.h>
#include <itkMattesMutualInformationImageToImageMetricv4.h>
#include <itkRegistrationParameterScalesFromPhysicalShift.h>
#include <itkRegularStepGradientDescentOptimizerv4.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <random>

#include "core/error.h"
#include "registration/image_prep.h"
#include "registration/repeatable_metric.h"
#include "registration/itk_transform.h"
#include "registration/progress_observer.h"

namespace margo {
namespace {

using Metric = itk::MattesMutualInformationImageToImageMetricv4<CtImage, CtImage>;
using Optimizer = itk::RegularStepGradientDescentOptimizerv4<double>;
using Registration = itk::ImageRegistrationMethodv4<CtImage, CtImage, ItkRigid>;

constexpr double kMaxRotationDeg = 30.0;
constexpr double kMaxTranslationMm = 150.0;

// How far (mm) the moving image is kept beyond the fixed region, on top of the
// largest starting translation: the rigid motion the optimiser may find.
constexpr double kMaxMovingReachMm = 40.0;

double LargestStart(const RigidHints& hints) {
  double largest = 0.0;
  for (const Vec3& t : hints.start_translations_mm) {
    largest = std::max(largest, std::sqrt(t[0] * t[0] + t[1] * t[1] + t[2] * t[2]));
  }
  return largest;
}

// A fixed set of random fixed-image points, used to score starts and results.
Metric::FixedSampledPointSetType::Pointer SamplePoints(const CtImage& fixed, unsigned count, unsigned seed) {
  auto points = Metric::FixedSampledPointSetType::New();
  const auto region = fixed.GetLargestPossibleRegion();
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (unsigned n = 0; n < count; ++n) {
    itk::ContinuousIndex<double, 3> ci;
    for (int a = 0; a < 3; ++a) ci[a] = region.GetIndex(a) - 0.5 + unit(rng) * region.GetSize(a);
    CtImage::PointType p;
    fixed.TransformContinuousIndexToPhysicalPoint(ci, p);
    points->SetPoint(n, p);
  }
  return points;
}

class Scorer {
 public:
  Scorer(const CtImage& fixed, const CtImage& moving, const RigidParams& p) {
    metric_ = NewRepeatableMetric<Metric>();
    metric_->SetNumberOfHistogramBins(p.histogram_bins);
    metric_->SetFixedImage(&fixed);
    metric_->SetMovingImage(&moving);
    metric_->SetFixedSampledPointSet(SamplePoints(fixed, p.samples_per_level, p.random_seed));
    metric_->SetUseSampledPointSet(true);
    metric_->SetVirtualDomainFromImage(&fixed);
    metric_->SetUseFixedImageGradientFilter(false);  // no whole-image gradient: sparse samples
    metric_->SetUseMovingImageGradientFilter(false);
  }
  double Score(const RigidTransform& t) {
    metric_->SetMovingTransform(ToItk(t));
    try {
      metric_->Initialize();
      return metric_->GetValue();
    } catch (const itk::ExceptionObject&) {
      return std::numeric_limits<double>::infinity();  // too few points overlap
    }
  }

 private:
  Metric::Pointer metric_;
};

Vec3 BoxCentre(const WorldBox& b) {
  return {(b.min_mm[0] + b.max_mm[0]) / 2, (b.min_mm[1] + b.max_mm[1]) / 2, (b.min_mm[2] + b.max_mm[2]) / 2};
}

RigidTransform ChooseStart(Scorer& scorer, const Vec3& centre, const RigidHints& hints, Log& log,
                           double& best_score) {
  std::vector<Vec3> starts{{0, 0, 0}};
  starts.insert(starts.end(), hints.start_translations_mm.begin(), hints.start_translations_mm.end());
  RigidTransform best;
  best_score = std::numeric_limits<double>::infinity();
  for (const Vec3& t : starts) {
    RigidTransform candidate;
    candidate.centre_mm = centre;
    candidate.translation_mm = t;
    const double score = scorer.Score(candidate);
    char buf[160];
    std::snprintf(buf, sizeof buf, "rigid start (%.1f, %.1f, %.1f) mm: metric %.4f", t[0], t[1], t[2], score);
    log.Debug(buf);
    if (score < best_score) {
      best_score = score;
      best = candidate;
    }
  }
  return best;
}

void ConfigureLevels(Registration& registration, const CtImage& fixed, const RigidParams& p) {
  const unsigned levels = static_cast<unsigned>(p.level_spacing_mm.size());
  registration.SetNumberOfLevels(levels);
  Registration::SmoothingSigmasArrayType sigmas(levels);
  for (unsigned l = 0; l < levels; ++l) {
    Registration::ShrinkFactorsPerDimensionContainerType shrink;
    double voxels = 1.0;
    for (int a = 0; a < 3; ++a) {
      const double target = p.level_spacing_mm[l];
      shrink[a] = std::max(1u, static_cast<unsigned>(std::lround(target / fixed.GetSpacing()[a])));
      voxels *= double(fixed.GetLargestPossibleRegion().GetSize(a)) / shrink[a];
    }
    registration.SetShrinkFactorsPerDimension(l, shrink);
    sigmas[l] = l < p.smoothing_mm.size() ? p.smoothing_mm[l] : 0.0;
  }
  registration.SetSmoothingSigmasPerLevel(sigmas);
  registration.SetSmoothingSigmasAreSpecifiedInPhysicalUnits(true);
}

void ConfigureSampling(Registration& registration, const CtImage& fixed, const RigidParams& p) {
  const unsigned levels = static_cast<unsigned>(p.level_spacing_mm.size());
  Registration::MetricSamplingPercentageArrayType percentage(levels);
  for (unsigned l = 0; l < levels; ++l) {
    double voxels = 1.0;
    for (int a = 0; a < 3; ++a) {
      const double target = p.level_spacing_mm[l];
      const double shrink = std::max(1.0, std::round(target / fixed.GetSpacing()[a]));
      voxels *= double(fixed.GetLargestPossibleRegion().GetSize(a)) / shrink;
    }
    percentage[l] = std::min(1.0, p.samples_per_level / voxels);
  }
  registration.SetMetricSamplingStrategy(Registration::MetricSamplingStrategyEnum::RANDOM);
  registration.SetMetricSamplingPercentagePerLevel(percentage);
  registration.MetricSamplingReinitializeSeed(static_cast<int>(p.random_seed));
}

// A rigid map between two scans of one patient in one position rotates by a
// few degrees and moves by centimetres; anything far beyond is a failure.
void CheckPlausible(const RigidResult& r) {
  const RigidTransform& t = r.post_to_pre;
  const double shift = std::sqrt(t.translation_mm[0] * t.translation_mm[0] +
                                 t.translation_mm[1] * t.translation_mm[1] +
                                 t.translation_mm[2] * t.translation_mm[2]);
  char buf[300];
  if (!std::isfinite(r.metric_final)) {
    throw Error(ErrorKind::kRegistrationFailed,
                "rigid registration: the scans do not overlap after registration (metric undefined); "
                "expected pre and post CT of the same region");
  }
  if (t.RotationDeg() > kMaxRotationDeg || shift > kMaxTranslationMm) {
    std::snprintf(buf, sizeof buf,
                  "rigid registration: result rotates %.1f degrees and moves %.1f mm; expected at most %.0f "
                  "degrees and %.0f mm between two scans of one patient",
                  t.RotationDeg(), shift, kMaxRotationDeg, kMaxTranslationMm);
    throw Error(ErrorKind::kRegistrationFailed, buf);
  }
}

}  // namespace

RigidResult RegisterRigid(const CtImage& fixed_post, const CtImage& moving_pre, const RigidHints& hints,
                          const RigidParams& p, Log& log) {
  const CtImage::Pointer fixed =
      WindowHu(*Crop(fixed_post, hints.fixed_roi, p.roi_margin_mm), p.window_low_hu, p.window_high_hu);
  const CtImage::Pointer moving = WindowHu(
      *Crop(moving_pre, WorldBounds(GeometryOf(*fixed)), kMaxMovingReachMm + LargestStart(hints)), p.window_low_hu,
      p.window_high_hu);
  log.Info("rigid registration: fixed region " + Describe(GeometryOf(*fixed)));

  const Vec3 centre = BoxCentre(WorldBounds(GeometryOf(*fixed)));
  Scorer scorer(*fixed, *moving, p);
  RigidResult result;
  const RigidTransform start = ChooseStart(scorer, centre, hints, log, result.metric_initial);
  result.chosen_start_mm = start.translation_mm;

  auto metric = NewRepeatableMetric<Metric>();
  metric->SetNumberOfHistogramBins(p.histogram_bins);
  metric->SetUseFixedImageGradientFilter(false);  // gradients at the samples only
  metric->SetUseMovingImageGradientFilter(false);
  auto optimizer = Optimizer::New();
  optimizer->SetLearningRate(p.initial_step_mm);
  optimizer->SetMinimumStepLength(p.min_step_mm);
  optimizer->SetRelaxationFactor(p.relaxation);
  optimizer->SetNumberOfIterations(p.max_iterations);
  optimizer->SetReturnBestParametersAndValue(true);
  optimizer->SetDoEstimateLearningRateOnce(false);
  optimizer->SetDoEstimateLearningRateAtEachIteration(false);
  auto scales = itk::RegistrationParameterScalesFromPhysicalShift<Metric>::New();
  scales->SetMetric(metric);
  optimizer->SetScalesEstimator(scales);

  auto registration = Registration::New();
  registration->SetFixedImage(fixed);
  registration->SetMovingImage(moving);
  registration->SetMetric(metric);
  registration->SetOptimizer(optimizer);
  ItkRigid::Pointer initial = ToItk(start);
  registration->SetInitialTransform(initial);
  registration->SetInPlace(true);
  ConfigureLevels(*registration, *fixed, p);
  ConfigureSampling(*registration, *fixed, p);

  auto observer = ProgressObserver<Registration, Optimizer>::New();
  observer->Setup(&log, registration, static_cast<unsigned>(p.level_spacing_mm.size()), "rigid registration");
  optimizer->AddObserver(itk::IterationEvent(), observer);
  try {
    registration->Update();
  } catch (const itk::ExceptionObject& e) {
    log.EndProgress();
    throw Error(ErrorKind::kRegistrationFailed,
                std::string("rigid registration: ITK stopped with: ") + e.GetDescription());
  }
  log.EndProgress();
  result.post_to_pre = FromItk(*registration->GetTransform());
  result.stop_condition = optimizer->GetStopConditionDescription();
  result.metric_final = scorer.Score(result.post_to_pre);
  if (!(result.metric_final <= result.metric_initial)) {
    // Already aligned (or the optimiser wandered): keep the better start.
    log.Info("rigid registration: the optimised transform scores no better than the start; keeping the start");
    result.post_to_pre = start;
    result.metric_final = result.metric_initial;
  }
  CheckPlausible(result);
  return result;
}

}  // namespace margo
