// The NIfTI header layout (io/nifti_layout.h): its offsets find in a file
// ITK wrote the values ITK was given, and its reader gives the same values
// from a header in either byte order.
#include "io/nifti_layout.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include "io/image_reader.h"
#include "io/image_writer.h"
#include "tests/support/synthetic.h"
#include "tests/support/temp_dir.h"

namespace margo {
namespace {

// `value` at `offset` of `bytes`, most significant byte first when `big`.
template <typename T>
void Put(std::string& bytes, std::size_t offset, T value, bool big) {
  char raw[sizeof value];
  std::memcpy(raw, &value, sizeof value);
  if (big) std::reverse(raw, raw + sizeof value);
  std::memcpy(&bytes[offset], raw, sizeof value);
}

TEST(NiftiLayoutTest, OffsetsFindWhatItkWrote) {
  testing::TempDir dir;
  testing::Grid grid;
  grid.size = {6, 5, 4};
  grid.spacing_mm = {1.5, 0.75, 2.5};
  const std::string path = dir / "labels.nii";
  WriteImage(*testing::MakeImage<LabelImage>(grid, 1), path);
  std::ifstream in(path, std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), {}};
  ASSERT_GE(bytes.size(), nifti1::kSingleFileVoxOffset);

  const NiftiFields h(bytes);
  EXPECT_FALSE(h.swapped());
  EXPECT_EQ(h.SizeofHdr(), 348);
  EXPECT_EQ(std::memcmp(bytes.data() + nifti1::kMagic, nifti1::kSingleFileMagic, 4), 0);
  EXPECT_EQ(h.Short(nifti1::kDim), 3);
  EXPECT_EQ(h.Short(nifti1::kDim + 2), 6);
  EXPECT_EQ(h.Short(nifti1::kDim + 4), 5);
  EXPECT_EQ(h.Short(nifti1::kDim + 6), 4);
  EXPECT_EQ(h.Short(nifti1::kDatatype), nifti1::kUint16);  // LabelImage: unsigned 16-bit
  EXPECT_EQ(h.Short(nifti1::kBitpix), 16);
  EXPECT_EQ(h.Float(nifti1::kPixdim + 4), 1.5f);
  EXPECT_EQ(h.Float(nifti1::kPixdim + 8), 0.75f);
  EXPECT_EQ(h.Float(nifti1::kPixdim + 12), 2.5f);
  EXPECT_EQ(h.Float(nifti1::kVoxOffset), 352.0f);
  EXPECT_EQ(h.Float(nifti1::kSrowX), -1.5f);  // identity direction in LPS: RAS x = -i * 1.5 mm
  EXPECT_EQ(h.Float(nifti1::kSrowY + 4), -0.75f);
  EXPECT_EQ(h.Float(nifti1::kSrowZ + 8), 2.5f);
}

TEST(NiftiLayoutTest, ReaderGivesTheSameFieldsInEitherByteOrder) {
  for (const bool big : {false, true}) {
    SCOPED_TRACE(big ? "big-endian" : "little-endian");
    std::string one(348, '\0');
    Put(one, nifti1::kSizeofHdr, std::int32_t(348), big);
    Put(one, nifti1::kDim + 2, std::int16_t(-300), big);
    Put(one, nifti1::kPixdim + 4, 0.625f, big);
    const NiftiFields h1(one);
    EXPECT_EQ(h1.swapped(), big);
    EXPECT_EQ(h1.SizeofHdr(), 348);
    EXPECT_EQ(h1.Short(nifti1::kDim + 2), -300);
    EXPECT_EQ(h1.Float(nifti1::kPixdim + 4), 0.625f);

    std::string two(540, '\0');
    Put(two, nifti2::kSizeofHdr, std::int32_t(540), big);
    Put(two, nifti2::kDim + 8, std::int64_t(70000), big);
    Put(two, nifti2::kVoxOffset, std::int64_t(544), big);
    const NiftiFields h2(two);
    EXPECT_EQ(h2.swapped(), big);
    EXPECT_EQ(h2.SizeofHdr(), 540);
    EXPECT_EQ(h2.Get<std::int64_t>(nifti2::kDim + 8), 70000);
    EXPECT_EQ(h2.Get<std::int64_t>(nifti2::kVoxOffset), 544);
  }
  // Not a NIfTI size either way: read as stored; too short for sizeof_hdr: 0.
  std::string other(8, '\0');
  Put(other, 0, std::int32_t(1515870810), false);
  EXPECT_FALSE(NiftiFields(other).swapped());
  EXPECT_EQ(NiftiFields(other).SizeofHdr(), 1515870810);
  EXPECT_EQ(NiftiFields(std::string(3, '\x01')).SizeofHdr(), 0);
}

}  // namespace
}  // namespace margo
