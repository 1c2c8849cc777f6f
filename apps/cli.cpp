#include "apps/cli.h"

#include <itkMultiThreaderBase.h>
#include <itkObject.h>
#include <vtkObject.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>

#include "apps/cli_checks.h"
#include "apps/command_line_scan.h"
#include "apps/command_line_text.h"
#include "apps/dicomweb_step.h"
#include "apps/distance_list.h"
#include "apps/label_selection.h"
#include "apps/output_folder.h"
#include "apps/parse_error_text.h"
#include "apps/phantom_command.h"
#include "apps/report.h"
#include "apps/report_files.h"
#include "apps/summary_table.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "core/toolkit_globals.h"
#include "core/version.h"
#include "margin/surface.h"

namespace margo {
namespace {

struct GlobalOptions {
  bool quiet = false;
  bool verbose = false;
  bool version = false;
  std::string log_file;
  unsigned threads = 0;  // 0: ITK's default (every core, or ITK_GLOBAL_DEFAULT_NUMBER_OF_THREADS)
};

// Options shared by both jobs, as text until validated.
struct CommonOptions {
  std::string out_dir;
  std::string clinical;
  std::string zone_map;
  std::string tumour_labels, ablation_labels;
  // Whether each text was given at all: an empty one is refused, not ignored.
  const CLI::Option *zone_map_given = nullptr, *tumour_labels_given = nullptr,
                    *ablation_labels_given = nullptr;
  // --coverage-mm and --shell-mm as typed (ParseDistanceList); empty: the defaults in `margin`.
  std::vector<std::string> coverage_mm, shell_mm;
  MarginOptions margin;
  bool no_html = false, no_surfaces = false, no_dicom = false;
  bool colour = false;  // stdout is a terminal: colour the summary
};

// The category thresholds' range (mm): wider than any margin target in use
// (5 and 10 mm), narrow enough that a typo such as 1e300 is refused.
constexpr double kMaxThresholdMm = 50.0;

// The range of each distance in --coverage-mm and --shell-mm (mm).
struct MmRange {
  double low, high;
};
constexpr MmRange kCoverageMm{-50.0, 50.0}, kShellMm{0.1, 30.0};

// What io/image_reader.cpp reads as a CT (KnownFormat), as --help says it.
constexpr const char* kCtFormats = "DICOM series folder, .nii/.nii.gz, .nrrd/.nhdr or .mha/.mhd";

// A command's --help shows its own options only: it points to the others.
constexpr const char* kGlobalOptionsFooter =
    "Options for every command, given before or after it (see 'margo --help'): -q,--quiet, -v,--verbose, "
    "--log-file FILE, --threads N";

struct Commands {
  CLI::App* assess = nullptr;
  CLI::App* margin = nullptr;
  AssessParams assess_params;
  MarginParams margin_params;
  CommonOptions assess_common, margin_common;
  DicomWebOptions dicomweb;
  std::string space = "post", registration = "deformable";
};

// `label_outputs`: what --no-surfaces also skips, if anything.
void AddCommon(CLI::App& cmd, CommonOptions& c, const std::string& label_outputs) {
  cmd.add_option(
         "--out", c.out_dir,
         "Output folder (created if needed) for report.json, tumours.csv, report.html and the surfaces "
         "(.vtp)" +
             label_outputs)
      ->required();
  cmd.add_flag("--no-html", c.no_html, "Do not write report.html (its pictures take the longest)");
  cmd.add_flag("--no-surfaces", c.no_surfaces, "Do not write the .vtp surfaces" + label_outputs);
  cmd.add_option("--clinical", c.clinical,
                 "Clinical inputs (JSON, docs/CLINICAL.md): per-tumour margin target and the clinical risk score");
  c.tumour_labels_given =
      cmd.add_option("--tumour-labels", c.tumour_labels,
                     "Tumour label values to use, e.g. 2-8 or 2,5: a single value must be in the map, a "
                     "range selects the labels in it that the map holds (at least one; a DICOM SEG or "
                     "RTSTRUCT needs every one) (default: every non-zero label; at most " +
                         std::to_string(kMaxTumourLabels) + " tumours)");
  c.zone_map_given =
      cmd.add_option("--zone-map", c.zone_map,
                     "Which ablation-zone labels each tumour is measured against, e.g. 2:1,3:1+2 "
                     "(default: every tumour against the union of all zones)");
  c.ablation_labels_given =
      cmd.add_option("--ablation-labels", c.ablation_labels,
                     "Label values forming the ablation zone, as for --tumour-labels (default: every "
                     "non-zero label)");
  CategoryThresholds& t = c.margin.thresholds;
  cmd.add_option("--a0-threshold-mm", t.a0_above_mm,
                 "A0 when the minimal margin exceeds this (mm, 0 to " + PlainNumber(kMaxThresholdMm) + ")")
      ->check(Millimetres(0.0, kMaxThresholdMm))
      ->capture_default_str();
  cmd.add_option("--a1-threshold-mm", t.a1_from_mm,
                 "A1 from this minimal margin (mm, above 0, below --a0-threshold-mm) up to A0")
      ->check(Millimetres(0.0, kMaxThresholdMm))
      ->capture_default_str();
  // Taken as typed, not split by CLI11 (which drops empty items): ResolveCommon reads them.
  cmd.add_option("--coverage-mm", c.coverage_mm,
                 "Surface-coverage distances (mm, " + PlainNumber(kCoverageMm.low) + " to " +
                     PlainNumber(kCoverageMm.high) + "), comma separated, each once")
      ->type_name("MM,...")
      ->default_str(DistanceListText(c.margin.coverage_mm));
  cmd.add_option("--shell-mm", c.shell_mm,
                 "Shell-coverage distances (mm, " + PlainNumber(kShellMm.low) + " to " +
                     PlainNumber(kShellMm.high) + "), comma separated, each once")
      ->type_name("MM,...")
      ->default_str(DistanceListText(c.margin.shell_mm));
}

// `liver`: the mask the exclusion needs, as the command names it.
void AddSubcapsular(CLI::App& cmd, CommonOptions& c, const std::string& liver) {
  cmd.add_option("--subcapsular-mm", c.margin.subcapsular_mm,
                 "Leave out tumour-surface points within this distance (mm) of the liver capsule (needs " +
                     liver + "); 0 = off")
      ->check(Millimetres(0.0, 30.0))
      ->capture_default_str();
}

void DeclareAssess(CLI::App& app, Commands& c) {
  AssessParams& p = c.assess_params;
  c.assess = app.add_subcommand("assess", "Register a pre/post-ablation CT pair and measure every tumour's margin");
  CLI::App& cmd = *c.assess;
  cmd.add_option("--pre-ct", p.pre_ct, "Pre-ablation CT: " + std::string(kCtFormats))->required();
  cmd.add_option("--post-ct", p.post_ct, "Post-ablation CT: " + std::string(kCtFormats))->required();
  cmd.add_option("--tumours", p.tumours,
                 "Tumour labels on the pre CT: label map (one label per tumour, at most " +
                     std::to_string(kMaxTumourLabels) +
                     "), DICOM SEG (segment n = label n) or RTSTRUCT (ROI number n = label n)")
      ->required();
  cmd.add_option("--ablation", p.ablation, "Ablation zone on the post CT: label map, DICOM SEG or RTSTRUCT")->required();
  cmd.add_option("--pre-liver", p.pre_liver,
                 "Liver mask on the pre CT (optional, needs --post-liver; guides registration)");
  cmd.add_option("--post-liver", p.post_liver,
                 "Liver mask on the post CT (optional; bounds the deformable stage, the capsule for "
                 "--subcapsular-mm; with --pre-liver it also guides the rigid start)");
  cmd.add_option("--pre-series-uid", p.pre_series_uid, "Series Instance UID when the pre CT folder holds several");
  cmd.add_option("--post-series-uid", p.post_series_uid, "Series Instance UID when the post CT folder holds several");
  cmd.add_option("--landmarks-pre", p.landmarks_pre,
                 "Landmarks on the pre CT (CSV: x,y,z or name,x,y,z in LPS mm), paired in order with --landmarks-post: "
                 "the registration's target error");
  cmd.add_option("--landmarks-post", p.landmarks_post, "Landmarks on the post CT, the same points in the same order");
  cmd.add_option("--space", c.space, "Coordinates for reported points (a rigid map leaves margins unchanged)")
      ->check(CLI::IsMember({"post", "pre"}))->capture_default_str();
  cmd.add_option("--registration", c.registration,
                 "deformable (rigid, then a B-spline with the lesions left out), rigid, or none when the "
                 "scans are already aligned")
      ->check(CLI::IsMember({"deformable", "rigid", "none"}))->capture_default_str();
  AddCommon(cmd, c.assess_common, " and the tumour labels on the post CT");
  cmd.add_flag(
      "--no-dicom", c.assess_common.no_dicom,
      "Do not write segmentation.dcm and report_sr.dcm (written only when the post CT is a DICOM series)");
  AddSubcapsular(cmd, c.assess_common, "the post CT's liver mask, --post-liver");
  AddDicomWebOptions(cmd, c.dicomweb);
}

void DeclareMargin(CLI::App& app, Commands& c) {
  MarginParams& p = c.margin_params;
  c.margin = app.add_subcommand("margin", "Measure margins of tumour and ablation masks already in one world space");
  c.margin
      ->add_option("--tumours", p.tumours,
                   "Tumour label map (one label per tumour, at most " + std::to_string(kMaxTumourLabels) +
                       ") or DICOM SEG (segment n = label n)")
      ->required();
  c.margin->add_option("--ablation", p.ablation, "Ablation-zone label map (same world space)")->required();
  c.margin->add_option("--liver", p.liver, "Liver mask (same world space; for --subcapsular-mm)");
  AddCommon(*c.margin, c.margin_common, "");
  AddSubcapsular(*c.margin, c.margin_common, "--liver");
}

// ValidateThresholds' rule, with the options named and plain numbers.
void RequireThresholdsOrdered(const CategoryThresholds& t) {
  if (!ValidateThresholds(t)) return;
  throw Error(ErrorKind::kUsage, "--a1-threshold-mm " + PlainNumber(t.a1_from_mm) +
                                     " and --a0-threshold-mm " + PlainNumber(t.a0_above_mm) +
                                     ": expected 0 < A1 threshold < A0 threshold");
}

// `c.margin` completed with the distance lists given.
void ResolveCommon(CommonOptions& c, LabelOption& tumours, LabelOption& ablation,
                   std::map<std::uint16_t, LabelSelection>& zone_map, const std::string& liver,
                   const char* liver_option) {
  if (!c.coverage_mm.empty()) {
    c.margin.coverage_mm =
        ParseDistanceList(c.coverage_mm, "--coverage-mm", kCoverageMm.low, kCoverageMm.high);
  }
  if (!c.shell_mm.empty()) {
    c.margin.shell_mm = ParseDistanceList(c.shell_mm, "--shell-mm", kShellMm.low, kShellMm.high);
  }
  if (c.zone_map_given->count() > 0) zone_map = ParseZoneMap(c.zone_map, "--zone-map");
  if (c.margin.subcapsular_mm > 0.0 && liver.empty()) {
    throw Error(ErrorKind::kUsage, "--subcapsular-mm " + PlainNumber(c.margin.subcapsular_mm) + " needs " +
                                       liver_option + "; none given");
  }
  if (c.tumour_labels_given->count() > 0) tumours = ParseLabelSelection(c.tumour_labels, "--tumour-labels");
  if (c.ablation_labels_given->count() > 0)
    ablation = ParseLabelSelection(c.ablation_labels, "--ablation-labels");
  RequireThresholdsOrdered(c.margin.thresholds);
}

// Surface coverage between thick slices is inferred, not measured: say so.
void WarnIfCoverageInferred(const Assessment& a, Log& log) {
  double largest_spacing = 0.0;
  for (const TumourMargin& t : a.tumours) {
    largest_spacing = std::max(largest_spacing, t.kernel_uncertainty_mm / kKernelErrorBoundVoxels);
  }
  if (largest_spacing <= kCoverageTrustedSpacingMm) return;
  char buf[240];
  std::snprintf(buf, sizeof buf,
                "label maps with %.1f mm spacing (above %.1f): surface coverage may be off by up to 0.2 "
                "(docs/MARGINS.md, Accuracy); minimal margins stay within half a slice",
                largest_spacing, kCoverageTrustedSpacingMm);
  log.Warn(buf);
}

// Removes every file a report consists of from `dir`, and the temporaries
// of this process (`any_process`: of any, in a folder this run has locked),
// logging each when `log` is given.
void RemoveReportFiles(const std::string& dir, Log* log, bool any_process) {
  for (const std::string& name : ReportFileNames()) {
    const std::filesystem::path old = std::filesystem::path(dir) / name;
    std::error_code ec;
    if (std::filesystem::remove(old, ec) && log != nullptr) log->Info("removed the previous " + old.string());
  }
  for (const std::filesystem::path& p : RemoveTemporaries(dir, ReportFileNames(), any_process)) {
    if (log != nullptr) log->Info("removed " + p.string() + ", left by a run that was stopped");
  }
}

// What an interrupted run takes back before it holds `dir`, and once its
// report is complete: the temporaries it was writing (in `dir` and the
// folders in it: a DICOM phantom writes series folders), its lock file, and
// the folders it created, if empty.
InterruptCleanup::TakeBack TakeBackTemporaries(const std::string& dir, const NewFolders& created) {
  return [dir, &created] {
    RemoveTemporariesInTree(dir, false);
    RemoveOwnLockFile(dir);
    created.RemoveEmpty();
    return std::string("the temporary files it was writing were removed");
  };
}

// ... once it holds `dir` and until its report is complete: everything it
// has written there (an earlier run's report was removed when it began).
InterruptCleanup::TakeBack TakeBackReport(const std::string& dir, const NewFolders& created) {
  return [dir, &created] {
    RemoveReportFiles(dir, nullptr, false);
    RemoveOwnLockFile(dir);
    created.RemoveEmpty();
    return std::string("the files this run had written were removed");
  };
}

// `archive`: when set, the DICOM outputs are stored there after report.json.
// Once report.json is in place an interruption keeps the report (`interrupt`).
int Finish(const Assessment& a, const CommonOptions& c, const std::string& command_line, std::ostream& out,
           Log& log, InterruptCleanup& interrupt, const NewFolders& created,
           const DicomWebClient* archive = nullptr) {
  const std::filesystem::path dir(c.out_dir);
  const VersionInfo version = GetVersionInfo();
  WarnIfCoverageInferred(a, log);
  log.BeginStage("report");
  // report.json last: it lists the other files. A failure on the way takes
  // back what this run wrote, so that no folder holds a partial result.
  std::vector<OutputFile> files;
  const std::filesystem::path report = dir / "report.json";
  try {
    files = WriteReportFiles(a, dir, ReportOptions{!c.no_html, !c.no_surfaces, !c.no_dicom}, version,
                             command_line, log);
    // Arguments are UTF-8 (RequireUtf8Arguments); a stray byte from elsewhere
    // is replaced rather than failing the run here, after all its work.
    WriteFileAtomically(report, ReportJson(a, version, command_line, files)
                                        .dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
                                    "\n");
  } catch (...) {
    RemoveReportFiles(c.out_dir, nullptr, false);
    throw;
  }
  interrupt.Set(TakeBackTemporaries(c.out_dir, created));
  out << SummaryTable(a, c.colour);
  out.flush();
  log.EndStages();
  log.Info("report written to " + report.string() + " (and " + std::to_string(files.size()) + " more files)");
  if (archive) {
    std::vector<std::string> names;
    for (const OutputFile& f : files) names.push_back(f.file);
    StoreDicomOutputs(names, dir, *archive, log);
  }
  if (a.NotAssessable() > 0) {
    log.Warn(std::to_string(a.NotAssessable()) + " of " + std::to_string(a.tumours.size()) +
             " tumours could not be assessed; see report.json");
    return ExitCode(ErrorKind::kPartialResult);
  }
  return 0;
}

// Every file a run writes or removes in --out.
std::vector<std::string> OutputFileNames() {
  std::vector<std::string> files = ReportFileNames();
  files.push_back(kLockFile);
  return files;
}

// Checked before the log file is opened, which truncates it: it must be
// neither a file the run writes or removes in `out_dir` ("" when the command
// has none) nor an input.
void RequireLogFileSafe(const std::vector<std::string>& args, const std::string& out_dir,
                        const std::string& log_file) {
  if (!out_dir.empty()) {
    RequireInputsAreNotOutputs({{"--log-file", log_file}}, out_dir, OutputFileNames(),
                               {kDicomWebInputFolder});
  }
  RequireNotAnotherArgument(args, "--log-file", log_file);
}

std::string OutDirOf(const Commands& c) {
  if (c.assess->parsed()) return c.assess_common.out_dir;
  if (c.margin->parsed()) return c.margin_common.out_dir;
  return "";
}

// Every path a run reads, with the option that gave it (--log-file: RequireLogFileSafe).
std::vector<NamedInput> InputsOf(const AssessParams& p, const DicomWebOptions& d) {
  return {{"--pre-ct", p.pre_ct},
          {"--post-ct", p.post_ct},
          {"--tumours", p.tumours},
          {"--ablation", p.ablation},
          {"--pre-liver", p.pre_liver},
          {"--post-liver", p.post_liver},
          {"--clinical", p.clinical},
          {"--landmarks-pre", p.landmarks_pre},
          {"--landmarks-post", p.landmarks_post},
          {"--dicomweb-credentials", d.credentials_file}};
}

std::vector<NamedInput> InputsOf(const MarginParams& p) {
  return {
      {"--tumours", p.tumours}, {"--ablation", p.ablation}, {"--liver", p.liver}, {"--clinical", p.clinical}};
}

// Before anything in `dir` is touched: refuses a `dir` that cannot be a
// folder (empty, a file) and inputs among the files the run writes or
// removes there (`dicomweb`: also the retrieved series' folder), creates the
// folder and locks it against a second run.
OutputLock ClaimOutput(const std::string& dir, const std::vector<NamedInput>& inputs, bool dicomweb,
                       Log& log) {
  RequireOutputFolderPossible(dir);
  std::vector<std::string> folders;
  if (dicomweb) folders.push_back(kDicomWebInputFolder);
  RequireInputsAreNotOutputs(inputs, dir, OutputFileNames(), folders);
  EnsureWritableDirectory(dir);
  return OutputLock(dir, log);
}

// A series UID chooses among the series of a DICOM folder: given with a CT
// file (NIfTI, NRRD, MetaImage) it has nothing to choose from. Harmless, so
// a warning; a dicomweb: reference becomes a folder later and is left to LoadCt.
void WarnIfSeriesUidUnused(const AssessParams& p, Log& log) {
  struct SeriesChoice {
    const char *option, *ct_option;
    const std::string &uid, &ct;
  };
  for (const SeriesChoice& s :
       {SeriesChoice{"--pre-series-uid", "--pre-ct", p.pre_series_uid, p.pre_ct},
        SeriesChoice{"--post-series-uid", "--post-ct", p.post_series_uid, p.post_ct}}) {
    std::error_code ec;
    if (s.uid.empty() || !std::filesystem::is_regular_file(s.ct, ec)) continue;
    log.Warn(std::string(s.option) + " " + s.uid + " has no effect: " + s.ct_option + " " + s.ct +
             " is a file, not a DICOM folder holding several series");
  }
}

// With the output folder locked, the outputs of an earlier run are removed
// first, so that a failure leaves no report.json behind, stale or half-written;
// from then on an interrupted run takes back what it wrote (`interrupt`).
int RunParsed(Commands& c, const std::string& command_line, std::ostream& out, Log& log,
              InterruptCleanup& interrupt, const NewFolders& created) {
  log.Info(command_line);
  if (c.assess->parsed()) {
    AssessParams& p = c.assess_params;
    ResolveCommon(c.assess_common, p.tumour_labels, p.ablation_labels, p.zone_map, p.post_liver,
                  "--post-liver");
    p.margin = c.assess_common.margin;
    p.clinical = c.assess_common.clinical;
    p.space = c.space == "pre" ? MeasureSpace::kPre : MeasureSpace::kPost;
    p.registration = ParseRegistrationMode(c.registration);
    WarnIfSeriesUidUnused(p, log);
    std::optional<DicomWebClient> archive;
    if (UsesDicomWeb(p, c.dicomweb, log)) archive.emplace(MakeDicomWebConfig(c.dicomweb, log));
    const OutputLock lock =
        ClaimOutput(c.assess_common.out_dir, InputsOf(p, c.dicomweb), archive.has_value(), log);
    RemoveReportFiles(c.assess_common.out_dir, &log, true);
    interrupt.Set(TakeBackReport(c.assess_common.out_dir, created));
    if (archive) RetrieveDicomWebInputs(p, *archive, c.assess_common.out_dir, log);
    return Finish(RunAssess(p, log), c.assess_common, command_line, out, log, interrupt, created,
                  archive && c.dicomweb.store ? &*archive : nullptr);
  }
  MarginParams& p = c.margin_params;
  ResolveCommon(c.margin_common, p.tumour_labels, p.ablation_labels, p.zone_map, p.liver, "--liver");
  p.margin = c.margin_common.margin;
  p.clinical = c.margin_common.clinical;
  const OutputLock lock = ClaimOutput(c.margin_common.out_dir, InputsOf(p), false, log);
  RemoveReportFiles(c.margin_common.out_dir, &log, true);
  interrupt.Set(TakeBackReport(c.margin_common.out_dir, created));
  return Finish(RunMargin(p, log), c.margin_common, command_line, out, log, interrupt, created);
}

// "margo --help", or "margo assess --help" once a command was named.
std::string HelpCommand(CLI::App& app) {
  for (const CLI::App* cmd : app.get_subcommands()) return "margo " + cmd->get_name() + " --help";
  return "margo --help";
}

// Every usage error ends alike: "...; run 'margo margin --help' for usage".
std::string WithHelpHint(const std::string& message, CLI::App& app) {
  return message + "; run '" + HelpCommand(app) + "' for usage";
}

// A usage error found before the run's Log exists (while CLI11 parses, or no
// command): into --log-file too when the arguments name one (read from them,
// as CLI11 has not) that is safe to open; else on stderr only. One error line
// either way.
int UsageErrorBeforeRun(const std::string& message, const std::vector<std::string>& args, std::ostream& err) {
  Log log(err, false);
  const std::string log_file = ScanOptionValue(args, "--log-file");
  if (!log_file.empty()) {
    try {
      RequireLogFileSafe(args, ScanOptionValue(args, "--out"), log_file);
      log.OpenFile(log_file);
      log.SetQuiet(true);  // the command line into the file only, as a run that parsed logs it first
      log.Info(CommandLine(args));
    } catch (const Error&) {
      // Not opened: that problem is not the error to report.
    }
  }
  log.Error(message);
  return ExitCode(ErrorKind::kUsage);
}

}  // namespace

int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, bool err_is_terminal,
           bool out_is_terminal) {
  CLI::App app{"margo: 3D ablative-margin confirmation for liver tumours (pre/post-ablation CT)", "margo"};
  app.fallthrough();
  GlobalOptions g;
  app.add_flag("--version", g.version, "Print version, git revision, ITK and VTK versions");
  app.add_flag("-q,--quiet", g.quiet, "Only warnings and errors on stderr");
  app.add_flag("-v,--verbose", g.verbose, "Debug messages on stderr");
  app.add_option("--log-file", g.log_file, "Also write every message, with timestamps, to this file");
  app.add_option(
         "--threads", g.threads,
         "Worker threads (default: every core); the same inputs give the same report at any thread count")
      ->check(WholeNumber(1, 256, "threads"));
  Commands c;
  c.assess_common.colour = c.margin_common.colour = out_is_terminal;
  DeclareAssess(app, c);
  DeclareMargin(app, c);
  PhantomParams phantom;
  RegressOptions regress;
  CLI::App* phantom_cmd = AddPhantomCommand(app, phantom);
  CLI::App* regress_cmd = AddRegressCommand(app, regress);
  for (CLI::App* cmd : {c.assess, c.margin, phantom_cmd, regress_cmd}) cmd->footer(kGlobalOptionsFooter);

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::ParseError& e) {
    return UsageErrorBeforeRun(WithHelpHint(ParseErrorText(e, app), app), args, err);
  }
  if (g.version) {
    out << VersionText(GetVersionInfo());
    return 0;
  }
  try {
    RequireUtf8Arguments(args);
  } catch (const Error& e) {
    return UsageErrorBeforeRun(WithHelpHint(e.what(), app), args, err);
  }
  if (g.quiet && g.verbose) {  // which one wins would be a guess
    return UsageErrorBeforeRun(
        WithHelpHint("--quiet and --verbose both given; expected at most one of them", app), args, err);
  }
  if (!c.assess->parsed() && !c.margin->parsed() && !phantom_cmd->parsed() && !regress_cmd->parsed()) {
    const int code = UsageErrorBeforeRun(
        WithHelpHint("no command given; expected 'assess', 'margin', 'phantom' or 'regress'", app), args,
        err);
    err << app.help();
    return code;
  }

  if (g.threads > 0) itk::MultiThreaderBase::SetGlobalDefaultNumberOfThreads(g.threads);
  // Process-wide toolkit state, set up here before any thread starts
  // (core/toolkit_globals.h): the HTML report's pictures, for one, are drawn
  // on several threads with VTK's writers.
  PrepareItkForThreads();
  PrepareVtkForThreads();
  Log log(err, err_is_terminal);
  log.SetQuiet(g.quiet);
  log.SetVerbose(g.verbose);
  // ITK's own warnings are multi-line and unprefixed; margo reports what matters.
  itk::Object::SetGlobalWarningDisplay(g.verbose);
  vtkObject::SetGlobalWarningDisplay(g.verbose ? 1 : 0);  // VTK's too (a failed write is reported by margo)
  const std::string out_dir = phantom_cmd->parsed() ? phantom.out_dir : OutDirOf(c);
  const NewFolders new_out(out_dir);  // before anything creates it
  InterruptCleanup interrupt(log, TakeBackTemporaries(out_dir, new_out));
  const int code = [&]() -> int {
    try {
      if (!g.log_file.empty()) {
        RequireLogFileSafe(args, OutDirOf(c), g.log_file);
        RequireOutputNotLocked(OutDirOf(c));  // its run's log may be this one
        MakeLogFolderInOut(g.log_file, out_dir);
        log.OpenFile(g.log_file);
      }
      if (phantom_cmd->parsed() || regress_cmd->parsed()) log.Info(CommandLine(args));
      if (phantom_cmd->parsed()) return RunPhantomCommand(phantom, out, log);
      if (regress_cmd->parsed()) return RunRegressCommand(regress, out, log);
      return RunParsed(c, CommandLine(args), out, log, interrupt, new_out);
    } catch (const Error& e) {
      log.Error(e.kind() == ErrorKind::kUsage ? WithHelpHint(e.what(), app) : std::string(e.what()));
      return ExitCode(e.kind());
    } catch (const itk::ExceptionObject& e) {
      log.Error(std::string("internal error (ITK): ") + e.GetDescription());
    } catch (const std::exception& e) {
      log.Error(std::string("internal error: ") + e.what());
    }
    return ExitCode(ErrorKind::kInternal);
  }();
  // A failed run leaves no empty --out it created (a partial result, exit 8, fills it).
  if (code != 0) new_out.RemoveEmpty();
  return code;
}

}  // namespace margo
