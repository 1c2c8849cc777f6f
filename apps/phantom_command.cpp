#include "apps/phantom_command.h"

#include <CLI/CLI.hpp>
#include <filesystem>

#include "apps/cli_checks.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "testdata/generator/case_writer.h"
#include "testdata/generator/hybrid_case.h"
#include "testdata/generator/phantom_case.h"

namespace margo {

CLI::App* AddPhantomCommand(CLI::App& app, PhantomParams& p) {
  CLI::App* cmd = app.add_subcommand(
      "phantom",
      "Write a synthetic pre/post-ablation CT case with known truth (truth.json, docs/PHANTOM.md)");
  cmd->add_option("--out", p.out_dir, "Case folder to write (created if needed)")->required();
  std::string names;
  for (const std::string& n : PresetNames()) names += (names.empty() ? "" : ", ") + n;
  cmd->add_option("--preset", p.preset, "Grids and motion: " + names)->capture_default_str();
  cmd->add_option("--seed", p.seed, "Random seed for noise and gas bubbles (the truth does not depend on it)")
      ->capture_default_str();
  cmd->add_option("--format", p.format,
                  "nifti (.nii.gz images and label maps) or dicom (CT series folders, labels as DICOM SEG; "
                  "tumours and zones numbered 1..N)")
      ->check(CLI::IsMember({"nifti", "dicom"}))
      ->capture_default_str();
  cmd->add_option(
      "--hybrid-ct", p.hybrid_ct,
      "Hybrid mode: a real CT (DICOM folder or image) as the pre CT; the post CT is it warped, with "
      "simulated ablation zones (needs --hybrid-labels; writes NIfTI only)");
  cmd->add_option("--hybrid-labels", p.hybrid_labels,
                  "Hybrid mode: label map on the real CT's grid (liver label, then one label per tumour)");
  cmd->add_option("--liver-label", p.liver_label, "Hybrid mode: the liver's label value")
      ->capture_default_str();
  return cmd;
}

int RunPhantomCommand(const PhantomParams& p, std::ostream& out, Log& log) {
  if (p.hybrid_ct.empty() != p.hybrid_labels.empty()) {
    throw Error(ErrorKind::kUsage, "hybrid mode needs both --hybrid-ct and --hybrid-labels; got only " +
                                       std::string(p.hybrid_ct.empty() ? "--hybrid-labels" : "--hybrid-ct"));
  }
  if (!p.hybrid_ct.empty()) {
    if (p.format != "nifti")
      throw Error(ErrorKind::kUsage,
                  "--format " + p.format +
                      ": hybrid mode writes NIfTI only (the real CT's own DICOM series is the DICOM test)");
    HybridParams h;
    h.ct = p.hybrid_ct;
    h.labels = p.hybrid_labels;
    h.liver_label = static_cast<std::uint16_t>(p.liver_label);
    h.preset = p.preset;
    h.seed = p.seed;
    PresetSpec(p.preset, p.seed);  // a usage error for an unknown preset, before any loading
    WriteHybridCase(h, p.out_dir, log);
    out << p.out_dir << "\n";
    return 0;
  }
  const CaseSpec spec = PresetSpec(p.preset, p.seed);
  WriteCase(spec, p.out_dir, log, p.format == "dicom" ? CaseFormat::kDicom : CaseFormat::kNifti);
  out << p.out_dir << "\n";
  return 0;
}

CLI::App* AddRegressCommand(CLI::App& app, RegressOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "regress",
      "Assess every case of a phantom suite and compare with its truth.json (exit 9 on any failure)");
  cmd->add_option("suite", o.params.suite,
                  "Folder of case folders (each with truth.json), or one case folder")
      ->required();
  cmd->add_option("--tolerance-mm", o.params.tolerance_mm,
                  "Allowed |measured - true| minimal margin (mm); default per case: 0.5 x the largest voxel "
                  "spacing of the label maps + 0.5 mm for registration")
      ->check(Millimetres(0.0, 50.0));
  cmd->add_option("--registration", o.registration,
                  "deformable (rigid, then B-spline), rigid, or none for cases already aligned")
      ->check(CLI::IsMember({"deformable", "rigid", "none"}))
      ->capture_default_str();
  cmd->add_option("--json", o.json,
                  "Also write the result as JSON to this file: one object per case and per tumour, and the "
                  "summary (docs/PHANTOM.md)")
      ->check(CLI::Validator(
          [](std::string& file) { return file.empty() ? std::string("found ''; expected a file name") : ""; },
          "FILE", "FILE"));
  return cmd;
}

namespace {

// --json's folder must exist and the file must not be a folder: checked
// before the suite runs, not found out after minutes of cases.
void RequireJsonWritable(const std::string& file) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(file, ec)) {
    throw Error(ErrorKind::kOutputFailed, "--json " + file + ": is a folder; expected a file (written)");
  }
  const fs::path parent = fs::path(file).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    throw Error(ErrorKind::kOutputFailed, "--json " + file + ": folder " + parent.string() +
                                              " does not exist; expected an existing folder");
  }
}

}  // namespace

int RunRegressCommand(RegressOptions& o, std::ostream& out, Log& log) {
  o.params.registration = ParseRegistrationMode(o.registration);
  const bool json = !o.json.empty();  // "" is refused by the option's check
  if (json) RequireJsonWritable(o.json);
  const SuiteCases suite = FindCases(o.params.suite);
  if (json) RequireNotACaseInput(o.json, "--json", suite);
  // Rows as each case ends: what was measured is on stdout even if the run is cut short.
  const std::size_t width = CaseNameWidth(suite.cases);
  out << RegressTableHeader(width) << std::flush;
  const RegressResult result = RunRegress(o.params, suite, log, [&out, width](const RegressCase& c) {
    out << RegressCaseRows(c, width) << std::flush;
  });
  out << RegressTableFooter(result) << std::flush;
  if (json) WriteFileAtomically(o.json, RegressJson(result, o.params).dump(2) + "\n");
  if (result.Passed()) return 0;
  log.Error("regression failed: " + RegressFailure(result));
  return ExitCode(ErrorKind::kRegressionFailed);
}

}  // namespace margo
