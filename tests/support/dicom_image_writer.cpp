#include "tests/support/dicom_image_writer.h"

#include <gdcmUIDGenerator.h>

#include <algorithm>
#include <cmath>

#include "tests/support/dicom_writer.h"

namespace margo::testing {

std::size_t WriteCtAsDicomSeries(const CtImage& image, const std::string& folder, const DicomSeriesIds& ids) {
  const auto size = image.GetLargestPossibleRegion().GetSize();
  const auto& spacing = image.GetSpacing();
  const auto& direction = image.GetDirection();
  std::vector<SyntheticSlice> slices(size[2]);
  for (std::size_t k = 0; k < size[2]; ++k) {
    SyntheticSlice& s = slices[k];
    s.file_name = "slice_" + std::to_string(k) + ".dcm";
    s.study_uid = ids.study_uid;
    s.series_uid = ids.series_uid;
    s.frame_of_reference = ids.frame_of_reference;
    s.modality = ids.modality;
    s.description = ids.description;
    s.instance = static_cast<int>(k) + 1;
    CtImage::IndexType first{{0, 0, static_cast<itk::IndexValueType>(k)}};
    CtImage::PointType p;
    image.TransformIndexToPhysicalPoint(first, p);
    for (int a = 0; a < 3; ++a) s.position_mm[a] = p[a];
    s.orientation = {direction[0][0], direction[1][0], direction[2][0],
                     direction[0][1], direction[1][1], direction[2][1]};
    s.pixel_spacing_mm = {spacing[1], spacing[0]};  // row spacing (between rows), column spacing
    s.slice_thickness_mm = spacing[2];
    s.rows = static_cast<unsigned>(size[1]);
    s.columns = static_cast<unsigned>(size[0]);
    s.rescale_intercept = -1024.0;
    s.pixels.resize(std::size_t(s.rows) * s.columns);
    for (unsigned r = 0; r < s.rows; ++r) {
      for (unsigned c = 0; c < s.columns; ++c) {
        const CtImage::IndexType index{
            {itk::IndexValueType(c), itk::IndexValueType(r), static_cast<itk::IndexValueType>(k)}};
        const float hu = image.GetPixel(index);
        const double stored = std::clamp(std::round(double(hu)) + 1024.0, -32768.0, 32767.0);
        s.pixels[std::size_t(r) * s.columns + c] = static_cast<std::int16_t>(stored);
      }
    }
  }
  WriteDicomSeries(folder, slices);
  return slices.size();
}

std::string NewUid() {
  gdcm::UIDGenerator generator;
  return generator.Generate();
}

}  // namespace margo::testing
