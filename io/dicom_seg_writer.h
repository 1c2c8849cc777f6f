// Writing a DICOM Segmentation (SEG, binary) on the grid of a DICOM CT
// series: one segment per structure, frames only where a segment is present,
// each frame referencing the CT slice it lies on.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/image_types.h"
#include "io/dicom_series.h"

namespace margo {

// Coded meaning of a segment (docs/REPORT.md, "DICOM outputs"):
// tumour = SCT 108369006 "Neoplasm", ablation zone = SCT 6574001 "Necrosis"
// (thermal coagulation necrosis), both in the category SCT 49755003
// "Morphologically abnormal structure", anatomic region SCT 10200004 "Liver";
// liver = SCT 10200004 "Liver" in the category SCT 91723000 "Anatomical structure".
enum class SegmentKind { kTumour, kAblationZone, kLiver };

struct SegmentSpec {
  std::string label;        // Segment Label, e.g. "Tumour 2"
  std::string description;  // Segment Description (optional)
  SegmentKind kind = SegmentKind::kTumour;
  const LabelImage* labels = nullptr;  // REQUIRES: on the CT's grid
  std::vector<std::uint16_t> values;   // voxels holding any of these form the segment
};

struct SegSpec {
  DicomSeriesRef ct;                        // REQUIRES: the CT series; one SOP instance per slice of `grid`
  const itk::ImageBase<3>* grid = nullptr;  // REQUIRES: that CT's grid
  std::vector<SegmentSpec> segments;        // REQUIRES: at least one
  std::string series_description = "margo segmentation";
  int series_number = 900;
  std::string uid_seed;          // SOP instance and series UIDs derive from it (io/dicom_object.h)
  std::string software_version;  // Software Versions (0018,1020)
};

struct WrittenSeg {
  std::string sop_instance_uid, series_uid, study_uid;
  std::vector<std::uint16_t> segment_numbers;  // of segments[i]: i + 1
  std::size_t frames = 0;
  // Patient and study values of the CT that had to be changed to be written
  // (dcmtk::MakeStringsWritable): one line each, for a warning.
  std::vector<std::string> repaired_source_values;
};

// Writes `path` atomically. A segment with no voxel still gets one empty
// frame (a SEG needs a frame per segment). Throws Error(kOutputFailed), or
// Error(kInternal) when a label map is not on `grid` or the CT reference
// does not fit it.
WrittenSeg WriteDicomSeg(const SegSpec& spec, const std::string& path);

}  // namespace margo
