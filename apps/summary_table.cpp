#include "apps/summary_table.h"

#include <cstdio>

#include "apps/headline.h"

namespace margo {
namespace {

const char* kReset = "\033[0m";

const char* AnsiFor(MarginCategory c) {
  switch (c) {
    case MarginCategory::kA0:
      return "\033[1;34m";
    case MarginCategory::kA1:
      return "\033[1;32m";
    case MarginCategory::kA2:
      return "\033[1;33m";
    case MarginCategory::kIncomplete:
      break;
  }
  return "\033[1;31m";
}

// `text` left-aligned in `width` columns, coloured without disturbing the alignment.
std::string Cell(const std::string& text, int width, const char* ansi) {
  std::string padded = text;
  if (int(padded.size()) < width) padded.append(std::size_t(width - int(padded.size())), ' ');
  return ansi != nullptr ? ansi + text + kReset + padded.substr(text.size()) : padded;
}

std::string Number(double v, const char* format = "%.2f") {
  char buf[32];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string Percent(const std::optional<double>& share) {
  return share ? Number(100.0 * *share, "%.0f") : "-";
}

}  // namespace

std::string SummaryTable(const Assessment& a, bool colour) {
  char row[256];
  std::snprintf(row, sizeof row, "%5s  %9s  %13s  %6s  %6s  %7s  %-10s  %-7s  %s\n", "label", "volume_ml",
                "min_margin_mm", "p5_mm", "cov5_%", "cov10_%", "category", "target", "borderline");
  std::string out = row;
  for (const TumourMargin& t : a.tumours) {
    if (!t.assessable) {
      std::snprintf(row, sizeof row, "%5u  %9.2f  %13s  %6s  %6s  %7s  ", t.label, t.volume_ml, "-", "-", "-",
                    "-");
      out +=
          row + Cell("not assessable: " + t.not_assessable_reason, 0, colour ? "\033[1;31m" : nullptr) + "\n";
      continue;
    }
    std::snprintf(row, sizeof row, "%5u  %9.2f  %13.2f  %6.2f  %6s  %7s  ", t.label, t.volume_ml,
                  t.min_margin_mm, t.p5_mm, Percent(CoverageAt(t.surface_coverage, 5.0)).c_str(),
                  Percent(CoverageAt(t.surface_coverage, 10.0)).c_str());
    const std::string target = TargetText(TargetOf(a, t));
    out += row + Cell(CategoryName(t.category), 10, colour ? AnsiFor(t.category) : nullptr) + "  " +
           Cell(target, 7, colour && target == "not met" ? "\033[1;31m" : nullptr) + "  " +
           Cell(t.borderline ? "yes" : "no", 0, colour && t.borderline ? "\033[1;33m" : nullptr) + "\n";
  }
  for (const TumourMargin& t : a.tumours) {
    if (t.assessable && !t.category_reason.empty()) {
      out += "tumour " + std::to_string(t.label) + " " + CategoryName(t.category) + ": " + t.category_reason +
             "\n";
    }
  }
  return out;
}

}  // namespace margo
