#include "apps/regress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/error.h"

namespace margo {
namespace {

namespace fs = std::filesystem;

struct TruthTumour {
  std::uint16_t label = 0;
  double min_margin_mm = 0.0;
  std::string category;
};

nlohmann::json ReadTruth(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorKind::kInputUnreadable, "truth " + path.string() + ": cannot be opened");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::kInputUnreadable, "truth " + path.string() + ": not valid JSON: " + e.what());
  }
}

// Post-space truth (margo measures in the post CT by default); schema 1.0
// files (testdata/phantom_small) carry one margin, equal in both spaces.
std::vector<TruthTumour> TruthTumours(const nlohmann::json& truth, MeasureSpace space, const fs::path& path) {
  std::vector<TruthTumour> out;
  try {
    for (const auto& t : truth.at("tumours")) {
      const char* key = space == MeasureSpace::kPre ? "pre" : "post";
      const auto& s = t.contains(key) ? t.at(key) : t;
      out.push_back({t.at("label").get<std::uint16_t>(), s.at("min_margin_mm").get<double>(),
                     s.at("category").get<std::string>()});
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::kInputUnreadable,
                "truth " + path.string() +
                    ": expected tumours[] with label, min_margin_mm and category: " + e.what());
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
  row.measured_category = "-";
  row.borderline = NearThreshold(truth.min_margin_mm, tolerance_mm);
  if (measured == nullptr) {
    row.problem = "not in the report";
  } else if (!measured->assessable) {
    row.problem = "not assessable: " + measured->not_assessable_reason;
  } else {
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

void RunCase(const std::string& dir, const RegressParams& params, Log& log, RegressResult& result) {
  const fs::path d(dir);
  const std::string name = d.filename().string();
  AssessParams a;
  a.pre_ct = (d / "pre_ct.nii.gz").string();
  a.post_ct = (d / "post_ct.nii.gz").string();
  a.tumours = (d / "tumours.nii.gz").string();
  a.ablation = (d / "ablation.nii.gz").string();
  // The liver masks, as a user with them would give them (both or neither).
  if (fs::exists(d / "pre_liver.nii.gz") && fs::exists(d / "post_liver.nii.gz")) {
    a.pre_liver = (d / "pre_liver.nii.gz").string();
    a.post_liver = (d / "post_liver.nii.gz").string();
  }
  if (fs::exists(d / "landmarks_pre.csv") && fs::exists(d / "landmarks_post.csv")) {
    a.landmarks_pre = (d / "landmarks_pre.csv").string();
    a.landmarks_post = (d / "landmarks_post.csv").string();
  }
  a.registration = params.registration;
  const auto truth = TruthTumours(ReadTruth(d / "truth.json"), a.space, d / "truth.json");
  const Assessment assessment = RunAssess(a, log);
  const double tolerance =
      params.tolerance_mm >= 0.0
          ? params.tolerance_mm
          : kKernelErrorBoundVoxels * LargestLabelSpacingMm(assessment) + kRegistrationUncertaintyMm;
  std::map<std::uint16_t, const TumourMargin*> by_label;
  for (const TumourMargin& m : assessment.tumours) by_label[m.label] = &m;
  for (const TruthTumour& t : truth) {
    result.rows.push_back(Compare(name, t, by_label.count(t.label) ? by_label[t.label] : nullptr, tolerance));
  }
}

// "1 case", "2 cases".
std::string Count(std::size_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

// "-" when the tumour has no measurement.
std::string Mm(const char* fmt, double value, bool has) {
  if (!has) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, fmt, value);
  return buf;
}

}  // namespace

bool RegressResult::Passed() const {
  return case_errors.empty() && !rows.empty() &&
         std::all_of(rows.begin(), rows.end(), [](const RegressRow& r) { return r.pass; });
}

std::vector<std::string> FindCases(const std::string& suite) {
  const fs::path root(suite);
  std::error_code ec;
  const fs::file_status status = fs::status(root, ec);
  if (!fs::is_directory(status)) {
    const std::string found = !fs::exists(status)           ? "no such folder"
                              : fs::is_regular_file(status) ? "is a file"
                                                            : "is not a folder";
    throw Error(ErrorKind::kInputUnreadable,
                "suite " + suite + ": " + found + "; expected a folder of case folders, or one case folder");
  }
  if (fs::exists(root / "truth.json")) return {root.string()};
  std::vector<std::string> cases;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (entry.is_directory() && fs::exists(entry.path() / "truth.json"))
      cases.push_back(entry.path().string());
  }
  std::sort(cases.begin(), cases.end());
  if (cases.empty()) {
    throw Error(
        ErrorKind::kInputUnreadable,
        "suite " + suite + ": no case found; expected sub-folders holding truth.json and the case images");
  }
  return cases;
}

RegressResult RunRegress(const RegressParams& params, Log& log) {
  RegressResult result;
  const std::vector<std::string> cases = FindCases(params.suite);
  for (const std::string& dir : cases) {
    ++result.cases;
    log.Info("case " + std::to_string(result.cases) + "/" + std::to_string(cases.size()) + ": " + dir);
    try {
      RunCase(dir, params, log, result);
    } catch (const Error& e) {
      log.Warn("case " + dir + " failed: " + e.what());
      result.case_errors.push_back(fs::path(dir).filename().string() + ": " + e.what());
    }
  }
  return result;
}

std::string RegressTable(const RegressResult& r) {
  std::string out =
      "case                  label  truth_mm  measured_mm  error_mm  tol_mm  truth_cat   measured_cat  "
      "result\n";
  double worst = 0.0, sum_abs = 0.0;
  std::size_t measured = 0, passed = 0;
  for (const RegressRow& row : r.rows) {
    char buf[256];
    const bool has = row.measured_category != "-";
    const double error = row.measured_mm - row.truth_mm;
    std::snprintf(buf, sizeof buf, "%-20s %6u %9.2f %12s %9s %7.2f  %-10s  %-12s  %s%s%s\n",
                  row.case_name.c_str(), unsigned(row.label), row.truth_mm,
                  Mm("%.2f", row.measured_mm, has).c_str(), Mm("%+.2f", error, has).c_str(), row.tolerance_mm,
                  row.truth_category.c_str(), row.measured_category.c_str(), row.pass ? "ok" : "FAIL",
                  row.problem.empty() ? "" : ": ", row.problem.c_str());
    out += buf;
    if (row.borderline && row.pass && row.measured_category != row.truth_category) {
      out += "    (category differs, accepted: the true margin is within the tolerance of a threshold)\n";
    }
    if (has) {
      worst = std::max(worst, std::abs(error));
      sum_abs += std::abs(error);
      ++measured;
    }
    passed += row.pass ? 1 : 0;
  }
  for (const std::string& e : r.case_errors) out += "case failed: " + e + "\n";
  // Cases and tumours counted apart: a case that could not be run has no
  // tumour rows, and a case fails when any of its tumours does.
  std::set<std::string> failed_cases;
  for (const RegressRow& row : r.rows) {
    if (!row.pass) failed_cases.insert(row.case_name);
  }
  const std::size_t cases_failed = failed_cases.size() + r.case_errors.size();
  std::string summary = "summary: " + Count(r.cases, "case") + ": " +
                        std::to_string(r.cases - std::min(cases_failed, r.cases)) + " passed, " +
                        std::to_string(cases_failed) + " failed";
  if (!r.case_errors.empty()) summary += " (" + std::to_string(r.case_errors.size()) + " could not be run)";
  summary += "; " + Count(r.rows.size(), "tumour") + ": " + std::to_string(passed) + " passed, " +
             std::to_string(r.rows.size() - passed) + " failed";
  char buf[160];
  std::snprintf(buf, sizeof buf, "; |error| mean %.2f mm, max %.2f mm: %s\n",
                measured ? sum_abs / measured : 0.0, worst, r.Passed() ? "PASS" : "FAIL");
  return out + summary + buf;
}

}  // namespace margo
