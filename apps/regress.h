// `margo regress SUITE`: runs assess in-process on every case folder of a
// phantom suite and compares each tumour's minimal margin and category with
// the case's truth.json (docs/PHANTOM.md). A case folder holds pre_ct.nii.gz,
// post_ct.nii.gz, tumours.nii.gz, ablation.nii.gz and truth.json; SUITE is a
// folder of case folders, or one case folder.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "apps/assess.h"
#include "core/log.h"

namespace margo {

struct RegressParams {
  std::string suite;  // REQUIRED: folder of case folders, or one case folder
  // Tolerance on the minimal margin (mm). Default (< 0): per case, the margin
  // kernel's bound kKernelErrorBoundVoxels x the largest voxel spacing of the two label maps,
  // plus kRegistrationUncertaintyMm (assess.h).
  double tolerance_mm = -1.0;
  RegistrationMode registration = RegistrationMode::kDeformable;  // Default: deformable
};



struct RegressRow {
  std::string case_name;
  std::uint16_t label = 0;
  double truth_mm = 0.0, measured_mm = 0.0, tolerance_mm = 0.0;
  std::string truth_category, measured_category;
  bool borderline = false;  // truth within the tolerance of a category threshold: category may differ
  bool pass = false;
  std::string problem;  // why it failed, when it did
};

struct RegressResult {
  std::vector<RegressRow> rows;
  std::size_t cases = 0;
  std::vector<std::string> case_errors;  // cases that could not be run, "case: message"
  bool Passed() const;
};

// Throws Error(kInputUnreadable) naming SUITE when it is missing, not a
// folder (a file: "is a file") or holds no case.
std::vector<std::string> FindCases(const std::string& suite);

RegressResult RunRegress(const RegressParams& params, Log& log);

// One row per tumour (truth, measured, error, tolerance, categories, verdict)
// and a summary line counting cases and tumours apart: "summary: 2 cases:
// 1 passed, 1 failed (1 could not be run); 6 tumours: 6 passed, 0 failed; ...".
std::string RegressTable(const RegressResult& result);

}  // namespace margo
