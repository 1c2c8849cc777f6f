// A phantom case with known truth: analytic anatomy, tumours and ablation
// zones defined in the pre-ablation CT's world (LPS mm), and a known map
// post -> pre (rigid + breathing, phantom_map.h). The post CT and its labels
// show the anatomy through that map on their own grid. Presets are named
// configurations (PresetNames); the seed only changes image noise and where
// the gas bubbles sit in the ablation zones, never the truth.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/geometry.h"
#include "testdata/generator/phantom_map.h"
#include "testdata/generator/star_shape.h"

namespace margo {

struct CaseTumour {
  std::uint16_t label = 0;  // in tumours.nii.gz (pre grid)
  StarShape tumour;         // pre world
  StarShape zone;           // pre world: the ablated tissue; label zone_label in ablation.nii.gz (post grid)
  std::uint16_t zone_label = 0;
};

struct GasBubble {
  Vec3 centre_mm{};  // pre world
  double radius_mm = 0.0;
};

struct CaseSpec {
  std::string preset;
  unsigned seed = 1;
  ImageGeometry pre_grid, post_grid;
  RigidTransform rigid;            // post -> pre, before the breathing deformation
  BreathingDeformation breathing;  // amplitude 0 = rigid only
  std::vector<CaseTumour> tumours;
  std::vector<GasBubble> gas;  // in the ablation zones (post CT only); from the seed
  double noise_hu = 15.0;      // standard deviation of the Gaussian image noise
  double blur_mm = 0.6;        // Gaussian blur (scanner resolution) before noise

  PhantomMap Map() const { return PhantomMap(rigid, breathing); }
};

std::vector<std::string> PresetNames();  // small, rigid, aligned, anisotropic, full

// Throws Error(kUsage) naming the preset and the known ones when `name` is unknown.
CaseSpec PresetSpec(const std::string& name, unsigned seed = 1);

// Checks the design: zones disjoint, every zone inside the liver and, mapped
// into the post CT, at least 3 mm inside its grid; tumours inside the pre grid.
// Throws Error(kInternal) naming the tumour when violated.
void ValidateCase(const CaseSpec& spec);

}  // namespace margo
