#include "registration/label_mapping.h"

#include <itkNearestNeighborInterpolateImageFunction.h>
#include <itkResampleImageFilter.h>

#include "registration/itk_transform.h"

namespace margo {
namespace {

LabelImage::Pointer Resample(const LabelImage& labels, const itk::Transform<double, 3, 3>* output_to_input,
                             const itk::ImageBase<3>& grid) {
  auto resampler = itk::ResampleImageFilter<LabelImage, LabelImage>::New();
  resampler->SetInput(&labels);
  resampler->SetTransform(output_to_input);
  resampler->SetInterpolator(itk::NearestNeighborInterpolateImageFunction<LabelImage, double>::New());
  resampler->SetOutputParametersFromImage(&grid);
  resampler->SetDefaultPixelValue(0);
  resampler->Update();
  LabelImage::Pointer out = resampler->GetOutput();
  out->DisconnectPipeline();
  return out;
}

}  // namespace

LabelImage::Pointer MapPreLabelsToPost(const LabelImage& pre_labels, const RigidTransform& post_to_pre,
                                       const itk::ImageBase<3>& post_grid) {
  return Resample(pre_labels, ToItk(post_to_pre), post_grid);
}

LabelImage::Pointer MapPostLabelsToPre(const LabelImage& post_labels, const RigidTransform& post_to_pre,
                                       const itk::ImageBase<3>& pre_grid) {
  auto inverse = ItkRigid::New();
  ToItk(post_to_pre)->GetInverse(inverse);
  return Resample(post_labels, inverse, pre_grid);
}

}  // namespace margo
