// The image types margo works with. World coordinates are ITK/DICOM LPS in
// millimetres; every image carries its own origin, spacing and direction.
#pragma once

#include <cstdint>

#include <itkImage.h>

namespace margo {

constexpr unsigned int kDim = 3;
using CtImage = itk::Image<float, kDim>;          // Hounsfield units
using LabelImage = itk::Image<std::uint16_t, kDim>;  // 0 = background
using MaskImage = itk::Image<std::uint8_t, kDim>;    // 0 / 1
using FloatImage = itk::Image<float, kDim>;       // distance maps (mm)

}  // namespace margo
