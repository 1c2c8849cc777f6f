#include "apps/regress.h"

#include <itkMacro.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "core/error.h"
#include "core/version.h"
#include "testdata/generator/case_files.h"

namespace margo {
namespace {

namespace fs = std::filesystem;

struct TruthTumour {
  std::uint16_t label = 0;
  double min_margin_mm = 0.0;
  std::string category;
};

nlohmann::json ReadTruth(const fs::path& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec) {
    throw Error(ErrorKind::kInputUnreadable, "truth " + path.string() + ": cannot be read: " + ec.message());
  }
  if (!fs::is_regular_file(status)) {
    throw Error(ErrorKind::kInputUnreadable,
                "truth " + path.string() + ": is " +
                    (fs::is_directory(status) ? "a folder" : "not a regular file") +
                    "; expected a JSON file");
  }
  std::ifstream in(path);
  if (!in) {
    throw Error(ErrorKind::kInputUnreadable,
                "truth " + path.string() + ": cannot be opened: " + std::strerror(errno));
  }
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::kInputUnreadable, "truth " + path.string() + ": not valid JSON: " + e.what());
  }
}

// A tumour label as truth.json states it: a whole number 1..65535 (what a
// uint16 label map holds; get<std::uint16_t> would wrap 65538 to 2).
std::uint16_t TruthLabel(const nlohmann::json& label, std::size_t index, const fs::path& path) {
  if (label.is_number_unsigned() && label.get<std::uint64_t>() >= 1 && label.get<std::uint64_t>() <= 65535) {
    return static_cast<std::uint16_t>(label.get<std::uint64_t>());
  }
  throw Error(ErrorKind::kInputUnreadable, "truth " + path.string() + ": tumours[" + std::to_string(index) +
                                               "].label is " + label.dump() +
                                               "; expected a whole number from 1 to 65535");
}

// Post-space truth (margo measures in the post CT by default); schema 1.0
// files (testdata/phantom_small) carry one margin, equal in both spaces.
std::vector<TruthTumour> TruthTumours(const nlohmann::json& truth, MeasureSpace space, const fs::path& path) {
  std::vector<TruthTumour> out;
  try {
    const nlohmann::json& tumours = truth.at("tumours");
    if (!tumours.is_array())
      throw Error(ErrorKind::kInputUnreadable, "truth " + path.string() + ": tumours is " +
                                                   std::string(tumours.type_name()) + "; expected an array");
    for (std::size_t i = 0; i < tumours.size(); ++i) {
      const nlohmann::json& t = tumours[i];
      const char* key = space == MeasureSpace::kPre ? "pre" : "post";
      const auto& s = t.contains(key) ? t.at(key) : t;
      out.push_back({TruthLabel(t.at("label"), i, path), s.at("min_margin_mm").get<double>(),
                     s.at("category").get<std::string>()});
      for (std::size_t j = 0; j + 1 < out.size(); ++j) {
        if (out[j].label == out.back().label) {
          throw Error(ErrorKind::kInputUnreadable,
                      "truth " + path.string() + ": tumours[" + std::to_string(j) + "] and tumours[" +
                          std::to_string(i) + "] both have label " + std::to_string(out.back().label) +
                          "; expected one entry per tumour label");
        }
      }
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::kInputUnreadable,
                "truth " + path.string() +
                    ": expected tumours[] with label, min_margin_mm and category: " + e.what());
  }
  if (out.empty()) {
    throw Error(ErrorKind::kInputUnreadable,
                "truth " + path.string() + ": tumours[] is empty; expected at least one tumour to compare");
  }
  return out;
}

double LargestLabelSpacingMm(const Assessment& a) {
  double largest = 0.0;
  for (const InputRecord& r : a.inputs) {
    if (r.role != "tumours" && r.role != "ablation") continue;
    for (double s : r.report.geometry.spacing_mm) largest = std::max(largest, s);
  }
  return largest;
}

bool NearThreshold(double margin_mm, double tolerance_mm) {
  for (double t : {0.0, 5.0, 10.0}) {
    if (std::abs(margin_mm - t) <= tolerance_mm) return true;
  }
  return false;
}

RegressRow Compare(const std::string& name, const TruthTumour& truth, const TumourMargin* measured,
                   double tolerance_mm) {
  RegressRow row;
  row.case_name = name;
  row.label = truth.label;
  row.truth_mm = truth.min_margin_mm;
  row.tolerance_mm = tolerance_mm;
  row.truth_category = truth.category;
  row.borderline = NearThreshold(truth.min_margin_mm, tolerance_mm);
  if (measured == nullptr) {
    row.problem = "not in the report";
  } else if (!measured->assessable) {
    row.problem = "not assessable: " + measured->not_assessable_reason;
  } else {
    row.measured = true;
    row.measured_mm = measured->min_margin_mm;
    row.measured_category = CategoryName(measured->category);
    if (std::abs(row.measured_mm - row.truth_mm) > tolerance_mm) {
      row.problem = "margin error beyond tolerance";
    } else if (row.measured_category != row.truth_category && !row.borderline) {
      row.problem = "category differs";
    }
  }
  row.pass = row.problem.empty();
  return row;
}

// A tumour margo measured that truth.json does not list: nothing vouches for
// it, so the case fails (the truth and the label map disagree).
RegressRow NotInTruth(const std::string& name, const TumourMargin& m, double tolerance_mm) {
  RegressRow row;
  row.case_name = name;
  row.label = m.label;
  row.in_truth = false;
  row.tolerance_mm = tolerance_mm;
  if (m.assessable) {
    row.measured = true;
    row.measured_mm = m.min_margin_mm;
    row.measured_category = CategoryName(m.category);
  }
  row.problem = "measured, but not in truth.json";
  return row;
}

namespace files = case_files;

void RunCase(const std::string& dir, const RegressParams& params, Log& log, RegressCase& c) {
  const fs::path d(dir);
  // The folder first: without permission to it, every file would fail alike.
  std::error_code ec;
  (void)fs::status(d / files::kTruth, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    throw Error(ErrorKind::kInputUnreadable, "case folder " + dir + ": cannot be read: " + ec.message());
  }
  if (!fs::exists(d / files::kPreCt, ec) && fs::is_directory(d / "pre_ct", ec)) {
    throw Error(ErrorKind::kInputUnreadable,
                "case folder " + dir +
                    ": holds its scans as DICOM (pre_ct/, post_ct/); expected the NIfTI form "
                    "(pre_ct.nii.gz, ...) that margo regress reads: write the case with --format nifti");
  }
  AssessParams a;
  a.pre_ct = (d / files::kPreCt).string();
  a.post_ct = (d / files::kPostCt).string();
  a.tumours = (d / files::kTumours).string();
  a.ablation = (d / files::kAblation).string();
  // The liver masks, as a user with them would give them (both or neither).
  if (fs::exists(d / files::kPreLiver, ec) && fs::exists(d / files::kPostLiver, ec)) {
    a.pre_liver = (d / files::kPreLiver).string();
    a.post_liver = (d / files::kPostLiver).string();
  }
  if (fs::exists(d / files::kLandmarksPre, ec) && fs::exists(d / files::kLandmarksPost, ec)) {
    a.landmarks_pre = (d / files::kLandmarksPre).string();
    a.landmarks_post = (d / files::kLandmarksPost).string();
  }
  a.registration = params.registration;
  const auto truth = TruthTumours(ReadTruth(d / files::kTruth), a.space, d / files::kTruth);
  const Assessment assessment = RunAssess(a, log);
  c.tolerance_mm = params.tolerance_mm >= 0.0 ? params.tolerance_mm
                                              : kKernelErrorBoundVoxels * LargestLabelSpacingMm(assessment) +
                                                    kRegistrationUncertaintyMm;
  std::map<std::uint16_t, const TumourMargin*> by_label;
  for (const TumourMargin& m : assessment.tumours) by_label[m.label] = &m;
  std::set<std::uint16_t> in_truth;
  for (const TruthTumour& t : truth) {
    in_truth.insert(t.label);
    c.rows.push_back(
        Compare(c.name, t, by_label.count(t.label) ? by_label[t.label] : nullptr, c.tolerance_mm));
  }
  for (const auto& [label, m] : by_label) {
    if (!in_truth.count(label)) c.rows.push_back(NotInTruth(c.name, *m, c.tolerance_mm));
  }
}

// "1 case", "2 cases".
std::string Count(std::size_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

// "-" when the value is not known.
std::string Mm(const char* fmt, double value, bool has) {
  if (!has) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, fmt, value);
  return buf;
}

std::string Row(std::size_t width, const std::string& name, const std::string& label,
                const std::string& truth, const std::string& measured, const std::string& error,
                const std::string& tolerance, const std::string& truth_cat, const std::string& measured_cat,
                const std::string& result, const std::string& note) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-*s %6s %9s %12s %9s %7s  %-10s  %-12s  ", int(width), name.c_str(),
                label.c_str(), truth.c_str(), measured.c_str(), error.c_str(), tolerance.c_str(),
                truth_cat.c_str(), measured_cat.c_str());
  // Wider than buf only for a name of hundreds of characters: then the name alone, unpadded.
  std::string out = std::strlen(buf) + 1 < sizeof buf ? std::string(buf) : name + " ";
  if (note.empty()) return out + result + "\n";
  char tail[16];
  std::snprintf(tail, sizeof tail, "%-6s  ", result.c_str());
  return out + tail + note + "\n";
}

nlohmann::json NumberOrNull(double value, bool has) { return has ? nlohmann::json(value) : nlohmann::json(); }

struct Errors {
  double sum_abs = 0.0, worst = 0.0;
  std::size_t measured = 0, passed = 0, rows = 0;
};

Errors Tally(const RegressResult& r) {
  Errors e;
  for (const RegressCase& c : r.cases) {
    for (const RegressRow& row : c.rows) {
      ++e.rows;
      e.passed += row.pass ? 1 : 0;
      if (!row.measured || !row.in_truth) continue;
      const double error = std::abs(row.measured_mm - row.truth_mm);
      e.worst = std::max(e.worst, error);
      e.sum_abs += error;
      ++e.measured;
    }
  }
  return e;
}

}  // namespace

bool RegressCase::Passed() const {
  return error.empty() && !rows.empty() &&
         std::all_of(rows.begin(), rows.end(), [](const RegressRow& r) { return r.pass; });
}

bool RegressResult::Passed() const {
  return !cases.empty() &&
         std::all_of(cases.begin(), cases.end(), [](const RegressCase& c) { return c.Passed(); });
}

std::size_t RegressResult::TumoursFailed() const {
  std::size_t n = 0;
  for (const RegressCase& c : cases) {
    n += std::count_if(c.rows.begin(), c.rows.end(), [](const RegressRow& r) { return !r.pass; });
  }
  return n;
}

std::size_t RegressResult::CasesWithFailedTumours() const {
  return std::count_if(cases.begin(), cases.end(), [](const RegressCase& c) {
    return std::any_of(c.rows.begin(), c.rows.end(), [](const RegressRow& r) { return !r.pass; });
  });
}

std::size_t RegressResult::CasesNotRun() const {
  return std::count_if(cases.begin(), cases.end(), [](const RegressCase& c) { return !c.error.empty(); });
}

std::string CaseName(const std::string& folder) {
  fs::path p = fs::path(folder).lexically_normal();
  if (p.filename() == "." || p.filename() == "..") {  // "regress ." in a case folder: its own name
    std::error_code ec;
    const fs::path absolute = fs::absolute(p, ec);
    if (!ec) p = absolute.lexically_normal();
  }
  if (p.filename().empty()) p = p.parent_path();  // "suite/rigid/"
  return p.filename().empty() ? folder : p.filename().string();
}

SuiteCases FindCases(const std::string& suite) {
  const fs::path root(suite);
  const auto unreadable = [&suite](const std::string& why) {
    return Error(ErrorKind::kInputUnreadable,
                 "suite " + suite + ": " + why + "; expected a folder of case folders, or one case folder");
  };
  const auto denied = [&suite](const std::error_code& ec) {
    return Error(ErrorKind::kInputUnreadable, "suite " + suite + ": cannot be read: " + ec.message() +
                                                  "; expected a folder margo may list and read");
  };
  std::error_code ec;
  const fs::file_status status = fs::status(root, ec);
  if (ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::not_a_directory) throw denied(ec);
  if (!fs::is_directory(status)) {
    throw unreadable(!fs::exists(status)           ? "no such folder"
                     : fs::is_regular_file(status) ? "is a file"
                                                   : "is not a folder");
  }
  const bool one_case = fs::exists(root / files::kTruth, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) throw denied(ec);
  if (one_case) return {{root.string()}, {}};
  SuiteCases found;
  fs::directory_iterator it(root, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const fs::path sub = it->path();
    std::error_code sub_ec;
    if (sub.filename().string().front() == '.' || !it->is_directory(sub_ec)) continue;
    // A folder whose truth.json cannot be looked at is a case all the same:
    // it fails on its own, with the reason, rather than being passed over.
    const bool has_truth = fs::exists(sub / files::kTruth, sub_ec);
    if (has_truth || (sub_ec && sub_ec != std::errc::no_such_file_or_directory)) {
      found.cases.push_back(sub.string());
    } else {
      found.skipped.push_back(sub.string());
    }
  }
  if (ec) throw denied(ec);
  std::sort(found.cases.begin(), found.cases.end());
  std::sort(found.skipped.begin(), found.skipped.end());
  if (found.cases.empty()) {
    throw Error(ErrorKind::kInputUnreadable,
                "suite " + suite + ": no case found" +
                    (found.skipped.empty()
                         ? std::string()
                         : " (" + Count(found.skipped.size(), "sub-folder") + " without truth.json)") +
                    "; expected sub-folders holding truth.json and the case images");
  }
  return found;
}

void RequireNotACaseInput(const std::string& file, const std::string& option, const SuiteCases& suite) {
  std::error_code ec;
  const fs::path target = fs::weakly_canonical(file, ec);
  if (ec) return;  // a path that cannot be resolved is no case's file; writing it reports any error
  for (const std::string& dir : suite.cases) {
    for (const char* name : files::kRead) {
      std::error_code case_ec;
      if (fs::weakly_canonical(fs::path(dir) / name, case_ec) != target || case_ec) continue;
      throw Error(ErrorKind::kUsage,
                  option + " " + file + ": is the " + name + " of case " + CaseName(dir) +
                      ", which the suite reads; expected a file outside the cases' inputs");
    }
  }
}

RegressResult RunRegress(const RegressParams& params, const SuiteCases& suite, Log& log,
                         const std::function<void(const RegressCase&)>& on_case) {
  RegressResult result;
  result.skipped = suite.skipped;
  for (const std::string& dir : suite.skipped) {
    log.Warn("suite " + params.suite + ": sub-folder " + CaseName(dir) +
             " holds no truth.json; skipped (not a case)");
  }
  for (const std::string& dir : suite.cases) {
    RegressCase c;
    c.name = CaseName(dir);
    c.folder = dir;
    log.Info("case " + std::to_string(result.cases.size() + 1) + "/" + std::to_string(suite.cases.size()) +
             ": " + dir);
    {
      try {
        RunCase(dir, params, log, c);
      } catch (const Error& e) {
        c.error = e.what();
      } catch (const itk::ExceptionObject& e) {
        c.error = "case folder " + dir + ": internal error (ITK): " + e.GetDescription();
      } catch (const std::exception& e) {
        c.error = "case folder " + dir + ": internal error: " + e.what();
      } catch (...) {
        c.error = "case folder " + dir + ": internal error: an unknown exception";
      }
      log.EndStages();  // this case's stages, before the next case's line
    }
    if (!c.error.empty()) {
      c.rows.clear();
      log.Warn("case " + c.name + " failed: " + c.error);
    }
    result.cases.push_back(std::move(c));
    if (on_case) on_case(result.cases.back());
  }
  return result;
}

std::size_t CaseNameWidth(const std::vector<std::string>& case_folders) {
  std::size_t width = 20;  // the table's usual look; longer names widen the column
  for (const std::string& f : case_folders) width = std::max(width, CaseName(f).size());
  return width;
}

std::string RegressTableHeader(std::size_t name_width) {
  return Row(name_width, "case", "label", "truth_mm", "measured_mm", "error_mm", "tol_mm", "truth_cat",
             "measured_cat", "result", "");
}

std::string RegressCaseRows(const RegressCase& c, std::size_t name_width) {
  std::string out;
  for (const RegressRow& row : c.rows) {
    const bool both = row.measured && row.in_truth;
    std::string note = row.problem;
    if (row.pass && row.borderline && row.measured_category != row.truth_category) {
      note = "category differs, accepted: the true margin is within the tolerance of a threshold";
    }
    out += Row(name_width, row.case_name, std::to_string(row.label), Mm("%.2f", row.truth_mm, row.in_truth),
               Mm("%.2f", row.measured_mm, row.measured), Mm("%+.2f", row.measured_mm - row.truth_mm, both),
               Mm("%.2f", row.tolerance_mm, true), row.truth_category, row.measured_category,
               row.pass ? "ok" : "FAIL", note);
  }
  return out;
}

std::string RegressTableFooter(const RegressResult& r) {
  std::string out;
  for (const RegressCase& c : r.cases) {
    if (!c.error.empty()) out += "case failed: " + c.name + ": " + c.error + "\n";
  }
  // Cases and tumours counted apart: a case that could not be run has no
  // tumour rows, and a case fails when any of its tumours does.
  const std::size_t cases_failed = static_cast<std::size_t>(
      std::count_if(r.cases.begin(), r.cases.end(), [](const RegressCase& c) { return !c.Passed(); }));
  const Errors e = Tally(r);
  std::string summary = "summary: " + Count(r.cases.size(), "case") + ": " +
                        std::to_string(r.cases.size() - cases_failed) + " passed, " +
                        std::to_string(cases_failed) + " failed";
  if (r.CasesNotRun() > 0) summary += " (" + std::to_string(r.CasesNotRun()) + " could not be run)";
  summary += "; " + Count(e.rows, "tumour") + ": " + std::to_string(e.passed) + " passed, " +
             std::to_string(e.rows - e.passed) + " failed";
  char buf[160];
  std::snprintf(buf, sizeof buf, "; |error| mean %.2f mm, max %.2f mm: %s\n",
                e.measured ? e.sum_abs / e.measured : 0.0, e.worst, r.Passed() ? "PASS" : "FAIL");
  return out + summary + buf;
}

std::string RegressTable(const RegressResult& r) {
  std::vector<std::string> folders;
  for (const RegressCase& c : r.cases) folders.push_back(c.folder);
  const std::size_t width = CaseNameWidth(folders);
  std::string out = RegressTableHeader(width);
  for (const RegressCase& c : r.cases) out += RegressCaseRows(c, width);
  return out + RegressTableFooter(r);
}

std::string RegressFailure(const RegressResult& r) {
  std::vector<std::string> parts;
  if (r.TumoursFailed() > 0) {
    parts.push_back(Count(r.TumoursFailed(), "tumour") + " failed in " +
                    Count(r.CasesWithFailedTumours(), "case") + " (the rows marked FAIL)");
  }
  if (r.CasesNotRun() > 0) {
    parts.push_back(Count(r.CasesNotRun(), "case") + " could not be run (the 'case failed' lines)");
  }
  if (parts.empty()) return "no tumour was compared";
  std::string out = parts[0];
  for (std::size_t i = 1; i < parts.size(); ++i) out += "; " + parts[i];
  return out;
}

nlohmann::json RegressJson(const RegressResult& r, const RegressParams& params) {
  using nlohmann::json;
  const VersionInfo version = GetVersionInfo();
  json j;
  j["format"] = "margo regress";
  j["format_version"] = 1;
  j["margo"] = {{"version", version.margo}, {"git_revision", version.git_revision}};
  j["suite"] = params.suite;
  j["registration"] = RegistrationModeName(params.registration);
  j["tolerance_mm"] = NumberOrNull(params.tolerance_mm, params.tolerance_mm >= 0.0);  // null: per case
  j["cases"] = json::array();
  for (const RegressCase& c : r.cases) {
    json jc;
    jc["name"] = c.name;
    jc["folder"] = c.folder;
    jc["result"] = !c.error.empty() ? "not run" : c.Passed() ? "passed" : "failed";
    jc["error"] = c.error.empty() ? json() : json(c.error);
    jc["tolerance_mm"] = NumberOrNull(c.tolerance_mm, c.error.empty());
    jc["tumours"] = json::array();
    for (const RegressRow& row : c.rows) {
      const bool both = row.measured && row.in_truth;
      jc["tumours"].push_back({
          {"label", row.label},
          {"truth_mm", NumberOrNull(row.truth_mm, row.in_truth)},
          {"measured_mm", NumberOrNull(row.measured_mm, row.measured)},
          {"error_mm", NumberOrNull(row.measured_mm - row.truth_mm, both)},
          {"tolerance_mm", row.tolerance_mm},
          {"truth_category", row.in_truth ? json(row.truth_category) : json()},
          {"measured_category", row.measured ? json(row.measured_category) : json()},
          {"borderline", row.borderline},
          {"result", row.pass ? "passed" : "failed"},
          {"problem", row.problem.empty() ? json() : json(row.problem)},
      });
    }
    j["cases"].push_back(jc);
  }
  j["skipped"] = json::array();
  for (const std::string& s : r.skipped) {
    j["skipped"].push_back({{"name", CaseName(s)}, {"folder", s}, {"reason", "no truth.json"}});
  }
  const Errors e = Tally(r);
  const std::size_t cases_passed = static_cast<std::size_t>(
      std::count_if(r.cases.begin(), r.cases.end(), [](const RegressCase& c) { return c.Passed(); }));
  j["summary"] = {
      {"cases", r.cases.size()},
      {"cases_passed", cases_passed},
      {"cases_failed", r.cases.size() - cases_passed},
      {"cases_not_run", r.CasesNotRun()},
      {"tumours", e.rows},
      {"tumours_passed", e.passed},
      {"tumours_failed", e.rows - e.passed},
      {"abs_error_mean_mm", NumberOrNull(e.measured ? e.sum_abs / e.measured : 0.0, e.measured > 0)},
      {"abs_error_max_mm", NumberOrNull(e.worst, e.measured > 0)},
      {"result", r.Passed() ? "passed" : "failed"},
  };
  return j;
}

}  // namespace margo
