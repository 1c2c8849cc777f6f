// Reading DICOM Segmentation objects (SEG, binary or fractional) into masks,
// one per segment, on the grid their frames define. The geometry comes from
// each frame's Plane Position and the Plane Orientation and Pixel Measures
// (shared or per frame): frames may come in any order and only where a
// segment is present; nothing assumes an identity direction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/geometry.h"
#include "core/image_types.h"
#include "io/frame_grid.h"

namespace margo {

struct DicomSegment {
  std::uint16_t number = 0;  // Segment Number (0062,0004), from 1
  std::string label;         // Segment Label (0062,0005)
  std::string type_meaning;  // Segmented Property Type, code meaning
  MaskImage::Pointer mask;   // 0/1 on DicomSegmentation::grid
};

struct DicomSegmentation {
  std::string sop_instance_uid, series_uid, study_uid;
  std::string frame_of_reference;                   // (0020,0052)
  std::vector<std::string> referenced_series_uids;  // Referenced Series Sequence (0008,1115)
  bool fractional = false;  // fractional values are thresholded at half the Maximum Fractional Value
  ImageGeometry grid;       // the slices the frames lie on, gaps filled with empty slices, plus
                            // one empty slice either side (io/frame_grid.h)
  std::vector<DicomSegment> segments;  // in Segment Number order
};

// Reads `path`. `only` (segment numbers) limits which segments are read;
// empty: all. Throws Error(kInputUnreadable) for an unreadable file or a
// file that is not a SEG, Error(kGeometryInvalid) for frames that do not
// lie on one regular grid (naming the frame, the value found and expected),
// Error(kSegmentationInvalid) for an unknown segment number in `only`.
// `ct`: the slice planes of the CT it belongs to, when known (io/frame_grid.h).
DicomSegmentation ReadDicomSeg(const std::string& path, const std::string& role,
                               const std::vector<std::uint16_t>& only = {},
                               const std::optional<CtSlicePlanes>& ct = std::nullopt);

}  // namespace margo
