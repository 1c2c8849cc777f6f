#include "apps/report_csv.h"

#include <cstdio>
#include <vector>

#include "apps/headline.h"

namespace margo {
namespace {

const char* kHeader =
    "label,assessable,volume_ml,min_margin_mm,p1_mm,p5_mm,p25_mm,p50_mm,surface_coverage_5mm,"
    "surface_coverage_10mm,shell_coverage_3mm,shell_coverage_6mm,residual_unablated_ml,residual_unablated_"
    "percent,"
    "category,borderline,uncertainty_mm,target_mm,target_met,min_point_l_mm,min_point_p_mm,min_point_s_mm,"
    "thinnest_l,thinnest_p,thinnest_s,not_assessable_reason,residual_deep_ml,category_reason\n";

std::string Quoted(const std::string& field) {
  if (field.find_first_of(",\"\n\r") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string Optional(const std::optional<double>& v) { return v ? Number(*v) : ""; }

std::vector<std::string> Row(const Assessment& a, const TumourMargin& t) {
  const std::optional<TargetAssessment> target = TargetOf(a, t);
  std::vector<std::string> row = {std::to_string(t.label), t.assessable ? "true" : "false",
                                  Number(t.volume_ml)};
  if (!t.assessable) {
    row.resize(25);
    if (target && target->target_mm) row[17] = Number(*target->target_mm);
    row.push_back(t.not_assessable_reason);
    row.resize(28);
    return row;
  }
  for (double v : {t.min_margin_mm, t.p1_mm, t.p5_mm, t.p25_mm, t.p50_mm}) row.push_back(Number(v));
  row.push_back(Optional(CoverageAt(t.surface_coverage, 5.0)));
  row.push_back(Optional(CoverageAt(t.surface_coverage, 10.0)));
  row.push_back(Optional(CoverageAt(t.shell_coverage, 3.0)));
  row.push_back(Optional(CoverageAt(t.shell_coverage, 6.0)));
  row.push_back(Number(t.residual_ml));
  row.push_back(Number(t.residual_percent));
  row.push_back(CategoryName(t.category));
  row.push_back(t.borderline ? "true" : "false");
  row.push_back(Number(t.uncertainty_mm));
  row.push_back(target && target->target_mm ? Number(*target->target_mm) : "");
  row.push_back(target && target->met ? (*target->met ? "true" : "false") : "");
  for (double v : t.min_point_lps_mm) row.push_back(Number(v));
  for (double v : t.thinnest_direction) row.push_back(Number(v));
  row.push_back("");
  row.push_back(Number(t.residual_deep_ml));
  row.push_back(t.category_reason);
  return row;
}

}  // namespace

std::string TumoursCsv(const Assessment& a) {
  std::string out = kHeader;
  for (const TumourMargin& t : a.tumours) {
    const std::vector<std::string> row = Row(a, t);
    for (std::size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + Quoted(row[i]);
    out += "\n";
  }
  return out;
}

}  // namespace margo
