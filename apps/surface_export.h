// Surfaces for other tools (3D Slicer, ParaView): VTK XML PolyData (.vtp),
// points in LPS millimetres, with point arrays
//   margin_mm    signed margin (tumours; see margin_map.h for the zone),
//   margin_rgb   the report's colour for that margin (3 x uint8; ParaView:
//                untick "Map Scalars"; Slicer: scalar colour "direct"),
//   tumour_label the tumour's label value (tumours file only).
// Field data SPACE = "LPS" tells 3D Slicer the coordinate system. Written
// atomically.
#pragma once

#include <filesystem>

#include "apps/margin_map.h"
#include "margin/category.h"

namespace margo {

// All tumour meshes in one file.
void WriteTumourSurfaces(const MarginMaps& maps, const CategoryThresholds& thresholds,
                         const std::filesystem::path& path);
// The ablation zone's mesh. REQUIRES: maps.zone.
void WriteZoneSurface(const MarginMaps& maps, const CategoryThresholds& thresholds,
                      const std::filesystem::path& path);

}  // namespace margo
