#include "margin/surface.h"

#include <itkLinearInterpolateImageFunction.h>
#include <vtkFlyingEdges3D.h>
#include <vtkImageData.h>
#include <vtkGenericCell.h>
#include <vtkIdList.h>
#include <vtkKdTreePointLocator.h>
#include <vtkPolyData.h>
#include <vtkSmartPointer.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>


namespace margo {
namespace {

constexpr int kPadVoxels = 3;
// Gaussian sigma per axis: one voxel of that axis, at most 1.5 mm. Measured on
// analytic spheres (tests/unit/margin): smaller sigmas leave the staircase,
// larger ones shrink small convex tumours (shift ~ sigma^2 / radius).
constexpr double kSigmaVoxels = 1.0;
constexpr double kMaxSigmaMm = 1.5;

// Calls visit(index, pixel) for every voxel of `region` (inside the image's
// buffer), row by row over the raw buffer: the hot loops of this file.
template <typename TImage, typename Visit>
void ForEachVoxel(const TImage& image, const itk::ImageRegion<3>& region, Visit visit) {
  const auto buffer = image.GetBufferedRegion();
  const long n0 = long(buffer.GetSize(0)), n1 = long(buffer.GetSize(1));
  const typename TImage::PixelType* data = image.GetBufferPointer();
  itk::Index<3> index;
  for (index[2] = region.GetIndex(2); index[2] < region.GetIndex(2) + long(region.GetSize(2)); ++index[2]) {
    for (index[1] = region.GetIndex(1); index[1] < region.GetIndex(1) + long(region.GetSize(1)); ++index[1]) {
      const long row = (index[1] - buffer.GetIndex(1)) * n0 + (index[2] - buffer.GetIndex(2)) * n0 * n1;
      const long i0 = region.GetIndex(0);
      for (index[0] = i0; index[0] < i0 + long(region.GetSize(0)); ++index[0]) {
        visit(index, data[row + index[0] - buffer.GetIndex(0)]);
      }
    }
  }
}

// The voxels where `inside` holds (looked for within `search`), cropped to
// their bounding box grown by kPadVoxels (zero padding beyond the image) as
// a 0/1 float image.
template <typename TImage, typename Inside>
FloatImage::Pointer CropMask(const TImage& image, Inside inside, const itk::ImageRegion<3>& search,
                             bool& touches_edge) {
  const auto whole = image.GetLargestPossibleRegion();
  itk::Index<3> lo, hi;
  lo.Fill(itk::NumericTraits<itk::IndexValueType>::max());
  hi.Fill(itk::NumericTraits<itk::IndexValueType>::min());
  ForEachVoxel(image, search, [&](const itk::Index<3>& index, typename TImage::PixelType v) {
    if (!inside(v)) return;
    for (int a = 0; a < 3; ++a) {
      lo[a] = std::min(lo[a], index[a]);
      hi[a] = std::max(hi[a], index[a]);
    }
  });
  if (lo[0] > hi[0]) return nullptr;
  auto mask = FloatImage::New();
  itk::ImageRegion<3> region;
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
  itk::ImageRegion<3> inner = region;
  inner.Crop(whole);
  ForEachVoxel(image, inner, [&](const itk::Index<3>& index, typename TImage::PixelType v) {
    if (inside(v)) mask->SetPixel(index, 1.0f);
  });
  return mask;
}

// Normalised Gaussian taps for sigma (in voxels), truncated at 3 sigma.
std::vector<float> GaussianTaps(double sigma_voxels) {
  const int radius = std::max(1, int(std::ceil(3.0 * sigma_voxels)));
  std::vector<float> taps(std::size_t(2 * radius + 1));
  double sum = 0.0;
  for (int k = -radius; k <= radius; ++k) sum += taps[std::size_t(k + radius)] = float(std::exp(-0.5 * k * k / (sigma_voxels * sigma_voxels)));
  for (float& t : taps) t = float(t / sum);
  return taps;
}

// Convolves `data` (sizes n) along `axis` with `taps`, zero beyond the ends.
void ConvolveAxis(std::vector<float>& data, const std::array<long, 3>& n, int axis, const std::vector<float>& taps) {
  const long radius = long(taps.size() / 2);
  const std::array<long, 3> stride{1, n[0], n[0] * n[1]};
  const long len = n[axis], step = stride[axis];
  std::vector<float> line(static_cast<std::size_t>(len)), out(static_cast<std::size_t>(len));
  const int a1 = (axis + 1) % 3, a2 = (axis + 2) % 3;
  for (long u = 0; u < n[a1]; ++u) {
    for (long v = 0; v < n[a2]; ++v) {
      const long base = u * stride[a1] + v * stride[a2];
      for (long i = 0; i < len; ++i) line[std::size_t(i)] = data[std::size_t(base + i * step)];
      for (long i = 0; i < len; ++i) {
        float acc = 0.0f;
        const long lo = std::max(0L, i - radius), hi = std::min(len - 1, i + radius);
        for (long j = lo; j <= hi; ++j) acc += taps[std::size_t(j - i + radius)] * line[std::size_t(j)];
        out[std::size_t(i)] = acc;
      }
      for (long i = 0; i < len; ++i) data[std::size_t(base + i * step)] = out[std::size_t(i)];
    }
  }
}

// Separable Gaussian of sigma kSigmaVoxels per axis (at most kMaxSigmaMm),
// zero outside the crop (the crop carries kPadVoxels of zero margin).
FloatImage::Pointer Smooth(const FloatImage& mask) {
  const auto region = mask.GetBufferedRegion();
  const std::array<long, 3> n{long(region.GetSize(0)), long(region.GetSize(1)), long(region.GetSize(2))};
  std::vector<float> data(mask.GetBufferPointer(), mask.GetBufferPointer() + region.GetNumberOfPixels());
  for (int a = 0; a < 3; ++a) {
    const double sigma_mm = std::min(kSigmaVoxels * mask.GetSpacing()[a], kMaxSigmaMm);
    ConvolveAxis(data, n, a, GaussianTaps(sigma_mm / mask.GetSpacing()[a]));
  }
  auto out = FloatImage::New();
  out->CopyInformation(&mask);
  out->SetRegions(region);
  out->Allocate();
  std::copy(data.begin(), data.end(), out->GetBufferPointer());
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
  ForEachVoxel(labels, labels.GetLargestPossibleRegion(), [&box](const itk::Index<3>& index, std::uint16_t v) {
    if (v == 0) return;
    auto found = box.find(v);
    if (found == box.end()) {
      box[v] = {index, index};
      return;
    }
    for (int a = 0; a < 3; ++a) {
      found->second.first[a] = std::min(found->second.first[a], index[a]);
      found->second.second[a] = std::max(found->second.second[a], index[a]);
    }
  });
  std::map<std::uint16_t, itk::ImageRegion<3>> out;
  for (const auto& [label, corners] : box) {
    itk::ImageRegion<3> region;
    region.SetIndex(corners.first);
    for (int a = 0; a < 3; ++a) region.SetSize(a, itk::SizeValueType(corners.second[a] - corners.first[a] + 1));
    out[label] = region;
  }
  return out;
}

double ClosestDistance2(Surface::Impl& impl, const double x[3]);

struct Surface::Impl {
  bool touches_edge = false;
  FloatImage::Pointer field;
  double level = 0.5;
  vtkSmartPointer<vtkPolyData> mesh;
  itk::LinearInterpolateImageFunction<FloatImage, double>::Pointer interpolator;
  vtkSmartPointer<vtkKdTreePointLocator> vertices;  // nearest mesh vertices
  vtkSmartPointer<vtkGenericCell> cell;               // scratch (one thread)
  vtkSmartPointer<vtkIdList> near;                    // scratch
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
  impl->mesh->BuildLinks();
  impl->vertices = vtkSmartPointer<vtkKdTreePointLocator>::New();
  impl->vertices->SetDataSet(impl->mesh);
  impl->vertices->BuildLocator();
  impl->cell = vtkSmartPointer<vtkGenericCell>::New();
  impl->near = vtkSmartPointer<vtkIdList>::New();
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

std::vector<std::array<std::size_t, 3>> Surface::Triangles() const {
  std::vector<std::array<std::size_t, 3>> out;
  vtkCellArray* polys = impl_->mesh->GetPolys();
  if (polys == nullptr) return out;
  polys->InitTraversal();
  vtkIdType n = 0;
  const vtkIdType* ids = nullptr;
  while (polys->GetNextCell(n, ids)) {
    if (n == 3) out.push_back({std::size_t(ids[0]), std::size_t(ids[1]), std::size_t(ids[2])});
  }
  return out;
}

bool Surface::Inside(const Vec3& point_mm) const {
  FloatImage::PointType p;
  for (int a = 0; a < 3; ++a) p[a] = point_mm[a];
  return impl_->interpolator->IsInsideBuffer(p) && impl_->interpolator->Evaluate(p) > impl_->level;
}

double Surface::SignedMm(const Vec3& point_mm) const {
  double x[3] = {point_mm[0], point_mm[1], point_mm[2]};
  const double unsigned_mm = std::sqrt(ClosestDistance2(*impl_, x));
  return Inside(point_mm) ? unsigned_mm : -unsigned_mm;
}

bool Surface::TouchesImageEdge() const { return impl_->touches_edge; }

// Squared distance from x to the mesh: the triangles around its nearest
// vertices. On a mesh this fine (edges under a voxel) and smooth, the closest
// point lies on a triangle touching one of the nearest vertices; a k-d tree
// finds those in logarithmic time, where a cell-bucket search grows with the
// cube of the distance.
double ClosestDistance2(Surface::Impl& impl, const double x[3]) {
  constexpr int kNearestVertices = 4;
  impl.vertices->FindClosestNPoints(kNearestVertices, x, impl.near);
  double best = std::numeric_limits<double>::infinity();
  for (vtkIdType k = 0; k < impl.near->GetNumberOfIds(); ++k) {
    vtkIdType count = 0;
    vtkIdType* cells = nullptr;
    impl.mesh->GetPointCells(impl.near->GetId(k), count, cells);
    for (vtkIdType c = 0; c < count; ++c) {
      impl.mesh->GetCell(cells[c], impl.cell);
      double closest[3], pcoords[3], weights[3], distance2 = 0.0;
      int sub_id = 0;
      impl.cell->EvaluatePosition(x, closest, sub_id, pcoords, distance2, weights);
      best = std::min(best, distance2);
    }
  }
  return best;
}

}  // namespace margo
