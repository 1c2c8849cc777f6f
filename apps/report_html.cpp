#include "apps/report_html.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <sstream>

#include "apps/headline.h"
#include "apps/html_text.h"
#include "apps/margin_histogram.h"
#include "apps/mesh_render.h"
#include "apps/picture.h"
#include "apps/registration_html.h"
#include "apps/slice_picture.h"
#include "core/parallel_for.h"

namespace margo {
namespace {

const char* kStyle = R"(<style>
body{font-family:Helvetica,Arial,sans-serif;margin:20px;color:#1a1a1a;max-width:1300px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:26px 0 6px;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #bbb;padding:4px 9px;text-align:right}
th{background:#eee}td.l,th.l{text-align:left}.badge{color:#fff;font-weight:bold;padding:2px 8px;border-radius:3px}
.pics{display:flex;flex-wrap:wrap;gap:12px}.pics figure{margin:0}.pics img,.pics svg{width:276px;height:276px;display:block}
figcaption{font-size:12px;color:#444;max-width:276px}.wide img{width:420px;height:420px}.small{font-size:12px;color:#555}.warn{color:#b91c1c;font-weight:bold}
.legend span{display:inline-block;width:14px;height:14px;vertical-align:middle;margin:0 4px 0 12px}
code{font-size:12px;word-break:break-all}
</style>)";

std::string Percent(const std::optional<double>& share) {
  return share ? Fixed(100.0 * *share, 0) + " %" : "-";
}

// A minimal margin as shown beside its category: to 0.01 mm, as the console
// table has it, so that 4.96 mm (A2) does not read "5.0".
std::string MarginText(double mm) { return Fixed(mm, 2); }

std::string Badge(const TumourMargin& t) {
  if (!t.assessable) return "<span class=\"badge\" style=\"background:#666\">not assessable</span>";
  return "<span class=\"badge\" style=\"background:" + CssColour(CategoryColour(t.category)) + "\">" +
         CategoryName(t.category) + "</span>";
}

// Anatomical words for a unit LPS direction: its strongest components.
std::string DirectionWords(const Vec3& d) {
  static const char* kPositive[] = {"left", "posterior", "superior"};
  static const char* kNegative[] = {"right", "anterior", "inferior"};
  std::string out;
  for (int a = 0; a < 3; ++a) {
    if (std::abs(d[a]) < 0.35) continue;
    out += (out.empty() ? "" : "-") + std::string(d[a] > 0 ? kPositive[a] : kNegative[a]);
  }
  return out.empty() ? "-" : out;
}

std::string SummaryRows(const Assessment& a) {
  std::string rows;
  for (const TumourMargin& t : a.tumours) {
    rows += "<tr><td>" + std::to_string(t.label) + "</td><td>" + Fixed(t.volume_ml, 2) + "</td>";
    if (!t.assessable) {
      rows += "<td colspan=\"5\" class=\"l\">" + Escape(t.not_assessable_reason) + "</td><td>" + Badge(t) +
              "</td><td>-</td><td>-</td></tr>\n";
      continue;
    }
    const std::string target = TargetText(TargetOf(a, t));
    rows += "<td><b>" + MarginText(t.min_margin_mm) + "</b></td><td>" + Fixed(t.p5_mm) + "</td><td>" +
            Percent(CoverageAt(t.surface_coverage, 5.0)) + "</td><td>" +
            Percent(CoverageAt(t.surface_coverage, 10.0)) + "</td><td class=\"l\">" +
            DirectionWords(t.thinnest_direction) + "</td><td>" + Badge(t) + "</td><td" +
            (target == "not met" ? " class=\"warn\"" : "") + ">" + target + "</td><td>" +
            (t.borderline ? "<span class=\"warn\">yes</span>" : "no") + "</td></tr>\n";
  }
  return rows;
}

std::string SummaryTableHtml(const Assessment& a) {
  return "<table id=\"summary\"><tr><th>tumour</th><th>volume (mL)</th><th>minimal margin (mm)</th>"
         "<th>p5 (mm)</th><th>coverage &ge; 5 mm</th><th>coverage &ge; 10 mm</th><th class=\"l\">thinnest "
         "toward</th>"
         "<th>category</th><th>target</th><th>borderline</th></tr>\n" +
         SummaryRows(a) + "</table>\n";
}

std::string Legend(const CategoryThresholds& t) {
  auto item = [](Rgb c, const std::string& text) {
    return "<span style=\"background:" + CssColour(c) + "\"></span>" + text;
  };
  return "<p class=\"legend small\">Margin colours:" + item(kMarginRed, "&lt; 0 mm") +
         item(kMarginYellow, "0 to " + Fixed(t.a1_from_mm, 0) + " mm") +
         item(kMarginGreen, Fixed(t.a1_from_mm, 0) + " to " + Fixed(t.a0_above_mm, 0) + " mm") +
         item(kMarginBlue, "&gt; " + Fixed(t.a0_above_mm, 0) + " mm") +
         ". Slices: " + item(kTumourContour, "tumour (carried into the post CT)") +
         item(kZoneContour, "ablation zone") + ", white ring: minimal-margin point.</p>\n";
}

// A picture, or a note saying why there is none; never an exception.
std::string Figure(const std::function<Picture()>& draw, const std::string& caption, const std::string& what,
                   std::vector<std::string>& notes) {
  try {
    return "<figure><img alt=\"" + Escape(what) + "\" src=\"" + PngDataUri(draw()) + "\"><figcaption>" +
           caption + "</figcaption></figure>\n";
  } catch (const std::exception& e) {
    notes.push_back(what + ": not drawn: " + e.what());
    return "<figure><p class=\"warn\">" + Escape(what) + " not available: " + Escape(e.what()) +
           "</p></figure>\n";
  }
}

// Side (mm) of the slices: the tumour and 30 mm around it, within 50..160 mm.
double SliceFieldMm(const MarginMesh* tumour) {
  if (tumour == nullptr || tumour->points_mm.empty()) return 100.0;
  double extent = 0.0;
  for (int a = 0; a < 3; ++a) {
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    for (const Vec3& p : tumour->points_mm) lo = std::min(lo, p[a]), hi = std::max(hi, p[a]);
    extent = std::max(extent, hi - lo);
  }
  return std::clamp(extent + 60.0, 50.0, 160.0);
}

Vec3 PostSpacePoint(const Assessment& a, const Vec3& reported) {
  return a.measuring_space == "pre" ? a.images->post_to_pre.ApplyInverse(reported) : reported;
}

std::string TumourSection(const Assessment& a, const TumourMargin& t, const MarginMaps& maps,
                          std::vector<std::string>& notes) {
  std::string s = "<h2>Tumour " + std::to_string(t.label) + " " + Badge(t) + "</h2>\n";
  if (!t.assessable) return s + "<p>Not assessable: " + Escape(t.not_assessable_reason) + "</p>\n";
  const auto mesh = std::find_if(maps.tumours.begin(), maps.tumours.end(), [&t](const MarginMesh& m) {
    return m.label == t.label && !m.points_mm.empty();
  });
  s += "<p>Minimal margin <b>" + MarginText(t.min_margin_mm) + " mm</b> at " + Point(t.min_point_lps_mm) +
       " mm (LPS, " + Escape(a.measuring_space) + " space), thinnest toward <b>" +
       DirectionWords(t.thinnest_direction) + "</b>. Percentiles p1/p5/p25/p50: " + Fixed(t.p1_mm) + " / " +
       Fixed(t.p5_mm) + " / " + Fixed(t.p25_mm) + " / " + Fixed(t.p50_mm) +
       " mm. Shell coverage 3 mm: " + Percent(CoverageAt(t.shell_coverage, 3.0)) +
       ", 6 mm: " + Percent(CoverageAt(t.shell_coverage, 6.0)) +
       ". Residual unablated tumour: " + Fixed(t.residual_ml, 2) + " mL (" + Fixed(t.residual_percent) +
       " %). Uncertainty &plusmn;" + Fixed(t.uncertainty_mm) + " mm" +
       (t.borderline ? " <span class=\"warn\">(borderline)</span>" : "") + ".</p>\n";
  if (!t.category_reason.empty()) {
    s +=
        "<p class=\"warn\">" + Escape(CategoryName(t.category)) + ": " + Escape(t.category_reason) + "</p>\n";
  }
  if (const std::optional<TargetAssessment> target = TargetOf(a, t)) {
    s += "<p>Clinical target: " +
         (target->target_mm ? Fixed(*target->target_mm, 0) + " mm" : std::string("undecided")) + " (" +
         Escape(target->risk) + " risk: " + Escape(target->reason) + "): <b" +
         (TargetText(target) == "not met" ? " class=\"warn\"" : "") + ">" + TargetText(target) +
         "</b>.</p>\n";
  }
  s += "<div class=\"pics\">\n";
  const Vec3 at = PostSpacePoint(a, t.min_point_lps_mm);
  const double field = SliceFieldMm(mesh != maps.tumours.end() ? &*mesh : nullptr);
  const ReportImages& images = *a.images;
  for (SlicePlane plane : {SlicePlane::kAxial, SlicePlane::kCoronal}) {
    const bool axial = plane == SlicePlane::kAxial;
    const SliceView view{plane, at, field, 400};
    s += Figure([&] { return TumourSlice(images, t.label, view, at); },
                std::string(axial ? "Axial" : "Coronal") + " post CT through the minimal-margin point; " +
                    (axial ? "anterior up" : "superior up") + ", patient's left on the right; " +
                    Fixed(field, 0) + " mm across.",
                std::string(axial ? "axial" : "coronal") + " slice of tumour " + std::to_string(t.label),
                notes);
  }
  if (mesh != maps.tumours.end()) {
    MarginViewOptions options;
    const Vec3 min_point = mesh->points_mm[mesh->MinIndex()];
    const Vec3 centre = mesh->Centroid();
    for (int k = 0; k < 3; ++k) options.toward_viewer[k] = min_point[k] - centre[k];
    const MarginMesh* zone = maps.zone ? &*maps.zone : nullptr;
    s += Figure(
        [&] { return RenderMarginView(*mesh, zone, a.margin.thresholds, options); },
        "3D: tumour surface coloured by margin inside the translucent ablation zone, seen from its thinnest "
        "side (" +
            DirectionWords(t.thinnest_direction) + "); ring: minimal-margin point.",
        "3D view of tumour " + std::to_string(t.label), notes);
    s += "<figure>" + MarginHistogramSvg(*mesh, a.margin.thresholds) +
         "<figcaption>Share of the tumour surface by margin (1 mm bins, "
         "area-weighted).</figcaption></figure>\n";
  } else {
    notes.push_back("3D view of tumour " + std::to_string(t.label) + ": no surface mesh");
  }
  return s + "</div>\n";
}

std::string RegistrationSection(const Assessment& a, std::vector<std::string>& notes) {
  std::string s = "<h2>Registration</h2>\n";
  s += RegistrationSummaryHtml(a);
  if (!a.registration) return s;
  const ReportImages& images = *a.images;
  if (!images.post_ct || !images.pre_ct) return s;
  // The whole axial extent of the post CT (liver included), at the first
  // assessable tumour's minimal-margin point, else mid-scan.
  const WorldBox ct = WorldBounds(GeometryOf(*images.post_ct));
  Vec3 centre{};
  for (int k = 0; k < 3; ++k) centre[k] = 0.5 * (ct.min_mm[k] + ct.max_mm[k]);
  const auto first =
      std::find_if(a.tumours.begin(), a.tumours.end(), [](const TumourMargin& t) { return t.assessable; });
  if (first != a.tumours.end()) centre[2] = PostSpacePoint(a, first->min_point_lps_mm)[2];
  const double field = std::max(ct.max_mm[0] - ct.min_mm[0], ct.max_mm[1] - ct.min_mm[1]);
  const SliceView view{SlicePlane::kAxial, centre, field, 400};
  s += "<div class=\"pics wide\">" +
       Figure([&] { return RegistrationCheckerboard(images, view, 20.0); },
              "Checkerboard of the post CT (grey) and the registered pre CT (warm tint), 20 mm squares, "
              "axial at S = " +
                  Fixed(centre[2]) +
                  " mm: organ edges run straight across the squares when the registration is good.",
              "registration checkerboard", notes) +
       "</div>\n";
  return s;
}

std::string InputsSection(const Assessment& a, const VersionInfo& v, const std::string& command_line) {
  std::string s =
      "<h2>Inputs and software</h2>\n<table><tr><th class=\"l\">input</th><th class=\"l\">path</th>"
      "<th class=\"l\">SHA-256</th></tr>\n";
  for (const InputRecord& in : a.inputs) {
    s += "<tr><td class=\"l\">" + Escape(in.role) + "</td><td class=\"l\"><code>" + Escape(in.report.path) +
         "</code></td><td class=\"l\"><code>" + in.sha256 + "</code></td></tr>\n";
  }
  s += "</table>\n<p class=\"small\">Command: <code>" + Escape(command_line) + "</code><br>margo " +
       Escape(v.margo) + " (git " + Escape(v.git_revision) + "), ITK " + Escape(v.itk) + ", VTK " +
       Escape(v.vtk) +
       ". Margins: signed distance from each vertex of the tumour's smoothed surface to the ablation zone's "
       "(docs/MARGINS.md). Full numbers: report.json, tumours.csv.</p>\n";
  return s;
}

}  // namespace

HtmlReport ReportHtml(const Assessment& a, const MarginMaps& maps, const VersionInfo& version,
                      const std::string& command_line) {
  HtmlReport out;
  std::string body =
      "<h1>Ablation margin report</h1>\n<p class=\"small\">" + std::to_string(a.tumours.size()) +
      " tumour(s); categories: A0 &gt; " + Fixed(a.margin.thresholds.a0_above_mm, 0) + " mm, A1 " +
      Fixed(a.margin.thresholds.a1_from_mm, 0) + "&ndash;" + Fixed(a.margin.thresholds.a0_above_mm, 0) +
      " mm, A2 0&ndash;" + Fixed(a.margin.thresholds.a1_from_mm, 0) + " mm, incomplete &lt; 0 mm.</p>\n" +
      SummaryTableHtml(a) + Legend(a.margin.thresholds);
  // The registration's section (its whole-slice checkerboard first, the
  // longest) and the tumours', drawn on both cores (pictures are margo's own
  // drawing, no shared state); the tumours' come first in the page.
  const std::size_t n = a.tumours.size();
  std::vector<std::string> sections(n + 1);
  std::vector<std::vector<std::string>> section_notes(n + 1);
  ParallelFor(n + 1, [&](std::size_t i) {
    sections[i] = i == 0 ? RegistrationSection(a, section_notes[i])
                         : TumourSection(a, a.tumours[i - 1], maps, section_notes[i]);
  });
  for (std::size_t i = 1; i <= n + 1; ++i) {
    const std::size_t k = i % (n + 1);  // 1..n, then 0
    body += sections[k];
    out.notes.insert(out.notes.end(), section_notes[k].begin(), section_notes[k].end());
  }
  body += InputsSection(a, version, command_line);
  if (!out.notes.empty()) {
    body += "<h2>Not drawn</h2><ul>";
    for (const std::string& n : out.notes) body += "<li>" + Escape(n) + "</li>";
    body += "</ul>\n";
  }
  out.html =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>margo: ablation margin "
      "report</title>\n" +
      std::string(kStyle) + "</head><body>\n" + body + "</body></html>\n";
  return out;
}

}  // namespace margo
