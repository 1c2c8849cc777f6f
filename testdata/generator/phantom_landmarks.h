// Landmark pairs with known correspondence for a phantom case: points on a
// regular lattice over the post CT that lie in the liver, and their images
// in the pre CT through the known map. `margo assess --landmarks-pre
// landmarks_pre.csv --landmarks-post landmarks_post.csv` then reports the
// registration's error over the liver (docs/PHANTOM.md).
#pragma once

#include <functional>
#include <string>

#include "core/geometry.h"
#include "testdata/generator/phantom_map.h"

namespace margo {

// Lattice spacing (mm) of the landmarks.
inline constexpr double kLandmarkSpacingMm = 15.0;

// Writes landmarks_pre.csv and landmarks_post.csv (name,x,y,z in LPS mm)
// into `dir`: every lattice point of `post_grid` whose pre image satisfies
// `in_liver_pre`. Returns the number of pairs.
std::size_t WriteLandmarkPairs(const PhantomMap& map, const ImageGeometry& post_grid,
                               const std::function<bool(const Vec3&)>& in_liver_pre, const std::string& dir);

}  // namespace margo
