#include "margin/distance_map.h"

#include <itkImageRegionIterator.h>
#include <itkSignedMaurerDistanceMapImageFilter.h>

#include <algorithm>
#include <array>

namespace margo {
namespace {

// Voxels of value `value` that have a 6-neighbour of another value (voxels
// on the image border count only their neighbours inside the image).
MaskImage::Pointer FaceContour(const MaskImage& mask, MaskImage::PixelType value) {
  auto contour = MaskImage::New();
  contour->CopyInformation(&mask);
  contour->SetRegions(mask.GetLargestPossibleRegion());
  contour->Allocate();
  const auto size = mask.GetLargestPossibleRegion().GetSize();
  const std::array<long, 3> n{long(size[0]), long(size[1]), long(size[2])};
  const std::array<long, 3> stride{1, n[0], n[0] * n[1]};
  const MaskImage::PixelType* in = mask.GetBufferPointer();
  MaskImage::PixelType* out = contour->GetBufferPointer();
  for (long k = 0; k < n[2]; ++k) {
    for (long j = 0; j < n[1]; ++j) {
      for (long i = 0; i < n[0]; ++i) {
        const long at = i + j * stride[1] + k * stride[2];
        const std::array<long, 3> idx{i, j, k};
        bool edge = false;
        for (int a = 0; a < 3 && !edge && in[at] == value; ++a) {
          edge = (idx[a] > 0 && in[at - stride[a]] != value) || (idx[a] + 1 < n[a] && in[at + stride[a]] != value);
        }
        out[at] = edge ? 1 : 0;
      }
    }
  }
  return contour;
}

// Euclidean distance (mm) from each voxel centre to the nearest voxel centre
// of `set` (0 on the set). Maurer's transform is exact outside the set, which
// is all that is kept.
FloatImage::Pointer DistanceToSet(const MaskImage& set) {
  using Filter = itk::SignedMaurerDistanceMapImageFilter<MaskImage, FloatImage>;
  auto filter = Filter::New();
  filter->SetInput(&set);
  // Every flag explicit: defaults differ between ITK versions and wrappers.
  filter->SetUseImageSpacing(true);    // millimetres, not voxels
  filter->SetSquaredDistance(false);   // distances, not squared distances
  filter->SetInsideIsPositive(false);  // positive outside the set: the part we keep
  filter->SetBackgroundValue(0);
  filter->Update();
  FloatImage::Pointer out = filter->GetOutput();
  out->DisconnectPipeline();
  return out;
}

}  // namespace

FloatImage::Pointer SignedDistanceMm(const MaskImage& mask) {
  FloatImage::Pointer to_inner = DistanceToSet(*FaceContour(mask, 1));
  const FloatImage::Pointer to_outer = DistanceToSet(*FaceContour(mask, 0));
  itk::ImageRegionIterator<FloatImage> a(to_inner, to_inner->GetLargestPossibleRegion());
  itk::ImageRegionConstIterator<FloatImage> b(to_outer, to_outer->GetLargestPossibleRegion());
  itk::ImageRegionConstIterator<MaskImage> m(&mask, mask.GetLargestPossibleRegion());
  for (; !a.IsAtEnd(); ++a, ++b, ++m) {
    const float mean = 0.5f * (std::max(a.Get(), 0.0f) + std::max(b.Get(), 0.0f));
    a.Set(m.Get() != 0 ? mean : -mean);
  }
  return to_inner;
}

}  // namespace margo
