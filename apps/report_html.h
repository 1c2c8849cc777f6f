// report.html: one self-contained page (pictures embedded as base64 PNG data
// URIs, the histogram as inline SVG, no script, nothing fetched) that a
// radiologist reads in a minute: the summary table, and per tumour an axial
// and a coronal post-CT slice through the minimal-margin point, the 3D view
// from the thinnest side and the margin histogram; then the registration
// check, the inputs and the software.
#pragma once

#include <string>
#include <vector>

#include "apps/margin_map.h"
#include "apps/report.h"

namespace margo {

struct HtmlReport {
  std::string html;
  std::vector<std::string> notes;  // pictures that could not be drawn, and why
};

// `maps` in the post CT's world (not moved to the pre space).
HtmlReport ReportHtml(const Assessment& a, const MarginMaps& maps, const VersionInfo& version,
                      const std::string& command_line);

}  // namespace margo
