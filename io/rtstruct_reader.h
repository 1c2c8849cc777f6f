// Reading RT Structure Sets (RTSTRUCT): each ROI's planar contours, and
// rasterising them onto the grid of the CT they were drawn on.
#pragma once

#include <string>
#include <vector>

#include "core/geometry.h"
#include "core/image_types.h"

namespace margo {

struct RtContour {
  std::vector<Vec3> points_mm;  // Contour Data (3006,0050), LPS; closed polygon
};

struct RtRoi {
  int number = 0;                   // ROI Number (3006,0022)
  std::string name;                 // ROI Name (3006,0026)
  std::vector<RtContour> contours;  // CLOSED_PLANAR contours only
};

struct RtStructureSet {
  std::string sop_instance_uid, series_uid, study_uid;
  std::string frame_of_reference;                   // Referenced Frame of Reference (3006,0010)
  std::vector<std::string> referenced_series_uids;  // RT Referenced Series (3006,0014)
  std::vector<RtRoi> rois;                          // in Structure Set ROI Sequence order
};

// Throws Error(kInputUnreadable) for an unreadable file or one that is not an
// RT Structure Set.
RtStructureSet ReadRtStruct(const std::string& path, const std::string& role);

// Voxels of `grid` whose centres lie inside the ROI's contours (even-odd rule
// per slice, so a contour inside another makes a hole). Each contour must lie
// in one slice plane of `grid` (within a quarter of the slice spacing):
// otherwise Error(kGeometryInvalid) naming the ROI and the distance.
MaskImage::Pointer RasteriseRoi(const RtRoi& roi, const itk::ImageBase<3>& grid, const std::string& role,
                                const std::string& path);

}  // namespace margo
