#include "apps/registration_quality.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numeric>

#include "registration/map_region.h"

namespace margo {

LiverDice LiverDiceOf(const LabelImage& pre_liver, const LabelImage& post_liver, const ScanMap& post_to_pre) {
  // Outside this region there is neither post liver nor pre liver carried over.
  const itk::ImageRegion<3> post_region = NonZeroRegion(post_liver);
  const itk::ImageRegion<3> region =
      RegionUnion(RegionUnion(post_region, PostRegionReaching(post_liver, pre_liver, ScanMap{})),
                  PostRegionReaching(post_liver, pre_liver, post_to_pre));
  std::atomic<std::size_t> post{0}, pre_before{0}, both_before{0}, pre_after{0}, both_after{0};
  const auto pre_region = pre_liver.GetLargestPossibleRegion();
  auto in_pre = [&](const Vec3& p) {
    const itk::Index<3> index = pre_liver.TransformPhysicalPointToIndex(LabelImage::PointType(p.data()));
    return pre_region.IsInside(index) && pre_liver.GetPixel(index) != 0;
  };
  ParallelOverMappedRows(post_liver, region, post_to_pre, [&](const MappedRow& row) {
    std::size_t n_post = 0, n_before = 0, n_both_before = 0, n_after = 0, n_both_after = 0;
    itk::Index<3> at = row.first;
    for (std::size_t i = 0; i < row.post.size(); ++i, ++at[0]) {
      const bool in_post = post_liver.GetPixel(at) != 0;
      const bool before = in_pre(row.post[i]);
      const bool after = in_pre(row.pre[i]);
      n_post += in_post;
      n_before += before;
      n_both_before += before && in_post;
      n_after += after;
      n_both_after += after && in_post;
    }
    post += n_post;
    pre_before += n_before;
    both_before += n_both_before;
    pre_after += n_after;
    both_after += n_both_after;
  });
  auto dice = [&](std::size_t pre, std::size_t both) {
    return post + pre > 0 ? 2.0 * double(both) / double(post + pre) : 0.0;
  };
  return {dice(pre_before, both_before), dice(pre_after, both_after)};
}

std::vector<double> TargetErrors(const std::vector<Landmark>& pre, const std::vector<Landmark>& post,
                                 const ScanMap& post_to_pre) {
  std::vector<double> errors;
  for (std::size_t i = 0; i < pre.size() && i < post.size(); ++i) {
    const Vec3 mapped = post_to_pre.Apply(post[i].lps_mm);
    double sum = 0.0;
    for (int a = 0; a < 3; ++a) sum += (mapped[a] - pre[i].lps_mm[a]) * (mapped[a] - pre[i].lps_mm[a]);
    errors.push_back(std::sqrt(sum));
  }
  return errors;
}

double LandmarkErrors::MeanBefore() const {
  return before_mm.empty()
             ? 0.0
             : std::accumulate(before_mm.begin(), before_mm.end(), 0.0) / double(before_mm.size());
}

double LandmarkErrors::MeanFinal() const {
  return final_mm.empty() ? 0.0 : std::accumulate(final_mm.begin(), final_mm.end(), 0.0) / double(final_mm.size());
}

double LandmarkErrors::MaxFinal() const {
  return final_mm.empty() ? 0.0 : *std::max_element(final_mm.begin(), final_mm.end());
}

double LandmarkErrors::RmsFinal() const {
  double sum = 0.0;
  for (double e : final_mm) sum += e * e;
  return final_mm.empty() ? 0.0 : std::sqrt(sum / double(final_mm.size()));
}

}  // namespace margo
