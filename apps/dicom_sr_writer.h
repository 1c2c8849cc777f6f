// The per-tumour results as a DICOM Structured Report: a TID 1500
// Measurement Report with one TID 1411 volumetric ROI group per tumour,
// each referencing its segment in margo's SEG and the CT series the
// segmentation was made on (docs/REPORT.md, "DICOM outputs").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/dicom_series.h"

namespace margo {

struct SrTumour {
  std::uint16_t label = 0;           // tumour label value
  std::uint16_t segment_number = 0;  // its segment in the SEG
  bool assessable = false;
  std::string not_assessable_reason;
  double min_margin_mm = 0.0, p5_mm = 0.0;
  std::optional<double> coverage_5mm_percent, coverage_10mm_percent;  // surface coverage
  std::string category;                                               // "A0", "A1", "A2", "incomplete"
  std::string category_reason;  // set when the category is not the minimal margin's (TumourMargin)
};

struct SrSpec {
  DicomSeriesRef ct;                 // REQUIRES: the CT the SEG lies on (patient and study come from it)
  std::string seg_path;              // REQUIRES: the SEG written for this report
  std::string registration_verdict;  // "pass", "warn", "fail"; empty: not registered
  std::vector<SrTumour> tumours;
  std::string uid_seed;
  std::string software_version;
};

struct WrittenSr {
  std::string sop_instance_uid, series_uid;
};

// Writes `path` atomically (Enhanced SR storage). Throws Error(kOutputFailed).
WrittenSr WriteMeasurementReport(const SrSpec& spec, const std::string& path);

}  // namespace margo
