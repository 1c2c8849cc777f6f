// What the deformable stage's metric reads at each resolution level: the
// images smoothed (and the moving one block-averaged) to the level, and a
// fixed set of random sample points of the fixed region, away from the
// lesions in both scans.
#pragma once

#include "core/image_types.h"
#include "registration/bspline_grid.h"
#include "registration/mattes_cost.h"

namespace margo {

// `image` block-averaged by whole factors to voxels of at most 0.7 x
// `level_spacing_mm` per axis (never finer than it is) and smoothed by a
// Gaussian of `sigma_mm` (registration/gaussian_blur.h; none at 0).
CtImage::Pointer LevelImage(const CtImage& image, double level_spacing_mm, double sigma_mm);

// A view of `image`'s buffer for LinearImage.
LinearImage ViewOf(const CtImage& image);

// Up to `count` points drawn uniformly over `fixed` (seeded: the same points
// every run) where `fixed_keep` is 1 and, carried by `rigid` into the moving
// scan, `moving_keep` is 1 too (a null mask keeps everything); with the
// intensity of each in `fixed` smoothed by a Gaussian of `sigma_mm` (none at
// 0; computed at the points only) and, given a grid, its B-spline support.
FixedSamples DrawSamples(const CtImage& fixed, double sigma_mm, const MaskImage* fixed_keep,
                         const MaskImage* moving_keep, const RigidAffine& rigid, const BSplineGrid* grid,
                         unsigned count, unsigned seed);

}  // namespace margo
