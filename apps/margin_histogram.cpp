#include "apps/margin_histogram.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "apps/margin_colours.h"

namespace margo {
namespace {

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

std::vector<HistogramBin> MarginHistogram(const MarginMesh& mesh) {
  std::vector<HistogramBin> bins;
  if (mesh.margin_mm.empty()) return bins;
  const auto [lo, hi] = std::minmax_element(mesh.margin_mm.begin(), mesh.margin_mm.end());
  const double first = std::floor(*lo);
  const std::size_t count = std::max<std::size_t>(1, std::size_t(std::ceil(*hi) - first));
  for (std::size_t i = 0; i < count; ++i) bins.push_back({first + double(i), 0.0});
  const std::vector<double> area = mesh.VertexAreasMm2();
  double total = 0.0;
  for (std::size_t i = 0; i < area.size(); ++i) {
    const std::size_t bin = std::min(count - 1, std::size_t(std::floor(mesh.margin_mm[i] - first)));
    bins[bin].share += area[i];
    total += area[i];
  }
  for (HistogramBin& b : bins) b.share /= std::max(total, 1e-12);
  return bins;
}

std::string MarginHistogramSvg(const MarginMesh& mesh, const CategoryThresholds& thresholds) {
  const std::vector<HistogramBin> bins = MarginHistogram(mesh);
  const double width = 340, height = 340, left = 44, bottom = 40, top = 14, right = 10;
  const double plot_w = width - left - right, plot_h = height - top - bottom;
  double peak = 0.0;
  for (const HistogramBin& b : bins) peak = std::max(peak, b.share);
  peak = std::max(peak, 1e-6);
  const double bar = plot_w / double(std::max<std::size_t>(bins.size(), 1));
  std::string svg =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 340 340\" width=\"340\" height=\"340\" "
      "font-size=\"11\" "
      "font-family=\"Helvetica,Arial,sans-serif\"><rect width=\"340\" height=\"340\" fill=\"#fff\"/>";
  for (std::size_t i = 0; i < bins.size(); ++i) {
    const double h = plot_h * bins[i].share / peak;
    svg += "<rect x=\"" + Num(left + bar * double(i)) + "\" y=\"" + Num(top + plot_h - h) + "\" width=\"" +
           Num(std::max(bar - 1.0, 1.0)) + "\" height=\"" + Num(h) + "\" fill=\"" +
           CssColour(MarginColour(bins[i].from_mm + 0.5, thresholds)) + "\"/>";
  }
  // Axes, the peak share and every few bins' margin.
  svg += "<line x1=\"" + Num(left) + "\" y1=\"" + Num(top + plot_h) + "\" x2=\"" + Num(left + plot_w) +
         "\" y2=\"" + Num(top + plot_h) + "\" stroke=\"#333\"/><line x1=\"" + Num(left) + "\" y1=\"" +
         Num(top) + "\" x2=\"" + Num(left) + "\" y2=\"" + Num(top + plot_h) + "\" stroke=\"#333\"/>";
  svg += "<text x=\"" + Num(left - 4) + "\" y=\"" + Num(top + 8) + "\" text-anchor=\"end\">" +
         Num(100.0 * peak) + "%</text><text x=\"" + Num(left - 4) + "\" y=\"" + Num(top + plot_h) +
         "\" text-anchor=\"end\">0</text>";
  const std::size_t every = std::max<std::size_t>(1, (bins.size() + 7) / 8);
  for (std::size_t i = 0; i <= bins.size(); i += every) {
    const double from = bins.empty() ? 0.0 : bins.front().from_mm + double(i);
    svg += "<text x=\"" + Num(left + bar * double(i)) + "\" y=\"" + Num(top + plot_h + 14) +
           "\" text-anchor=\"middle\">" + Num(from).substr(0, Num(from).size() - 2) + "</text>";
  }
  svg += "<text x=\"" + Num(left + plot_w / 2) + "\" y=\"" + Num(height - 6) +
         "\" text-anchor=\"middle\">margin (mm)</text></svg>";
  return svg;
}

}  // namespace margo
