#include "io/nifti_header.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <memory>

#include "core/error.h"
#include "core/geometry.h"
#include "io/image_reader.h"
#include "io/nifti_layout.h"

namespace margo {
namespace {

constexpr char kAxis[] = "ijk";

std::string Format(const char* format, double a, double b = 0.0, double c = 0.0) {
  char buf[200];
  std::snprintf(buf, sizeof buf, format, a, b, c);
  return buf;
}

// The first 348 bytes of the file (a NIfTI-1 header), inflated if gzip (zlib
// reads plain files as they are).
std::string HeaderBytes(const std::string& path, const std::string& role) {
  std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(path.c_str(), "rb"), &gzclose);
  if (!file) throw Error(ErrorKind::kInputUnreadable, role + " " + path + ": cannot open");
  std::string head(nifti1::kHeaderBytes, '\0');
  int total = 0;
  int n = 0;
  while (total < nifti1::kHeaderBytes &&
         (n = gzread(file.get(), &head[std::size_t(total)], unsigned(nifti1::kHeaderBytes - total))) > 0) {
    total += n;
  }
  int code = Z_OK;
  const char* message = n < 0 ? gzerror(file.get(), &code) : "";
  if (n < 0 && code != Z_BUF_ERROR) {  // Z_BUF_ERROR: the stream ends early, reported below
    throw Error(ErrorKind::kInputUnreadable, role + " " + path + ": corrupt compressed data (" + message +
                                                 "); expected a gzip-compressed NIfTI file");
  }
  head.resize(std::size_t(total));
  return head;
}

class HeaderCheck {
 public:
  HeaderCheck(const std::string& path, const std::string& role, const std::string& bytes)
      : prefix_(role + " " + path + ": "), bytes_(bytes), h_(bytes) {}

  void Run() const {
    RequireWholeHeader();
    const std::int32_t size = h_.SizeofHdr();
    if (size == nifti2::kHeaderBytes) return RequireMagic(nifti2::kSingleFileMagic, nifti2::kMagic);
    if (size != nifti1::kHeaderBytes) {
      Unreadable("sizeof_hdr is " + std::to_string(size) + "; expected 348 (NIfTI-1) or 540 (NIfTI-2)");
    }
    RequireMagic(nifti1::kSingleFileMagic, nifti1::kMagic);
    RequireDimensions();
    RequireKnownDatatype();
    RequireVoxelOffset();
    RequireKnownFormCodes();
    RequireSpacing();
    RequireFiniteQform();
    RequireUsableSform();
  }

 private:
  [[noreturn]] void Unreadable(const std::string& what) const {
    throw Error(ErrorKind::kInputUnreadable, prefix_ + what);
  }
  [[noreturn]] void BadGeometry(const std::string& what) const {
    throw Error(ErrorKind::kGeometryInvalid, prefix_ + what);
  }

  void RequireWholeHeader() const {
    if (bytes_.size() < std::size_t(nifti1::kHeaderBytes)) {
      Unreadable("file is truncated: " + std::to_string(bytes_.size()) +
                 " bytes of header; expected a 348-byte NIfTI-1 header");
    }
  }

  void RequireMagic(const char* expected, std::size_t offset) const {
    if (std::memcmp(bytes_.data() + offset, expected, 4) == 0) return;
    std::string found;
    for (std::size_t i = offset; i < offset + 4 && bytes_[i] != '\0'; ++i) {
      const unsigned char c = static_cast<unsigned char>(bytes_[i]);
      if (c >= 32 && c < 127) {
        found += char(c);
      } else {
        char hex[8];
        std::snprintf(hex, sizeof hex, "\\x%02x", unsigned(c));
        found += hex;
      }
    }
    Unreadable("NIfTI magic is '" + found + "'; expected '" + expected +
               "' (a single-file NIfTI; ANALYZE 7.5 and .hdr/.img pairs are not supported)");
  }

  void RequireDimensions() const {
    const int dims = h_.Short(nifti1::kDim);
    if (dims < 1 || dims > 7)
      Unreadable("dim[0] is " + std::to_string(dims) + "; expected 1 to 7 dimensions");
    for (int d = 1; d <= dims; ++d) {
      const int n = h_.Short(nifti1::kDim + 2 * std::size_t(d));
      if (n < 1) {
        Unreadable("dim[" + std::to_string(d) + "] is " + std::to_string(n) + "; expected at least 1 voxel");
      }
    }
  }

  void RequireKnownDatatype() const {
    const int type = h_.Short(nifti1::kDatatype);
    for (int known : nifti1::kDatatypes) {
      if (type == known) return;
    }
    Unreadable("datatype is " + std::to_string(type) +
               "; expected a NIfTI-1 type code (2, 4, 8, 16, 64, 256, 512, 768, ...)");
  }

  void RequireVoxelOffset() const {
    const float offset = h_.Float(nifti1::kVoxOffset);
    if (!(offset >= 0.0f && std::isfinite(offset))) {
      Unreadable(Format(
          "vox_offset is %g; expected a finite, non-negative byte offset (352 or more in a single .nii)",
          offset));
    }
  }

  void RequireKnownFormCodes() const {
    for (const auto& [name, offset] : {std::make_pair("qform_code", nifti1::kQformCode),
                                       std::make_pair("sform_code", nifti1::kSformCode)}) {
      const int code = h_.Short(offset);
      if (code < 0 || code > 5) {
        BadGeometry(std::string(name) + " is " + std::to_string(code) + "; expected 0 to 5");
      }
    }
  }

  // ITK takes its spacing from pixdim, and nifti1_io replaces a zero, NaN or
  // negative pixdim with 1 mm without a word.
  void RequireSpacing() const {
    // A 2D file is refused for its dimensions.
    for (int a = 0; a < std::min<int>(3, h_.Short(nifti1::kDim)); ++a) {
      const double s = h_.Float(nifti1::kPixdim + 4 * std::size_t(a + 1));
      if (!(s >= kMinSpacingMm && s <= kMaxSpacingMm)) {
        BadGeometry(Format("spacing %g mm along ", s) + kAxis[a] + " (pixdim[" + std::to_string(a + 1) +
                    Format("]); expected %g to %g mm", kMinSpacingMm, kMaxSpacingMm));
      }
    }
  }

  void RequireFinite(const char* name, std::size_t offset, int count) const {
    for (int i = 0; i < count; ++i) {
      const float v = h_.Float(offset + 4 * std::size_t(i));
      if (!std::isfinite(v)) {
        BadGeometry(std::string(name) + "[" + std::to_string(i) +
                    Format("] is %g; expected a finite number", v));
      }
    }
  }

  void RequireFiniteQform() const {
    if (h_.Short(nifti1::kQformCode) == 0) return;
    RequireFinite("pixdim", nifti1::kPixdim, 1);  // qfac
    RequireFinite("quatern_b,c,d", nifti1::kQuaternB, 3);
    RequireFinite("qoffset_x,y,z", nifti1::kQoffsetX, 3);
  }

  // vnl aborts on a non-finite sform; ITK refuses a sheared one unless a
  // qform is there to fall back on.
  void RequireUsableSform() const {
    if (h_.Short(nifti1::kSformCode) == 0) return;
    RequireFinite("srow_x", nifti1::kSrowX, 4);
    RequireFinite("srow_y", nifti1::kSrowY, 4);
    RequireFinite("srow_z", nifti1::kSrowZ, 4);
    if (h_.Short(nifti1::kQformCode) != 0) return;
    ImageGeometry g;  // the sform's columns, made unit length
    for (int c = 0; c < 3; ++c) {
      double norm = 0.0;
      for (int r = 0; r < 3; ++r)
        norm += std::pow(h_.Float(nifti1::kSrowX + 16 * std::size_t(r) + 4 * std::size_t(c)), 2);
      norm = std::sqrt(norm);
      if (!(norm >= kMinSpacingMm && norm <= kMaxSpacingMm)) {
        BadGeometry(Format("sform gives spacing %g mm along ", norm) + kAxis[c] +
                    Format("; expected %g to %g mm", kMinSpacingMm, kMaxSpacingMm));
      }
      for (int r = 0; r < 3; ++r)
        g.direction[r][c] = h_.Float(nifti1::kSrowX + 16 * std::size_t(r) + 4 * std::size_t(c)) / norm;
    }
    const double worst = DirectionOrthogonalityError(g);
    if (worst > kDirectionTolerance) {
      BadGeometry(
          Format("sform direction is not orthonormal (deviation %.4f) and there is no qform; expected a "
                 "rotation (sheared grids are not supported)",
                 worst));
    }
  }

  std::string prefix_;
  const std::string& bytes_;
  NiftiFields h_;
};

}  // namespace

void CheckNiftiHeader(const std::string& path, const std::string& role) {
  const std::string bytes = HeaderBytes(path, role);
  HeaderCheck(path, role, bytes).Run();
}

}  // namespace margo
