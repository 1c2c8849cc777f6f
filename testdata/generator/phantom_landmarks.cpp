#include "testdata/generator/phantom_landmarks.h"

#include <cmath>
#include <cstdio>
#include <vector>

#include "core/atomic_file.h"

namespace margo {
namespace {

std::string Csv(const std::vector<Vec3>& points) {
  std::string text = "name,x_mm,y_mm,z_mm\n";
  char line[128];
  for (std::size_t i = 0; i < points.size(); ++i) {
    std::snprintf(line, sizeof line, "L%03zu,%.4f,%.4f,%.4f\n", i + 1, points[i][0], points[i][1],
                  points[i][2]);
    text += line;
  }
  return text;
}

}  // namespace

std::size_t WriteLandmarkPairs(const PhantomMap& map, const ImageGeometry& post_grid,
                               const std::function<bool(const Vec3&)>& in_liver_pre, const std::string& dir) {
  std::array<double, 3> step{};
  for (int a = 0; a < 3; ++a)
    step[std::size_t(a)] = kLandmarkSpacingMm / post_grid.spacing_mm[std::size_t(a)];
  std::vector<Vec3> post, pre;
  for (double k = 0.5 * step[2]; k < double(post_grid.size[2]) - 1; k += step[2]) {
    for (double j = 0.5 * step[1]; j < double(post_grid.size[1]) - 1; j += step[1]) {
      for (double i = 0.5 * step[0]; i < double(post_grid.size[0]) - 1; i += step[0]) {
        const Vec3 q = post_grid.IndexToPoint({i, j, k});
        const Vec3 p = map.PostToPre(q);
        if (!in_liver_pre(p)) continue;
        post.push_back(q);
        pre.push_back(p);
      }
    }
  }
  WriteFileAtomically(dir + "/landmarks_post.csv", Csv(post));
  WriteFileAtomically(dir + "/landmarks_pre.csv", Csv(pre));
  return post.size();
}

}  // namespace margo
