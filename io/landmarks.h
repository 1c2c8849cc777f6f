// Landmark files: corresponding anatomical points picked on the pre and on
// the post CT, which give the registration's target error (TRE). Format
// (docs/REGISTRATION.md): one point per line, `x,y,z` or `name,x,y,z`, LPS
// millimetres; blank lines and lines starting with '#' are ignored, and so
// is a first line that is a header (its coordinates are not numbers).
#pragma once

#include <string>
#include <vector>

#include "core/geometry.h"

namespace margo {

struct Landmark {
  std::string name;  // empty when the file has none
  Vec3 lps_mm{};
};

// Throws Error(kInputUnreadable) naming the file, the line, what was found
// and what was expected.
std::vector<Landmark> ReadLandmarks(const std::string& path);

// The pairs (pre[i], post[i]): same count, at least one, and where both
// files name their points the same names in the same order. Throws
// Error(kInputUnreadable) otherwise.
void RequireLandmarkPairs(const std::vector<Landmark>& pre, const std::string& pre_path,
                          const std::vector<Landmark>& post, const std::string& post_path);

}  // namespace margo
