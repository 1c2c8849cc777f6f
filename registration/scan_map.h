// The map between the two scans that margins are measured through: the
// rigid map alone, or the rigid map with the deformable stage on top
// (deformable.h). Same direction as ITK resamples: post point -> pre point.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "core/geometry.h"
#include "registration/deformable.h"
#include "registration/rigid_transform.h"

namespace margo {

class ScanMap {
 public:
  ScanMap() = default;  // identity
  explicit ScanMap(const RigidTransform& rigid)
      : rigid_(rigid), forward_(rigid.ForwardAffine()), inverse_(rigid.InverseAffine()) {}
  explicit ScanMap(const DeformableMap& map) : ScanMap(map.rigid()) { deformable_ = map; }

  Vec3 Apply(const Vec3& post) const { return deformable_ ? deformable_->PostToPre(post) : forward_.Apply(post); }
  Vec3 ApplyInverse(const Vec3& pre) const {
    return deformable_ ? deformable_->PreToPost(pre) : inverse_.Apply(pre);
  }
  // Apply at `count` points (pre[i] for post[i]); faster than one by one
  // along the rows of an image (DeformableMap::PostToPre).
  void Apply(const Vec3* post, std::size_t count, Vec3* pre) const {
    if (deformable_) return deformable_->PostToPre(post, count, pre);
    for (std::size_t i = 0; i < count; ++i) pre[i] = forward_.Apply(post[i]);
  }
  // The maps as functions, for many points.
  std::function<Vec3(const Vec3&)> PostToPre() const {
    if (!deformable_) return rigid_.PostToPre();
    const DeformableMap map = *deformable_;
    return [map](const Vec3& p) { return map.PostToPre(p); };
  }
  std::function<Vec3(const Vec3&)> PreToPost() const {
    if (!deformable_) return rigid_.PreToPost();
    const DeformableMap map = *deformable_;
    return [map](const Vec3& p) { return map.PreToPost(p); };
  }
  const RigidTransform& rigid() const { return rigid_; }
  const std::optional<DeformableMap>& deformable() const { return deformable_; }

 private:
  RigidTransform rigid_;
  RigidAffine forward_, inverse_;  // rigid_ as matrix and offset, for Apply and ApplyInverse
  std::optional<DeformableMap> deformable_;
};

}  // namespace margo
