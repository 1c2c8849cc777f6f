// Putting label maps on the CT grid: unchanged when already there, resampled
// by nearest neighbour when not (a labelled sphere must stay where it is in
// LPS space), refused when the two do not overlap.
#include "io/label_grid.h"

#include <gtest/gtest.h>
#include <itkImageRegionConstIteratorWithIndex.h>

#include <array>
#include <cmath>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/log.h"
#include "tests/support/expect_error.h"
#include "tests/support/synthetic.h"

namespace margo {
namespace {

using testing::ExpectError;

using testing::Grid;
using testing::MakeImage;
using testing::Paint;
using testing::Sphere;

constexpr std::uint16_t kTumour = 3;

const GridInput kLabelsInput{"tumour labels", "/data/p01/tumours.nii.gz"};
const GridInput kCtInput{"pre CT", "/data/p01/pre"};

// The CT: 40 x 40 x 16 voxels of 0.7 x 0.7 x 2.5 mm, centred near the LPS origin.
Grid CtGrid() {
  Grid grid;
  grid.size = {40, 40, 16};
  grid.spacing_mm = {0.7, 0.7, 2.5};
  grid.origin_mm = {-13.65, -13.65, -18.75};
  return grid;
}

LabelImage::DirectionType Rotation(double about_z_deg, double about_x_deg) {
  const double a = about_z_deg * M_PI / 180.0, b = about_x_deg * M_PI / 180.0;
  LabelImage::DirectionType rz, rx;
  rz.SetIdentity();
  rx.SetIdentity();
  rz[0][0] = std::cos(a), rz[0][1] = -std::sin(a), rz[1][0] = std::sin(a), rz[1][1] = std::cos(a);
  rx[1][1] = std::cos(b), rx[1][2] = -std::sin(b), rx[2][1] = std::sin(b), rx[2][2] = std::cos(b);
  return rz * rx;
}

LabelImage::Pointer LabelsWithSphere(const Grid& grid, const LabelImage::DirectionType& direction,
                                     const Vec3& centre_mm, double radius_mm) {
  LabelImage::Pointer labels = MakeImage<LabelImage>(grid);
  labels->SetDirection(direction);  // before painting: Paint works in world space
  Paint(*labels, Sphere(centre_mm, radius_mm), kTumour);
  return labels;
}

struct LabelStats {
  std::size_t voxels = 0;
  Vec3 centroid_mm{};
  std::set<int> values;
};

LabelStats StatsOf(const LabelImage& image) {
  LabelStats stats;
  itk::ImageRegionConstIteratorWithIndex<LabelImage> it(&image, image.GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    stats.values.insert(it.Get());
    if (it.Get() != kTumour) continue;
    LabelImage::PointType p;
    image.TransformIndexToPhysicalPoint(it.GetIndex(), p);
    for (int a = 0; a < 3; ++a) stats.centroid_mm[a] += p[a];
    ++stats.voxels;
  }
  for (int a = 0; a < 3; ++a) stats.centroid_mm[a] /= double(std::max<std::size_t>(stats.voxels, 1));
  return stats;
}

TEST(LabelGridTest, LabelsOnTheCtGridAreReturnedUnchanged) {
  CtImage::Pointer ct = MakeImage<CtImage>(CtGrid());
  LabelImage::Pointer labels = MakeImage<LabelImage>(CtGrid());
  Paint(*labels, Sphere({1, 2, 3}, 5), kTumour);
  std::ostringstream console;
  Log log(console, false);
  const LabelImage::Pointer out = PutLabelsOnGrid(labels, kLabelsInput, *ct, kCtInput, log);
  EXPECT_EQ(out.GetPointer(), labels.GetPointer());
  EXPECT_EQ(console.str().find("resampled"), std::string::npos) << console.str();
}

struct ResampleCase {
  const char* name;
  Grid grid;  // of the label map
  double about_z_deg, about_x_deg;
};

Grid LabelGrid(std::array<std::size_t, 3> size, Vec3 spacing_mm, Vec3 origin_mm) {
  Grid grid;
  grid.size = size;
  grid.spacing_mm = spacing_mm;
  grid.origin_mm = origin_mm;
  return grid;
}

const std::vector<ResampleCase> kResampleCases = {
    {"isotropic_1mm", LabelGrid({30, 30, 40}, {1, 1, 1}, {-15, -15, -20}), 0, 0},
    {"shifted_origin_same_spacing", LabelGrid({40, 40, 16}, {0.7, 0.7, 2.5}, {-13.3, -13.0, -17.5}), 0, 0},
    {"cropped_fine_grid", LabelGrid({40, 40, 40}, {0.4, 0.4, 0.5}, {-6, -11, -8}), 0, 0},
    {"rotated_about_z", LabelGrid({36, 36, 36}, {0.8, 0.8, 0.8}, {0, -20, -14}), 45, 0},
    {"rotated_about_z_and_x", LabelGrid({40, 40, 40}, {0.75, 0.75, 0.75}, {0, -18, -20}), 30, 25},
};

TEST(LabelGridTest, LabelsOnAnotherGridAreResampledInPlace) {
  const Vec3 centre_mm{2.1, -3.4, 1.7};
  const double radius_mm = 5.0;
  CtImage::Pointer ct = MakeImage<CtImage>(CtGrid());
  for (const ResampleCase& c : kResampleCases) {
    SCOPED_TRACE(c.name);
    LabelImage::Pointer labels =
        LabelsWithSphere(c.grid, Rotation(c.about_z_deg, c.about_x_deg), centre_mm, radius_mm);
    const LabelStats before = StatsOf(*labels);
    // The sphere lies inside the label grid, so the input itself is right.
    ASSERT_GT(before.voxels, 100u);
    for (int a = 0; a < 3; ++a) ASSERT_NEAR(before.centroid_mm[a], centre_mm[a], 0.5);

    std::ostringstream console;
    Log log(console, false);
    const LabelImage::Pointer out = PutLabelsOnGrid(labels, kLabelsInput, *ct, kCtInput, log);
    ASSERT_NE(out.GetPointer(), labels.GetPointer());
    EXPECT_TRUE(SameGrid(GeometryOf(*out), GeometryOf(*ct), 1e-9));
    EXPECT_NE(console.str().find("resampled by nearest neighbour"), std::string::npos) << console.str();

    const LabelStats after = StatsOf(*out);
    EXPECT_EQ(after.values, (std::set<int>{0, kTumour})) << "nearest neighbour keeps label values";
    for (int a = 0; a < 3; ++a) {
      EXPECT_NEAR(after.centroid_mm[a], centre_mm[a], CtGrid().spacing_mm[a])
          << "centroid axis " << a << " (LPS mm)";
    }
    const double sphere_voxels = 4.0 / 3.0 * M_PI * std::pow(radius_mm, 3) / (0.7 * 0.7 * 2.5);
    EXPECT_NEAR(double(after.voxels), sphere_voxels, 0.25 * sphere_voxels);
  }
}

TEST(LabelGridTest, PartlyOverlappingLabelsKeepOnlyTheCommonPart) {
  CtImage::Pointer ct = MakeImage<CtImage>(CtGrid());
  // Labels covering x from 0 to 40 mm (the CT ends at 14 mm), filled with the
  // tumour label everywhere: only the CT voxels with x > 0 may receive it.
  LabelImage::Pointer labels =
      MakeImage<LabelImage>(LabelGrid({40, 20, 20}, {1, 2, 2}, {0.5, -19, -19}), kTumour);
  const LabelImage::Pointer out = PutLabelsOnGrid(labels, kLabelsInput, *ct, kCtInput, NullLog());
  itk::ImageRegionConstIteratorWithIndex<LabelImage> it(out, out->GetLargestPossibleRegion());
  int wrong = 0;
  for (; !it.IsAtEnd(); ++it) {
    LabelImage::PointType p;
    out->TransformIndexToPhysicalPoint(it.GetIndex(), p);
    const int expected = p[0] > 0.0 ? kTumour : 0;
    if (it.Get() != expected && wrong++ < 5) {
      ADD_FAILURE() << "voxel " << it.GetIndex() << " at x = " << p[0] << " mm holds " << it.Get()
                    << "; expected " << expected;
    }
  }
  EXPECT_EQ(wrong, 0);
}

TEST(LabelGridTest, LabelsNotOverlappingTheCtAreInvalidGeometry) {
  struct Case {
    const char* name;
    Grid grid;
    double about_z_deg;
  };
  const std::vector<Case> cases = {
      {"far_away", LabelGrid({20, 20, 20}, {1, 1, 1}, {200, 200, 200}), 0},
      {"next_to_it_in_z", LabelGrid({40, 40, 10}, {0.7, 0.7, 2.5}, {-13.65, -13.65, 30}), 0},
      // Same numbers as the CT grid but mirrored by a 180 degree rotation: in
      // voxel terms the grids look alike, in world space they are disjoint.
      {"mirrored", LabelGrid({40, 40, 16}, {0.7, 0.7, 2.5}, {-15, -15, -18.75}), 180},
  };
  CtImage::Pointer ct = MakeImage<CtImage>(CtGrid());
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    LabelImage::Pointer labels = MakeImage<LabelImage>(c.grid, kTumour);
    labels->SetDirection(Rotation(c.about_z_deg, 0));
    ExpectError([&] { PutLabelsOnGrid(labels, kLabelsInput, *ct, kCtInput, NullLog()); },
                ErrorKind::kGeometryInvalid,
                {"tumour labels", kLabelsInput.path, "does not overlap", "pre CT", kCtInput.path, "mm LPS"});
  }
}

// OnVoxelLatticeOf: the CT's own grid and any crop of it lie on its
// lattice, whatever the direction; a shift off whole voxels, another spacing
// or another direction do not.
ImageGeometry Lattice(const Vec3& spacing_mm, const Vec3& origin_mm, double about_z_deg) {
  ImageGeometry g;
  g.size = {40, 40, 16};
  g.spacing_mm = spacing_mm;
  g.origin_mm = origin_mm;
  const LabelImage::DirectionType d = Rotation(about_z_deg, 0.0);
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) g.direction[r][c] = d[r][c];
  }
  return g;
}

// The first voxel moved by (i, j, k) voxels along the grid's axes.
ImageGeometry Moved(ImageGeometry g, double i, double j, double k) {
  g.origin_mm = g.IndexToPoint({i, j, k});
  g.size = {10, 12, 5};
  return g;
}

// The same voxel centres stored in reverse along `axis` (a map written by a
// converter with another storage order).
ImageGeometry Flipped(ImageGeometry g, int axis) {
  std::array<double, 3> last{0, 0, 0};
  last[axis] = double(g.size[axis] - 1);
  g.origin_mm = g.IndexToPoint(last);
  for (int r = 0; r < 3; ++r) g.direction[r][axis] = -g.direction[r][axis];
  return g;
}

// The same voxel centres with the first two axes stored in the other order.
ImageGeometry Swapped(ImageGeometry g) {
  for (int r = 0; r < 3; ++r) std::swap(g.direction[r][0], g.direction[r][1]);
  std::swap(g.spacing_mm[0], g.spacing_mm[1]);
  std::swap(g.size[0], g.size[1]);
  return g;
}

TEST(OnVoxelLatticeTest, TellsCropsFromOtherGrids) {
  for (double angle : {0.0, 30.0}) {
    const ImageGeometry ct = Lattice({0.7, 0.7, 2.5}, {-13.65, -13.65, -18.75}, angle);
    struct Row {
      const char* name;
      ImageGeometry grid;
      bool on_lattice;
    } rows[] = {
        {"the CT's own grid", ct, true},
        {"a crop", Moved(ct, 7, 3, 2), true},
        {"an extension beyond the CT", Moved(ct, -5, 0, -1), true},
        {"half a voxel along i", Moved(ct, 6.5, 3, 2), false},
        {"0.05 mm along k", Moved(ct, 0, 0, 0.02), false},
        {"another spacing", Lattice({0.8, 0.7, 2.5}, ct.origin_mm, angle), false},
        {"another direction", Lattice({0.7, 0.7, 2.5}, ct.origin_mm, angle + 5.0), false},
        {"the same voxels stored reversed along i", Flipped(Moved(ct, 2, 0, 0), 0), true},
        {"the same voxels stored reversed along j", Flipped(ct, 1), true},
        {"i and j stored swapped", Swapped(ct), true},
        {"reversed along i, half a voxel off", Flipped(Moved(ct, 2.5, 0, 0), 0), false},
    };
    for (const Row& row : rows) {
      EXPECT_EQ(OnVoxelLatticeOf(row.grid, ct), row.on_lattice) << row.name << ", " << angle << " degrees";
    }
  }
}

// Swapped inputs: a label map on the other CT's lattice and not its own is
// refused (exit 2) naming what looks swapped; nothing is said when the CTs
// share a lattice; a map on neither lattice is warned about.
TEST(RequireLabelsOnTheirCtsTest, RefusesLabelsOnTheOtherScansGrid) {
  const ImageGeometry pre = Lattice({0.7, 0.7, 2.5}, {-13.65, -13.65, -18.75}, 0.0);
  const ImageGeometry post = Lattice({0.8, 0.8, 2.0}, {-15.0, -12.0, -20.0}, 0.0);
  const ImageGeometry neither = Lattice({1.0, 1.0, 1.0}, {0.3, 0.3, 0.3}, 0.0);
  const GridInput t{"tumour labels", "t.nii.gz"}, z{"ablation labels", "z.nii.gz"};
  const GridOf pre_ct{pre, {"pre CT", "pre.nii.gz"}}, post_ct{post, {"post CT", "post.nii.gz"}};
  std::ostringstream sink;
  Log log(sink, false);
  RequireLabelsOnTheirCts({Moved(pre, 3, 3, 1), t}, {post, z}, pre_ct, post_ct, log);  // as expected
  EXPECT_EQ(sink.str(), "");
  ExpectError(
      [&] {
        RequireLabelsOnTheirCts({post, t}, {pre, z}, pre_ct, post_ct, log);
      },
      ErrorKind::kUsage,
      {"tumour labels t.nii.gz lie on the voxel grid of the post CT post.nii.gz",
       "ablation labels z.nii.gz lie on the voxel grid of the pre CT pre.nii.gz",
       "--pre-ct and --post-ct look swapped (or --tumours and --ablation)"});
  ExpectError(
      [&] {
        RequireLabelsOnTheirCts({post, t}, {post, z}, pre_ct, post_ct, log);
      },
      ErrorKind::kUsage, {"tumour labels t.nii.gz lie on the voxel grid of the post CT", "zones' map"});
  ExpectError(
      [&] {
        RequireLabelsOnTheirCts({pre, t}, {pre, z}, pre_ct, post_ct, log);
      },
      ErrorKind::kUsage, {"ablation labels z.nii.gz lie on the voxel grid of the pre CT", "tumours' map"});
  // One lattice for both CTs: the grids cannot tell, nothing is said.
  RequireLabelsOnTheirCts({pre, t}, {pre, z}, pre_ct, {Moved(pre, 2, 0, 4), {"post CT", "post.nii.gz"}}, log);
  EXPECT_EQ(sink.str(), "");
  RequireLabelsOnTheirCts({neither, t}, {post, z}, pre_ct, post_ct, log);
  EXPECT_NE(sink.str().find("tumour labels t.nii.gz: on neither CT's voxel grid"), std::string::npos)
      << sink.str();
  EXPECT_EQ(sink.str().find("ablation labels"), std::string::npos) << sink.str();
}

}  // namespace
}  // namespace margo
