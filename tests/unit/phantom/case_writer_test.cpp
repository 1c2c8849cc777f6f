// A phantom written over an earlier case: truth.json marks a complete case
// (`margo regress` takes every folder holding one), so the earlier case's
// goes before anything of the new one is written, and the new one's comes
// last. Before, a run over an earlier case that failed (or was killed)
// halfway left the earlier truth.json beside the new images, and regress
// passed the mix.
#include "testdata/generator/case_writer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "core/error.h"
#include "core/log.h"
#include "testdata/generator/phantom.h"
#include "tests/support/expect_error.h"
#include "tests/support/file_size_limit.h"
#include "tests/support/temp_dir.h"

namespace margo {
namespace {

namespace fs = std::filesystem;

// `preset` with one tumour, on grids of twice the voxel size: quick.
CaseSpec Coarse(const std::string& preset) {
  CaseSpec spec = PresetSpec(preset);
  spec.tumours.resize(1);
  for (ImageGeometry* g : {&spec.pre_grid, &spec.post_grid}) {
    for (int a = 0; a < 3; ++a) {
      g->size[a] /= 2;
      g->spacing_mm[a] *= 2;
    }
  }
  return spec;
}

// An earlier case (coarse small, NIfTI) in a folder of its own, and a quiet Log.
class CaseWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteCase(Coarse("small"), c, log);
    ASSERT_TRUE(fs::exists(c + "/truth.json"));
  }
  testing::TempDir dir;
  const std::string c = dir / "case";
  std::ostringstream sink;
  Log log{sink, false};
};

TEST_F(CaseWriterTest, AFailedRunOverAnEarlierCaseLeavesNoTruth) {
  // truth.json came last: no file of the case is newer.
  const auto truth_time = fs::last_write_time(c + "/truth.json");
  for (const auto& entry : fs::directory_iterator(c)) {
    EXPECT_LE(entry.last_write_time(), truth_time)
        << entry.path().filename() << " was written after truth.json";
  }
  {
    const testing::FileSizeLimit full_disk(64 * 1024);  // each CT needs more; the labels fit
    testing::ExpectError([&] { WriteCase(Coarse("rigid"), c, log); }, ErrorKind::kOutputFailed, {c});
  }
  EXPECT_FALSE(fs::exists(c + "/truth.json")) << "the small case's truth beside the rigid case's images";
}

// WritePhantom (the tests' small pair, margo_make_phantom) over an earlier
// case: the same rule. Its truth.json stayed beside the half-written pair.
TEST_F(CaseWriterTest, AFailedWritePhantomOverAnEarlierCaseLeavesNoTruth) {
  {
    const testing::FileSizeLimit full_disk(64 * 1024);  // the small pair's pre CT needs more
    testing::ExpectError([&] { WritePhantom(SmallPhantomSpec(), c); }, ErrorKind::kOutputFailed, {c});
  }
  EXPECT_FALSE(fs::exists(c + "/truth.json")) << "the earlier case's truth beside the new pair's images";
}

// A DICOM case over an earlier NIfTI case: regress reads the NIfTI names,
// so the earlier images must not stay beside the new truth.
TEST_F(CaseWriterTest, ADicomCaseOverANiftiCaseLeavesNoNiftiImage) {
  ASSERT_TRUE(fs::exists(c + "/pre_ct.nii.gz"));
  WriteCase(Coarse("small"), c, log, CaseFormat::kDicom);
  EXPECT_TRUE(fs::exists(c + "/truth.json"));
  for (const auto& entry : fs::directory_iterator(c)) {
    EXPECT_EQ(entry.path().string().find(".nii"), std::string::npos)
        << entry.path() << " is the earlier case's";
  }
}

}  // namespace
}  // namespace margo
