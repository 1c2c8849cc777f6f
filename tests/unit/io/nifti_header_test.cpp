// NIfTI headers ITK 5.2 mishandles (io/nifti_header.h): each is refused
// before ITK reads it, with the field, the value found and the value
// expected, and the exit code for what is wrong (3: not a readable NIfTI,
// 4: a grid that cannot be trusted). Table-driven: one header field changed
// per row, in a .nii.gz and a .nii.
#include "io/nifti_header.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/image_reader.h"
#include "io/image_writer.h"
#include "tests/support/expect_error.h"
#include "tests/support/synthetic.h"
#include "tests/support/temp_dir.h"

namespace margo {
namespace {

using testing::TempDir;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

// Offsets in the NIfTI-1 header.
constexpr std::size_t kSizeofHdr = 0, kDim = 40, kDatatype = 70, kPixdim = 76, kVoxOffset = 108,
                      kQformCode = 252, kSformCode = 254, kQuaternB = 256, kSrowX = 280, kMagic = 344;

std::vector<char> Bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

template <typename T>
void Set(std::vector<char>& header, std::size_t offset, T value) {
  std::memcpy(header.data() + offset, &value, sizeof value);
}

// A label map as margo writes it (qform and sform, 1.5 x 1.5 x 2.5 mm),
// uncompressed, for a row to edit.
std::vector<char> GoodNifti(const TempDir& dir) {
  testing::Grid grid;
  grid.size = {6, 5, 4};
  grid.spacing_mm = {1.5, 1.5, 2.5};
  const std::string plain = dir / "good.nii";
  WriteImage(*testing::MakeImage<LabelImage>(grid, 1), plain);
  return Bytes(plain);
}

void Write(const std::string& path, const std::vector<char>& bytes) {
  if (path.substr(path.size() - 3) != ".gz") {
    std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
    return;
  }
  gzFile out = gzopen(path.c_str(), "wb");
  ASSERT_NE(out, nullptr);
  gzwrite(out, bytes.data(), unsigned(bytes.size()));
  gzclose(out);
}

// The header of a qform-only file (what ITK reads its spacing from pixdim in).
void QformOnly(std::vector<char>& h) { Set<std::int16_t>(h, kSformCode, 0); }
// A sform-only file: no qform to fall back on.
void SformOnly(std::vector<char>& h) { Set<std::int16_t>(h, kQformCode, 0); }

struct Row {
  const char* name;
  std::function<void(std::vector<char>&)> edit;
  ErrorKind kind;
  std::string says;
};

const std::vector<Row>& Rows() {
  static const std::vector<Row> rows = {
      // 1. vnl aborted the process (exit 134).
      {"sform NaN", [](auto& h) { SformOnly(h), Set(h, kSrowX, kNaN); }, ErrorKind::kGeometryInvalid,
       "srow_x[0] is nan; expected a finite number"},
      {"sform Inf with a qform", [](auto& h) { Set(h, kSrowX + 12, kInf); }, ErrorKind::kGeometryInvalid,
       "srow_x[3] is inf; expected a finite number"},
      {"quatern NaN", [](auto& h) { Set(h, kQuaternB + 4, kNaN); }, ErrorKind::kGeometryInvalid,
       "quatern_b,c,d[1] is nan; expected a finite number"},
      // 2. ITK took 1 mm.
      {"pixdim 0", [](auto& h) { QformOnly(h), Set(h, kPixdim + 4, 0.0f); }, ErrorKind::kGeometryInvalid,
       "spacing 0 mm along i (pixdim[1]); expected 0.01 to 50 mm"},
      {"pixdim NaN", [](auto& h) { QformOnly(h), Set(h, kPixdim + 8, kNaN); }, ErrorKind::kGeometryInvalid,
       "spacing nan mm along j (pixdim[2]); expected 0.01 to 50 mm"},
      {"pixdim Inf", [](auto& h) { QformOnly(h), Set(h, kPixdim + 12, kInf); }, ErrorKind::kGeometryInvalid,
       "spacing inf mm along k (pixdim[3]); expected 0.01 to 50 mm"},
      {"pixdim negative", [](auto& h) { QformOnly(h), Set(h, kPixdim + 4, -1.5f); },
       ErrorKind::kGeometryInvalid, "spacing -1.5 mm along i"},
      // 4. ITK's "only supports orthonormal direction cosines".
      {"sform zero", [](auto& h) { SformOnly(h), std::memset(h.data() + kSrowX, 0, 48); },
       ErrorKind::kGeometryInvalid, "sform gives spacing 0 mm along i; expected 0.01 to 50 mm"},
      {"sform sheared", [](auto& h) { SformOnly(h), Set(h, kSrowX + 4, 0.8f); }, ErrorKind::kGeometryInvalid,
       "sform direction is not orthonormal (deviation"},
      {"form code", [](auto& h) { Set<std::int16_t>(h, kSformCode, 77); }, ErrorKind::kGeometryInvalid,
       "sform_code is 77; expected 0 to 5"},
      // 8. Found by a review: placed at ITK's default grid (origin 0), or by
      // whichever form the reader prefers (a label map 30 mm off its CT read
      // every tumour "incomplete", exit 0).
      {"no form", [](auto& h) { SformOnly(h), QformOnly(h); }, ErrorKind::kGeometryInvalid,
       "qform_code and sform_code are both 0: the file does not say where it lies in the scanner"},
      {"forms 30 mm apart", [](auto& h) { Set(h, kSrowX + 12, 30.0f); }, ErrorKind::kGeometryInvalid,
       "qform and sform disagree by 30.00 mm at a corner of the image (RAS 0.00, 0.00, 0.00 by the qform, "
       "30.00, 0.00, 0.00 by the sform); expected one position, within half a voxel (0.75 mm)"},
      // An uncorrected gantry tilt: a sheared sform beside the qform's rotation.
      {"sform sheared beside a qform", [](auto& h) { Set(h, kSrowX + 8, 0.8f); }, ErrorKind::kGeometryInvalid,
       "sform is sheared (direction deviation"},
      // 5. "NiftiImageIO(0x...): ... is not recognized as a NIFTI file".
      {"dim[0] 9", [](auto& h) { Set<std::int16_t>(h, kDim, 9); }, ErrorKind::kInputUnreadable,
       "dim[0] is 9; expected 1 to 7 dimensions"},
      {"2D, pixdim[3] 0",
       [](auto& h) {
         Set<std::int16_t>(h, kDim, 2), Set<std::int16_t>(h, kDim + 6, 1), Set(h, kPixdim + 12, 0.0f);
       },
       ErrorKind::kInputUnreadable,
       "image has 2 dimensions and 1 component per voxel; expected a 3D scalar volume"},
      {"dim[1] 0", [](auto& h) { Set<std::int16_t>(h, kDim + 2, 0); }, ErrorKind::kInputUnreadable,
       "dim[1] is 0; expected at least 1 voxel"},
      {"datatype", [](auto& h) { Set<std::int16_t>(h, kDatatype, 999); }, ErrorKind::kInputUnreadable,
       "datatype is 999; expected a NIfTI-1 type code"},
      {"cut in the header", [](auto& h) { h.resize(200); }, ErrorKind::kInputUnreadable,
       "file is truncated: 200 bytes of header; expected a 348-byte NIfTI-1 header"},
      // 6. Read as ANALYZE 7.5, geometry dropped.
      {"magic", [](auto& h) { std::memcpy(h.data() + kMagic, "xx+", 4); }, ErrorKind::kInputUnreadable,
       "NIfTI magic is 'xx+'; expected 'n+1'"},
      {"magic unprintable", [](auto& h) { std::memcpy(h.data() + kMagic, "\x01\xff+", 4); },
       ErrorKind::kInputUnreadable, "NIfTI magic is '\\x01\\xff+'; expected 'n+1'"},
      // 7. "expected 9223372036856997888 bytes"; sizeof_hdr accepted.
      {"vox_offset NaN", [](auto& h) { Set(h, kVoxOffset, kNaN); }, ErrorKind::kInputUnreadable,
       "vox_offset is nan; expected a finite, non-negative byte offset (352 or more in a single .nii)"},
      {"sizeof_hdr", [](auto& h) { Set<std::int32_t>(h, kSizeofHdr, 999); }, ErrorKind::kInputUnreadable,
       "sizeof_hdr is 999; expected 348 (NIfTI-1) or 540 (NIfTI-2)"},
  };
  return rows;
}

TEST(NiftiHeaderTest, DamagedHeadersAreRefusedNamingFieldFoundAndExpected) {
  for (const Row& row : Rows()) {
    for (const char* ext : {".nii.gz", ".nii"}) {
      SCOPED_TRACE(std::string(row.name) + ext);
      TempDir dir;
      std::vector<char> bytes = GoodNifti(dir);
      row.edit(bytes);
      const std::string path = dir / (std::string("bad") + ext);
      Write(path, bytes);
      testing::ExpectError([&] { LoadLabels(path, "tumour labels"); }, row.kind,
                           {"tumour labels", path, row.says});
      testing::ExpectError([&] { LoadCt(path, "pre CT"); }, row.kind, {"pre CT", path, row.says});
    }
  }
}

// A .nii.gz cut inside its header: the gzip stream ends early, and the
// message says so, as it does for a cut further on, not "0 bytes of header".
TEST(NiftiHeaderTest, GzipCutInsideTheHeaderSaysTheStreamEnds) {
  TempDir dir;
  const std::string whole = dir / "whole.nii.gz";
  Write(whole, GoodNifti(dir));
  const std::vector<char> bytes = Bytes(whole);
  for (std::size_t keep : {std::size_t(5), std::size_t(12), std::size_t(20)}) {
    SCOPED_TRACE(keep);
    const std::string cut = dir / "cut.nii.gz";
    std::ofstream(cut, std::ios::binary).write(bytes.data(), std::streamsize(keep));
    testing::ExpectError([&] { CheckNiftiHeader(cut, "tumour labels"); }, ErrorKind::kInputUnreadable,
                         {"tumour labels", cut, "file is truncated: its gzip data ends after ",
                          " inflated bytes, before the 348-byte NIfTI-1 header is complete; expected a "
                          "complete gzip stream"});
  }
}

// What margo writes passes, and so do its qform-only and sform-only
// variants, and forms apart by less than half a voxel.
TEST(NiftiHeaderTest, GoodHeadersPass) {
  TempDir dir;
  std::vector<char> bytes = GoodNifti(dir);
  const std::string path = dir / "good.nii.gz";
  Write(path, bytes);
  EXPECT_NO_THROW(CheckNiftiHeader(path, "pre CT"));
  EXPECT_NO_THROW(LoadLabels(path, "tumour labels"));
  QformOnly(bytes);
  Write(path, bytes);
  EXPECT_NO_THROW(LoadLabels(path, "tumour labels"));
  bytes = GoodNifti(dir);
  SformOnly(bytes);
  Write(path, bytes);
  EXPECT_NO_THROW(CheckNiftiHeader(path, "pre CT"));
  bytes = GoodNifti(dir);
  Set(bytes, kSrowX + 12, 0.7f);  // 0.7 mm on 1.5 mm voxels
  Write(path, bytes);
  EXPECT_NO_THROW(CheckNiftiHeader(path, "pre CT"));
}

}  // namespace
}  // namespace margo
