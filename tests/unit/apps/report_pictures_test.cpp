// The report's drawing blocks on shapes whose pictures are known: a sphere
// whose margin is its x coordinate (so, by Archimedes, margins are uniform
// over its area), seen from either side.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>

#include "apps/margin_histogram.h"
#include "apps/mesh_render.h"
#include "apps/picture.h"

namespace margo {
namespace {

// Latitude-longitude sphere of `radius` mm at the origin; margin = gain * x.
MarginMesh SphereWithMarginX(double radius, double gain = 1.0, int rings = 60, int segments = 120) {
  MarginMesh mesh;
  mesh.label = 7;
  for (int i = 0; i <= rings; ++i) {
    const double theta = M_PI * i / rings;
    for (int j = 0; j < segments; ++j) {
      const double phi = 2 * M_PI * j / segments;
      mesh.points_mm.push_back({radius * std::cos(theta), radius * std::sin(theta) * std::cos(phi),
                                radius * std::sin(theta) * std::sin(phi)});
      mesh.margin_mm.push_back(gain * mesh.points_mm.back()[0]);
    }
  }
  auto at = [segments](int i, int j) { return std::size_t(i * segments + (j % segments)); };
  for (int i = 0; i < rings; ++i) {
    for (int j = 0; j < segments; ++j) {
      mesh.triangles.push_back({at(i, j), at(i + 1, j), at(i + 1, j + 1)});
      mesh.triangles.push_back({at(i, j), at(i + 1, j + 1), at(i, j + 1)});
    }
  }
  return mesh;
}

TEST(MarginHistogramTest, UniformMarginsOverASphereGiveEqualBins) {
  // Fine rings: vertices lie on rings of one x each, so rings must be much closer than a bin.
  const std::vector<HistogramBin> bins = MarginHistogram(SphereWithMarginX(10.0, 1.0, 400, 40));
  ASSERT_EQ(bins.size(), 20u);
  EXPECT_EQ(bins.front().from_mm, -10.0);
  double total = 0.0;
  for (const HistogramBin& b : bins) {
    EXPECT_NEAR(b.share, 0.05, 0.01) << "bin from " << b.from_mm;
    total += b.share;
  }
  EXPECT_NEAR(total, 1.0, 1e-9);
}

TEST(MeshRenderTest, TheSideFacingTheViewerSetsTheColour) {
  const MarginMesh sphere = SphereWithMarginX(10.0, 2.0);  // margins -20..20 mm
  const CategoryThresholds thresholds;
  MarginViewOptions options;
  options.pixels = 101;
  options.surroundings_mm = 2.0;  // the sphere spans 84 of the 101 pixels
  struct Case {
    Vec3 toward_viewer;
    Rgb expected;  // at the centre, before shading
  };
  for (const Case& c : {Case{{-1, 0, 0}, kMarginRed}, Case{{1, 0, 0}, kMarginBlue}}) {
    options.toward_viewer = c.toward_viewer;
    const Picture picture = RenderMarginView(sphere, nullptr, thresholds, options);
    // 20 pixels above the centre, clear of the minimal-margin ring (at the
    // centre or hidden behind): margin about +-17.6 mm.
    const Rgb centre = picture.Get(50, 30);
    const double shade =
        double(centre.r + centre.g + centre.b) / (c.expected.r + c.expected.g + c.expected.b);
    EXPECT_GT(shade, 0.6) << "lit face";
    EXPECT_NEAR(centre.r, c.expected.r * shade, 12.0);
    EXPECT_NEAR(centre.b, c.expected.b * shade, 12.0);
    const Rgb corner = picture.Get(0, 0);
    EXPECT_LT(corner.r + corner.g + corner.b, 150) << "background, not sphere";
  }
}

TEST(MeshRenderTest, TheMinimalMarginRingOnlyWhenVisible) {
  const MarginMesh sphere = SphereWithMarginX(10.0, 2.0);
  MarginViewOptions options;
  options.pixels = 101;
  options.surroundings_mm = 2.0;
  options.toward_viewer = {-1, 0, 0};  // the minimum (x = -10) faces the viewer
  const Rgb facing = RenderMarginView(sphere, nullptr, {}, options).Get(50, 42);
  options.toward_viewer = {1, 0, 0};
  const Rgb hidden = RenderMarginView(sphere, nullptr, {}, options).Get(50, 42);
  EXPECT_EQ(facing.r + facing.g + facing.b, 3 * 255) << "white ring 8 pixels from the centre";
  EXPECT_GT(hidden.b, hidden.r) << "blue surface, no ring";
}

TEST(MeshRenderTest, TheZoneIsTranslucent) {
  const MarginMesh tumour = SphereWithMarginX(5.0, 2.0);
  MarginMesh zone = SphereWithMarginX(12.0);
  zone.margin_mm.clear();
  MarginViewOptions options;
  options.pixels = 101;
  options.toward_viewer = {1, 0, 0};
  const Picture alone = RenderMarginView(tumour, nullptr, {}, options);
  const Picture inside = RenderMarginView(tumour, &zone, {}, options);
  const Rgb a = alone.Get(50, 42), b = inside.Get(50, 42);  // on the tumour (12.6 pixels radius)
  EXPECT_GT(a.g, a.r + 50) << "green: a 6 mm margin";
  EXPECT_GT(b.g, b.r + 20) << "the tumour shows through the zone";
  EXPECT_GT(std::abs(int(a.r) - int(b.r)) + std::abs(int(a.g) - int(b.g)), 20) << "the zone tints it";
}

TEST(PictureTest, Base64AndPngEncoding) {
  EXPECT_EQ(Base64("Man"), "TWFu");
  EXPECT_EQ(Base64("Ma"), "TWE=");
  EXPECT_EQ(Base64("M"), "TQ==");
  Picture p(3, 2, {10, 20, 30});
  const std::string png = EncodePng(p);
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(png.substr(1, 3), "PNG");
  EXPECT_EQ(PngDataUri(p).rfind("data:image/png;base64,iVBORw0KGgo", 0), 0u);
}

}  // namespace
}  // namespace margo

namespace margo {
namespace {

// The ParaView preset in docs/ must show what the report shows.
TEST(MarginColoursTest, ParaViewPresetMatchesTheReport) {
  std::ifstream in(std::string(MARGO_SOURCE_DIR) + "/docs/paraview_margin_colours.json");
  ASSERT_TRUE(in) << "docs/paraview_margin_colours.json";
  const nlohmann::json preset = nlohmann::json::parse(in);
  const std::vector<double> points = preset[0]["RGBPoints"].get<std::vector<double>>();
  ASSERT_EQ(points.size() % 4, 0u);
  for (double margin : {-20.0, -0.5, 0.0, 2.5, 4.9, 5.0, 7.5, 10.0, 10.5, 30.0}) {
    // The step the preset gives `margin`: the last point at or below it.
    std::size_t at = 0;
    for (std::size_t i = 0; i < points.size(); i += 4) {
      if (points[i] <= margin) at = i;
    }
    const Rgb expected = MarginColour(margin, {});
    EXPECT_NEAR(points[at + 1] * 255, expected.r, 0.5) << margin << " mm";
    EXPECT_NEAR(points[at + 2] * 255, expected.g, 0.5) << margin << " mm";
    EXPECT_NEAR(points[at + 3] * 255, expected.b, 0.5) << margin << " mm";
  }
}

}  // namespace
}  // namespace margo
