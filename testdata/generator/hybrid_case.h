// Hybrid phantom: real anatomy, simulated ablation. The pre CT is a real CT
// with its tumour labels; the post CT is that CT seen through a known map
// (a preset's rigid + breathing motion, centred on the liver) on a coarser
// grid, with a spherical ablation zone painted around each chosen tumour.
// Zone radii are chosen for target minimal margins (12, 7, 2.5, -2 mm, in
// turn), so the pre-space truth on the real tumour surface is closed form:
// the margin at a surface point p is R - |p - c|. The tumour surface is its
// mask's voxel-face boundary, sampled 3 x 3 per face with the face's area.
// Post-space truth carries those samples and the zone's dense mesh through
// the map (phantom_truth.h); sample areas are the pre-space ones (exact for
// a rigid map; the breathing map changes areas by under 10 %).
// Real data is read, never copied into the repository: the case folder is
// wherever --out points.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace margo {

class Log;

struct HybridParams {
  std::string ct;                 // REQUIRED: real CT (DICOM folder or image file)
  std::string labels;             // REQUIRED: label map on the CT's grid
  std::uint16_t liver_label = 1;  // Default: 1 (3D-IRCADb convention)
  double min_tumour_ml = 1.0;     // Default: 1 mL; smaller tumours are left out
  std::string preset = "small";   // motion taken from this preset (PresetSpec)
  unsigned seed = 1;
};

// Like WriteCase (case_writer.h), removes an earlier case's truth.json before
// its first file and writes its own last. Throws margo::Error.
void WriteHybridCase(const HybridParams& params, const std::string& dir, Log& log);

}  // namespace margo
