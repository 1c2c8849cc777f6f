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
  const char* message = gzerror(file.get(), &code);
  if (n < 0 && code != Z_BUF_ERROR) {  // Z_BUF_ERROR: the stream ends early, reported below
    throw Error(ErrorKind::kInputUnreadable, role + " " + path + ": corrupt compressed data (" + message +
                                                 "); expected a gzip-compressed NIfTI file");
  }
  // A gzip stream cut before the header is whole: said as file_completeness.cpp
  // says a cut further on, rather than as a header of `total` bytes (often 0:
  // the first deflate block may inflate nothing until its end).
  if (total < nifti1::kHeaderBytes && code == Z_BUF_ERROR && gzdirect(file.get()) == 0) {
    throw Error(ErrorKind::kInputUnreadable,
                role + " " + path + ": file is truncated: its gzip data ends after " + std::to_string(total) +
                    " inflated bytes, before the 348-byte NIfTI-1 header is complete; expected a complete "
                    "gzip stream");
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
    RequireOnePosition();
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

  double SformColumnNorm(int c) const {
    double norm2 = 0.0;
    for (int r = 0; r < 3; ++r)
      norm2 += std::pow(h_.Float(nifti1::kSrowX + 16 * std::size_t(r) + 4 * std::size_t(c)), 2);
    return std::sqrt(norm2);
  }

  // How far the sform's columns, made unit length, are from a rotation
  // (DirectionOrthogonalityError): 0 for an orthogonal grid.
  double SformShear() const {
    ImageGeometry g;
    for (int c = 0; c < 3; ++c) {
      const double norm = std::max(SformColumnNorm(c), 1e-12);
      for (int r = 0; r < 3; ++r)
        g.direction[r][c] = h_.Float(nifti1::kSrowX + 16 * std::size_t(r) + 4 * std::size_t(c)) / norm;
    }
    return DirectionOrthogonalityError(g);
  }

  // vnl aborts on a non-finite sform; ITK refuses a sheared one unless a
  // qform is there to fall back on.
  void RequireUsableSform() const {
    if (h_.Short(nifti1::kSformCode) == 0) return;
    RequireFinite("srow_x", nifti1::kSrowX, 4);
    RequireFinite("srow_y", nifti1::kSrowY, 4);
    RequireFinite("srow_z", nifti1::kSrowZ, 4);
    if (h_.Short(nifti1::kQformCode) != 0) return;
    for (int c = 0; c < 3; ++c) {
      const double norm = SformColumnNorm(c);
      if (!(norm >= kMinSpacingMm && norm <= kMaxSpacingMm)) {
        BadGeometry(Format("sform gives spacing %g mm along ", norm) + kAxis[c] +
                    Format("; expected %g to %g mm", kMinSpacingMm, kMaxSpacingMm));
      }
    }
    const double worst = SformShear();
    if (worst > kDirectionTolerance) {
      BadGeometry(
          Format("sform direction is not orthonormal (deviation %.4f) and there is no qform; expected a "
                 "rotation (sheared grids are not supported)",
                 worst));
    }
  }

  // Where voxel (i, j, k) lies by the qform (RAS mm, as nifti1_io computes it).
  Vec3 QformPoint(const Vec3& ijk) const {
    double b = h_.Float(nifti1::kQuaternB), c = h_.Float(nifti1::kQuaternB + 4),
           d = h_.Float(nifti1::kQuaternB + 8);
    double a = 1.0 - (b * b + c * c + d * d);
    if (a <
        1e-7) {  // a rotation by 180 degrees, or (b, c, d) a little too long: renormalised as nifti1_io does
      const double scale = 1.0 / std::sqrt(b * b + c * c + d * d);
      b *= scale, c *= scale, d *= scale, a = 0.0;
    } else {
      a = std::sqrt(a);
    }
    const double r[3][3] = {{a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)},
                            {2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)},
                            {2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b}};
    const double qfac = h_.Float(nifti1::kPixdim) < 0 ? -1.0 : 1.0;
    Vec3 scaled;
    for (int a3 = 0; a3 < 3; ++a3) scaled[a3] = ijk[a3] * h_.Float(nifti1::kPixdim + 4 * std::size_t(a3 + 1));
    scaled[2] *= qfac;
    Vec3 p;
    for (int row = 0; row < 3; ++row) {
      p[row] = h_.Float(nifti1::kQoffsetX + 4 * std::size_t(row)) + r[row][0] * scaled[0] +
               r[row][1] * scaled[1] + r[row][2] * scaled[2];
    }
    return p;
  }

  Vec3 SformPoint(const Vec3& ijk) const {
    Vec3 p;
    for (int row = 0; row < 3; ++row) {
      const std::size_t srow = nifti1::kSrowX + 16 * std::size_t(row);
      p[row] = h_.Float(srow + 12);
      for (int c = 0; c < 3; ++c) p[row] += h_.Float(srow + 4 * std::size_t(c)) * ijk[c];
    }
    return p;
  }

  // A file must say where it lies, and say it once: with no form ITK puts it
  // at the origin, unrelated to the scanner; with two that disagree, which
  // one a reader takes decides where the tumour is.
  void RequireOnePosition() const {
    const int qform = h_.Short(nifti1::kQformCode), sform = h_.Short(nifti1::kSformCode);
    if (qform == 0 && sform == 0) {
      BadGeometry(
          "qform_code and sform_code are both 0: the file does not say where it lies in the scanner; "
          "expected "
          "a NIfTI with its orientation (copy it from the CT the map was drawn on, e.g. fslcpgeom CT "
          "LABELS)");
    }
    if (qform != 0 && sform != 0) RequireFormsAgree();
  }

  // Two forms agreeing to half the finest voxel spacing at every corner of
  // the image are one position.
  void RequireFormsAgree() const {
    double worst = 0.0, finest = kMaxSpacingMm;
    Vec3 worst_q{}, worst_s{};
    for (int a = 0; a < 3; ++a)
      finest = std::min<double>(finest, h_.Float(nifti1::kPixdim + 4 * std::size_t(a + 1)));
    for (int corner = 0; corner < 8; ++corner) {
      const Vec3 ijk = Corner(corner), q = QformPoint(ijk), s = SformPoint(ijk);
      const double apart = Distance(q, s);
      if (apart > worst) worst = apart, worst_q = q, worst_s = s;
    }
    if (worst <= 0.5 * finest) return;
    char buf[400];
    if (const double shear = SformShear(); shear > kDirectionTolerance) {
      std::snprintf(buf, sizeof buf,
                    "sform is sheared (direction deviation %.4f: a gantry-tilted acquisition?) and the qform "
                    "differs from it by %.2f mm; expected an orthogonal grid: use the tilt-corrected "
                    "reconstruction (dcm2niix writes it with _Tilt_ in its name)",
                    shear, worst);
      BadGeometry(buf);
    }
    std::snprintf(buf, sizeof buf,
                  "qform and sform disagree by %.2f mm at a corner of the image (RAS %.2f, %.2f, %.2f by the "
                  "qform, %.2f, %.2f, %.2f by the sform); expected one position, within half a voxel (%.2f "
                  "mm): rewrite the file with matching forms",
                  worst, worst_q[0], worst_q[1], worst_q[2], worst_s[0], worst_s[1], worst_s[2],
                  0.5 * finest);
    BadGeometry(buf);
  }

  // Voxel index of corner `bits` (bit a set: the last voxel along axis a).
  Vec3 Corner(int bits) const {
    Vec3 ijk{};
    for (int a = 0; a < 3 && a < h_.Short(nifti1::kDim); ++a) {
      ijk[a] = (bits >> a & 1) ? double(h_.Short(nifti1::kDim + 2 * std::size_t(a + 1)) - 1) : 0.0;
    }
    return ijk;
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
