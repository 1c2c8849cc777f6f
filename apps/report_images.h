// What the picture and file writers need beyond the numbers: the images a
// run measured on and the map between the scans. Filled by RunAssess and
// RunMargin; the report writers only read it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "core/image_types.h"
#include "margin/vertex_margins.h"
#include "registration/scan_map.h"

namespace margo {

class Surface;  // margin/surface.h

struct ReportImages {
  CtImage::Pointer post_ct;        // null for `margo margin` (no CT)
  CtImage::Pointer pre_ct;         // null for `margo margin`
  LabelImage::Pointer tumours;     // tumour labels as loaded (after label selection), pre space
  LabelImage::Pointer zones;       // ablation labels as loaded (after label selection), post space
  std::vector<std::uint16_t> zone_labels;  // every selected zone label, also those beyond the post CT
  ScanMap post_to_pre;             // identity when not registered
  std::map<std::uint16_t, std::vector<std::uint16_t>> zone_map;  // tumour -> zone labels; empty: union
  // The margin kernel's surface of every tumour it found in `tumours`: the
  // margin maps draw these instead of building them again.
  std::map<std::uint16_t, std::shared_ptr<const Surface>> tumour_surfaces;
  // And its surface of the union of all zones (null if it found no tumour).
  std::shared_ptr<const Surface> zone_union_surface;
  // And each measured tumour's vertices in the measuring space with the
  // signed margin at each (margin/tumour_margin.h).
  std::map<std::uint16_t, VertexMargins> vertex_margins;
};

}  // namespace margo
