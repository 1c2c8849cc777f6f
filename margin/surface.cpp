#include "margin/surface.h"

#include <itkConstantPadImageFilter.h>
#include <itkDiscreteGaussianImageFilter.h>
#include <itkImageRegionConstIteratorWithIndex.h>
#include <itkLinearInterpolateImageFunction.h>
#include <itkRegionOfInterestImageFilter.h>
#include <vtkFlyingEdges3D.h>
#include <vtkFloatArray.h>
#include <vtkImageData.h>
#include <vtkImplicitPolyDataDistance.h>
#include <vtkPointData.h>
#include <vtkPolyData.h>
#include <vtkSmartPointer.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.h"

namespace margo {
namespace {

constexpr int kPadVoxels = 3;
// Gaussian sigma per axis: one voxel of that axis, at most 1.5 mm. Measured on
// analytic spheres (tests/unit/margin): smaller sigmas leave the staircase,
// larger ones shrink small convex tumours (shift ~ sigma^2 / radius).
constexpr double kSigmaVoxels = 1.0;
constexpr double kMaxSigmaMm = 1.5;

// The voxels where `inside` holds (looked for within `search`), cropped to their bounding box grown by
// kPadVoxels (zero padding beyond the image) as a 0/1 float image.
template <typename TImage, typename Inside>
FloatImage::Pointer CropMask(const TImage& image, Inside inside, const itk::ImageRegion<3>& search,
                             bool& touches_edge) {
  const auto whole = image.GetLargestPossibleRegion();
  itk::Index<3> lo, hi;
  lo.Fill(itk::NumericTraits<itk::IndexValueType>::max());
  hi.Fill(itk::NumericTraits<itk::IndexValueType>::min());
  itk::ImageRegionConstIteratorWithIndex<TImage> it(&image, search);
  for (; !it.IsAtEnd(); ++it) {
    if (!inside(it.Get())) continue;
    for (int a = 0; a < 3; ++a) {
      lo[a] = std::min(lo[a], it.GetIndex()[a]);
      hi[a] = std::max(hi[a], it.GetIndex()[a]);
    }
  }
  if (lo[0] > hi[0]) return nullptr;
  auto mask = FloatImage::New();
  typename TImage::RegionType region;
  touches_edge = false;
  for (int a = 0; a < 3; ++a) {
    const long first = whole.GetIndex(a), last = first + long(whole.GetSize(a)) - 1;
    touches_edge |= lo[a] == first || hi[a] == last;
    region.SetIndex(a, lo[a] - kPadVoxels);
    region.SetSize(a, static_cast<itk::SizeValueType>(hi[a] - lo[a] + 1 + 2 * kPadVoxels));
  }
  mask->CopyInformation(&image);
  mask->SetRegions(region);
  mask->Allocate();
  mask->FillBuffer(0.0f);
  itk::ImageRegionIteratorWithIndex<FloatImage> out(mask, region);
  for (; !out.IsAtEnd(); ++out) {
    if (whole.IsInside(out.GetIndex()) && inside(image.GetPixel(out.GetIndex()))) out.Set(1.0f);
  }
  return mask;
}

FloatImage::Pointer Smooth(const FloatImage& mask) {
  auto filter = itk::DiscreteGaussianImageFilter<FloatImage, FloatImage>::New();
  filter->SetInput(&mask);
  itk::DiscreteGaussianImageFilter<FloatImage, FloatImage>::ArrayType variance;
  for (int a = 0; a < 3; ++a) variance[a] = std::pow(std::min(kSigmaVoxels * mask.GetSpacing()[a], kMaxSigmaMm), 2);
  filter->SetVariance(variance);
  filter->SetUseImageSpacing(true);  // variance in mm^2
  filter->SetMaximumError(0.01);
  filter->SetMaximumKernelWidth(32);
  filter->Update();
  FloatImage::Pointer out = filter->GetOutput();
  out->DisconnectPipeline();
  return out;
}

// 0.5, or lower for structures so thin that smoothing keeps them below 0.5.
double IsoLevel(const FloatImage& field) {
  const float* first = field.GetBufferPointer();
  const float peak = *std::max_element(first, first + field.GetBufferedRegion().GetNumberOfPixels());
  return std::min(0.5, 0.5 * double(peak));
}

// The iso-surface of `field` at `level`, vertices moved to LPS millimetres.
vtkSmartPointer<vtkPolyData> IsoSurface(const FloatImage& field, double level) {
  const auto region = field.GetBufferedRegion();
  auto volume = vtkSmartPointer<vtkImageData>::New();
  volume->SetDimensions(int(region.GetSize(0)), int(region.GetSize(1)), int(region.GetSize(2)));
  volume->AllocateScalars(VTK_FLOAT, 1);
  std::memcpy(volume->GetScalarPointer(), field.GetBufferPointer(), region.GetNumberOfPixels() * sizeof(float));
  auto edges = vtkSmartPointer<vtkFlyingEdges3D>::New();
  edges->SetInputData(volume);
  edges->SetValue(0, level);
  edges->ComputeNormalsOff();
  edges->ComputeGradientsOff();
  edges->ComputeScalarsOff();
  edges->Update();
  vtkSmartPointer<vtkPolyData> surface = edges->GetOutput();
  vtkPoints* points = surface->GetPoints();
  for (vtkIdType i = 0; points != nullptr && i < points->GetNumberOfPoints(); ++i) {
    double* v = points->GetPoint(i);  // buffer index coordinates
    itk::ContinuousIndex<double, 3> ci;
    for (int a = 0; a < 3; ++a) ci[a] = v[a] + double(region.GetIndex(a));
    FloatImage::PointType p;
    field.TransformContinuousIndexToPhysicalPoint(ci, p);
    points->SetPoint(i, p[0], p[1], p[2]);
  }
  return surface;
}

SurfaceSamples SamplesOf(vtkPolyData& surface) {
  SurfaceSamples s;
  vtkPoints* points = surface.GetPoints();
  if (points == nullptr) return s;
  s.points_mm.resize(static_cast<std::size_t>(points->GetNumberOfPoints()));
  s.area_mm2.assign(s.points_mm.size(), 0.0);
  for (vtkIdType i = 0; i < points->GetNumberOfPoints(); ++i) {
    const double* v = points->GetPoint(i);
    s.points_mm[std::size_t(i)] = {v[0], v[1], v[2]};
  }
  vtkCellArray* triangles = surface.GetPolys();
  triangles->InitTraversal();
  vtkIdType n = 0;
  const vtkIdType* ids = nullptr;
  while (triangles->GetNextCell(n, ids)) {
    if (n != 3) continue;
    const Vec3& a = s.points_mm[std::size_t(ids[0])];
    const Vec3& b = s.points_mm[std::size_t(ids[1])];
    const Vec3& c = s.points_mm[std::size_t(ids[2])];
    const Vec3 u{b[0] - a[0], b[1] - a[1], b[2] - a[2]}, w{c[0] - a[0], c[1] - a[1], c[2] - a[2]};
    const Vec3 x{u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]};
    const double area = 0.5 * std::sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
    for (int k = 0; k < 3; ++k) s.area_mm2[std::size_t(ids[k])] += area / 3.0;
  }
  return s;
}

}  // namespace

std::map<std::uint16_t, itk::ImageRegion<3>> LabelRegions(const LabelImage& labels) {
  std::map<std::uint16_t, std::pair<itk::Index<3>, itk::Index<3>>> box;
  itk::ImageRegionConstIteratorWithIndex<LabelImage> it(&labels, labels.GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    if (it.Get() == 0) continue;
    const auto index = it.GetIndex();
    auto found = box.find(it.Get());
    if (found == box.end()) {
      box[it.Get()] = {index, index};
      continue;
    }
    for (int a = 0; a < 3; ++a) {
      found->second.first[a] = std::min(found->second.first[a], index[a]);
      found->second.second[a] = std::max(found->second.second[a], index[a]);
    }
  }
  std::map<std::uint16_t, itk::ImageRegion<3>> out;
  for (const auto& [label, corners] : box) {
    itk::ImageRegion<3> region;
    region.SetIndex(corners.first);
    for (int a = 0; a < 3; ++a) region.SetSize(a, itk::SizeValueType(corners.second[a] - corners.first[a] + 1));
    out[label] = region;
  }
  return out;
}

struct Surface::Impl {
  bool touches_edge = false;
  FloatImage::Pointer field;
  double level = 0.5;
  vtkSmartPointer<vtkPolyData> mesh;
  itk::LinearInterpolateImageFunction<FloatImage, double>::Pointer interpolator;
  vtkSmartPointer<vtkImplicitPolyDataDistance> distance;
};

Surface::Surface(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Surface::~Surface() = default;

namespace {

std::unique_ptr<Surface::Impl> Build(const FloatImage::Pointer& cropped, bool touches_edge) {
  auto impl = std::make_unique<Surface::Impl>();
  impl->touches_edge = touches_edge;
  impl->field = Smooth(*cropped);
  impl->level = IsoLevel(*impl->field);
  impl->mesh = IsoSurface(*impl->field, impl->level);
  impl->interpolator = itk::LinearInterpolateImageFunction<FloatImage, double>::New();
  impl->interpolator->SetInputImage(impl->field);
  impl->distance = vtkSmartPointer<vtkImplicitPolyDataDistance>::New();
  impl->distance->SetInput(impl->mesh);
  return impl;
}

}  // namespace

std::unique_ptr<Surface> Surface::OfLabel(const LabelImage& labels, std::uint16_t label,
                                          const itk::ImageRegion<3>& bounds) {
  bool touches_edge = false;
  const FloatImage::Pointer cropped =
      CropMask(labels, [label](std::uint16_t v) { return v == label; }, bounds, touches_edge);
  if (!cropped) return nullptr;
  return std::unique_ptr<Surface>(new Surface(Build(cropped, touches_edge)));
}

std::unique_ptr<Surface> Surface::OfMask(const MaskImage& mask) {
  bool touches_edge = false;
  const FloatImage::Pointer cropped = CropMask(mask, [](std::uint8_t v) { return v != 0; },
                                               mask.GetLargestPossibleRegion(), touches_edge);
  if (!cropped) return nullptr;
  return std::unique_ptr<Surface>(new Surface(Build(cropped, touches_edge)));
}

SurfaceSamples Surface::Samples() const { return SamplesOf(*impl_->mesh); }

bool Surface::Inside(const Vec3& point_mm) const {
  FloatImage::PointType p;
  for (int a = 0; a < 3; ++a) p[a] = point_mm[a];
  return impl_->interpolator->IsInsideBuffer(p) && impl_->interpolator->Evaluate(p) > impl_->level;
}

double Surface::SignedMm(const Vec3& point_mm) const {
  double x[3] = {point_mm[0], point_mm[1], point_mm[2]};
  const double unsigned_mm = std::abs(impl_->distance->EvaluateFunction(x));
  return Inside(point_mm) ? unsigned_mm : -unsigned_mm;
}

bool Surface::TouchesImageEdge() const { return impl_->touches_edge; }

}  // namespace margo
