// A small abdominal CT phantom pair with known truth, for the end-to-end test
// and the README quick start. The full phantom generator (shapes, presets,
// deformation) is its own issue; this one is spheres under a rigid map.
//
// Anatomy is defined analytically in the pre-CT's world (LPS mm). The
// post-CT sees it through a known rigid map post -> pre, on another grid.
// Each tumour sphere sits in an ablation sphere, so the minimal margin is
// closed form: zone_radius - |tumour_centre - zone_centre| - tumour_radius.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/geometry.h"
#include "registration/rigid_transform.h"

namespace margo {

struct PhantomGrid {
  std::array<std::size_t, 3> size{};
  Vec3 spacing_mm{};
  Vec3 origin_mm{};  // identity direction
};

struct PhantomTumour {
  std::uint16_t label = 0;
  Vec3 centre_mm{};       // pre world
  double radius_mm = 0.0;
  Vec3 zone_centre_mm{};  // pre world
  double zone_radius_mm = 0.0;
  double TrueMinMarginMm() const;
};

struct PhantomSpec {
  PhantomGrid pre_grid, post_grid;
  RigidTransform post_to_pre;
  std::vector<PhantomTumour> tumours;
  double noise_hu = 12.0;
  unsigned seed = 1;
};

PhantomSpec SmallPhantomSpec();

// Writes pre_ct.nii.gz, post_ct.nii.gz, tumours.nii.gz (pre grid),
// ablation.nii.gz (post grid), pre_liver.nii.gz, post_liver.nii.gz and
// truth.json into `dir` (created if needed). An earlier case's truth.json
// goes first and this one's comes last: a write that fails midway leaves no
// truth beside images it does not describe.
void WritePhantom(const PhantomSpec& spec, const std::string& dir);

// truth.json's content: the transform and per tumour the closed-form margin.
std::string TruthJson(const PhantomSpec& spec);

}  // namespace margo
