// Where the fields of a NIfTI-1 and a NIfTI-2 header lie (byte offsets,
// named as in nifti1.h and nifti2.h; only the fields margo reads), the
// datatype codes, and a reader of the fields in the file's byte order.
// Shared by the header check (nifti_header.cpp), margo's voxel pass
// (nifti_voxels.cpp) and the truncated-file check (file_completeness.cpp).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace margo {

namespace nifti1 {
inline constexpr std::int32_t kHeaderBytes = 348;  // sizeof_hdr's value
// vox_offset of a single .nii without extensions: the header and the 4-byte extender.
inline constexpr std::size_t kSingleFileVoxOffset = 352;
inline constexpr char kSingleFileMagic[4] = {'n', '+', '1', '\0'};

inline constexpr std::size_t kSizeofHdr = 0;    // int32
inline constexpr std::size_t kDim = 40;         // int16[8]
inline constexpr std::size_t kDatatype = 70;    // int16
inline constexpr std::size_t kBitpix = 72;      // int16
inline constexpr std::size_t kPixdim = 76;      // float[8]; pixdim[0] is qfac
inline constexpr std::size_t kVoxOffset = 108;  // float
inline constexpr std::size_t kSclSlope = 112;   // float
inline constexpr std::size_t kSclInter = 116;   // float
inline constexpr std::size_t kQformCode = 252;  // int16
inline constexpr std::size_t kSformCode = 254;  // int16
inline constexpr std::size_t kQuaternB = 256;   // float quatern_b, _c, _d
inline constexpr std::size_t kQoffsetX = 268;   // float qoffset_x, _y, _z
inline constexpr std::size_t kSrowX = 280;      // float[4]
inline constexpr std::size_t kSrowY = 296;      // float[4]
inline constexpr std::size_t kSrowZ = 312;      // float[4]
inline constexpr std::size_t kMagic = 344;      // char[4]

// datatype codes (DT_* in nifti1.h; NIfTI-2 uses the same).
enum Datatype : std::int16_t {
  kUint8 = 2,
  kInt16 = 4,
  kInt32 = 8,
  kFloat32 = 16,
  kComplex64 = 32,
  kFloat64 = 64,
  kRgb24 = 128,
  kInt8 = 256,
  kUint16 = 512,
  kUint32 = 768,
  kInt64 = 1024,
  kUint64 = 1280,
  kFloat128 = 1536,
  kComplex128 = 1792,
  kComplex256 = 2048,
  kRgba32 = 2304,
};
inline constexpr Datatype kDatatypes[] = {kUint8,    kInt16,      kInt32,      kFloat32, kComplex64, kFloat64,
                                          kRgb24,    kInt8,       kUint16,     kUint32,  kInt64,     kUint64,
                                          kFloat128, kComplex128, kComplex256, kRgba32};
}  // namespace nifti1

namespace nifti2 {
inline constexpr std::int32_t kHeaderBytes = 540;                   // sizeof_hdr's value
inline constexpr char kSingleFileMagic[4] = {'n', '+', '2', '\0'};  // the first 4 of its 8 bytes

inline constexpr std::size_t kSizeofHdr = 0;    // int32
inline constexpr std::size_t kMagic = 4;        // char[8]
inline constexpr std::size_t kBitpix = 14;      // int16
inline constexpr std::size_t kDim = 16;         // int64[8]
inline constexpr std::size_t kVoxOffset = 168;  // int64
}  // namespace nifti2

// The fields of a NIfTI header in the file's byte order: swapped when its
// sizeof_hdr reads as 348 or 540 only with its bytes reversed. The caller
// makes sure `bytes` reaches each field it reads and outlives the reader.
class NiftiFields {
 public:
  explicit NiftiFields(std::string_view bytes) : bytes_(bytes) {
    if (IsHeaderSize(SizeofHdr())) return;
    swapped_ = true;
    swapped_ = IsHeaderSize(SizeofHdr());  // written in the other byte order
  }

  bool swapped() const { return swapped_; }
  // 0 when fewer than 4 bytes were read.
  std::int32_t SizeofHdr() const { return bytes_.size() >= 4 ? Get<std::int32_t>(nifti1::kSizeofHdr) : 0; }

  template <typename T>
  T Get(std::size_t offset) const {
    char raw[sizeof(T)];
    std::memcpy(raw, bytes_.data() + offset, sizeof(T));
    if (swapped_) std::reverse(raw, raw + sizeof(T));
    T v;
    std::memcpy(&v, raw, sizeof(T));
    return v;
  }
  std::int16_t Short(std::size_t offset) const { return Get<std::int16_t>(offset); }
  float Float(std::size_t offset) const { return Get<float>(offset); }

 private:
  static bool IsHeaderSize(std::int32_t size) {
    return size == nifti1::kHeaderBytes || size == nifti2::kHeaderBytes;
  }

  std::string_view bytes_;
  bool swapped_ = false;
};

}  // namespace margo
