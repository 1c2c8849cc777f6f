// `margo regress SUITE`: runs assess in-process on every case folder of a
// phantom suite and compares each tumour's minimal margin and category with
// the case's truth.json (docs/PHANTOM.md). A case folder holds pre_ct.nii.gz,
// post_ct.nii.gz, tumours.nii.gz, ablation.nii.gz and truth.json; SUITE is a
// folder of case folders, or one case folder.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
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

// One tumour of one case: in the truth, measured, or (a failure) only one of them.
struct RegressRow {
  std::string case_name;
  std::uint16_t label = 0;
  bool in_truth = true;   // false: measured, but truth.json does not list the label
  bool measured = false;  // measured_mm and measured_category hold a measurement
  double truth_mm = 0.0, measured_mm = 0.0, tolerance_mm = 0.0;
  std::string truth_category = "-", measured_category = "-";
  bool borderline = false;  // truth within the tolerance of a category threshold: category may differ
  bool pass = false;
  std::string problem;  // why it failed, when it did
};

struct RegressCase {
  std::string name;    // the folder's own name
  std::string folder;  // as found under SUITE
  double tolerance_mm = 0.0;
  std::vector<RegressRow> rows;
  std::string error;  // why the case could not be run ("" when it ran): no rows then
  bool Passed() const;
};

struct RegressResult {
  std::vector<RegressCase> cases;
  std::vector<std::string> skipped;  // sub-folders of SUITE that hold no truth.json (not cases)
  bool Passed() const;               // at least one case, and every case passed
  std::size_t TumoursFailed() const;
  std::size_t CasesWithFailedTumours() const;
  std::size_t CasesNotRun() const;
};

struct SuiteCases {
  std::vector<std::string> cases;    // case folders, sorted
  std::vector<std::string> skipped;  // sub-folders without truth.json, sorted
};

// A case folder's name as the table shows it ("rigid" for "suite/rigid/").
std::string CaseName(const std::string& folder);

// The case folders of SUITE: itself when it holds truth.json, else its
// sub-folders holding truth.json. A sub-folder whose truth.json cannot be
// looked at (no permission) is a case too, which then fails on its own; one
// without truth.json is listed in `skipped`; hidden sub-folders (".name") and
// files are ignored. Throws Error(kInputUnreadable) naming SUITE when it is
// missing, not a folder (a file: "is a file"), cannot be read, or holds no case.
SuiteCases FindCases(const std::string& suite);

// Throws Error(kUsage) when `file` is one of the files a case of `suite`
// reads (its truth.json, images or landmarks): `--json` there would
// overwrite the case.
void RequireNotACaseInput(const std::string& file, const std::string& option, const SuiteCases& suite);

// Runs every case of `suite` (FindCases), each with its own stage timings on
// `log`; a case that throws anything is recorded with its error and the
// others still run. `on_case` is called as each case ends.
RegressResult RunRegress(const RegressParams& params, const SuiteCases& suite, Log& log,
                         const std::function<void(const RegressCase&)>& on_case = {});

// The human table, in parts so that rows can be printed as each case ends:
// a header, one row per tumour (case column `name_width` wide, see
// CaseNameWidth), then the cases that could not be run ("case failed: NAME:
// message") and a summary line counting cases and tumours apart: "summary: 2
// cases: 1 passed, 1 failed (1 could not be run); 6 tumours: 6 passed, 0
// failed; ...".
std::size_t CaseNameWidth(const std::vector<std::string>& case_folders);
std::string RegressTableHeader(std::size_t name_width);
std::string RegressCaseRows(const RegressCase& c, std::size_t name_width);
std::string RegressTableFooter(const RegressResult& result);
std::string RegressTable(const RegressResult& result);  // all of the above

// What failed, for the closing error line: "2 tumours failed in 1 case (the
// rows marked FAIL); 1 case could not be run (the 'case failed' lines)".
std::string RegressFailure(const RegressResult& result);

// The machine-readable form (`--json FILE`, docs/PHANTOM.md): the options,
// one object per case with one per tumour, the skipped folders and the summary.
nlohmann::json RegressJson(const RegressResult& result, const RegressParams& params);

}  // namespace margo
