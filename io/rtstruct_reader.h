// Reading RT Structure Sets (RTSTRUCT): each ROI's planar contours, and
// rasterising them onto the grid of the CT they were drawn on.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/geometry.h"
#include "core/image_types.h"

namespace margo {

struct RtContour {
  std::vector<Vec3> points_mm;         // Contour Data (3006,0050), LPS; a polygon when closed
  std::string type = "CLOSED_PLANAR";  // Contour Geometric Type (3006,0042)
};

struct RtRoi {
  int number = 0;                   // ROI Number (3006,0022)
  std::string name;                 // ROI Name (3006,0026)
  std::vector<RtContour> contours;  // all of them, whatever their type (RasteriseRoi refuses others)
};

struct RtStructureSet {
  std::string sop_instance_uid, series_uid, study_uid;
  std::string frame_of_reference;                   // Referenced Frame of Reference (3006,0010)
  std::vector<std::string> referenced_series_uids;  // RT Referenced Series (3006,0014)
  std::vector<RtRoi> rois;                          // in Structure Set ROI Sequence order
  // Read with a selection: ROIs left out because their ROI Number is not
  // one integer, as "'name' ('text')", for a message if a chosen number is missing.
  std::vector<std::string> unnumbered;
};

// Throws Error(kInputUnreadable) for an unreadable file or one that is not an
// RT Structure Set; Error(kSegmentationInvalid) for an ROI Number or
// Referenced ROI Number that is not one integer, one ROI Number given to two
// ROIs (their contours would merge into one structure), or Contour Data
// that is not x\y\z triplets; Error(kGeometryInvalid) for Contour Data
// that is not decimal numbers ("1,5" is no number). With `only` (ROI
// numbers), the ROIs not among them are neither checked nor read: a
// clinical structure set often holds points, markers or body outlines that
// would fail these checks, and only the ROIs asked for become labels.
RtStructureSet ReadRtStruct(const std::string& path, const std::string& role,
                            const std::vector<std::uint16_t>& only = {});

// Voxels of `grid` whose centres lie inside the ROI's contours (even-odd rule
// per slice, so a contour inside another makes a hole). Refused, naming the
// ROI: a contour that is not CLOSED_PLANAR (an open line or a point encloses
// no volume: leaving it out would cut the structure short), Error(
// kSegmentationInvalid); a contour off the slice planes of `grid` (more than
// a quarter of the slice spacing) or beyond the grid's extent, along the
// slice axis or in-plane, Error(kGeometryInvalid) naming the extents.
MaskImage::Pointer RasteriseRoi(const RtRoi& roi, const itk::ImageBase<3>& grid, const std::string& role,
                                const std::string& path);

}  // namespace margo
