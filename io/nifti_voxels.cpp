#include "io/nifti_voxels.h"

#include <libdeflate.h>
#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <memory>

#include "core/error.h"
#include "io/file_completeness.h"
#include "io/nifti_layout.h"

namespace margo {
namespace {

constexpr std::size_t kHeaderBytes = nifti1::kHeaderBytes;

struct Header {
  NiftiType type;
  std::size_t voxel_bytes;
  std::uint64_t voxels;
  std::size_t offset;
};

// The stored types margo's pass decodes, with their bytes per voxel.
struct StoredType {
  nifti1::Datatype code;
  NiftiType type;
  std::size_t bytes;
};
constexpr StoredType kStoredTypes[] = {
    {nifti1::kUint8, NiftiType::kUInt8, 1},     {nifti1::kInt8, NiftiType::kInt8, 1},
    {nifti1::kUint16, NiftiType::kUInt16, 2},   {nifti1::kInt16, NiftiType::kInt16, 2},
    {nifti1::kUint32, NiftiType::kUInt32, 4},   {nifti1::kInt32, NiftiType::kInt32, 4},
    {nifti1::kFloat32, NiftiType::kFloat32, 4}, {nifti1::kFloat64, NiftiType::kFloat64, 8},
};

const StoredType* TypeOf(std::int16_t datatype) {
  for (const StoredType& t : kStoredTypes) {
    if (t.code == datatype) return &t;
  }
  return nullptr;
}

// The header fields margo's pass needs, when it can take the file.
std::optional<Header> Simple(const std::vector<char>& head) {
  const NiftiFields h({head.data(), head.size()});
  if (h.swapped() || h.SizeofHdr() != nifti1::kHeaderBytes ||
      std::memcmp(head.data() + nifti1::kMagic, nifti1::kSingleFileMagic, 4) != 0) {
    return std::nullopt;  // big-endian, NIfTI-2, or a .hdr/.img pair
  }
  const std::int16_t dims = h.Short(nifti1::kDim);
  if (dims < 3 || dims > 7) return std::nullopt;
  std::uint64_t voxels = 1;
  for (int d = 1; d <= 7; ++d) {
    const std::int16_t n = h.Short(nifti1::kDim + 2 * std::size_t(d));
    if (d <= 3 && n < 1) return std::nullopt;
    if (d > 3 && d <= dims && n != 1) return std::nullopt;
    if (d <= 3) voxels *= std::uint64_t(n);
  }
  const auto type = TypeOf(h.Short(nifti1::kDatatype));
  const float slope = h.Float(nifti1::kSclSlope), inter = h.Float(nifti1::kSclInter),
              offset = h.Float(nifti1::kVoxOffset);
  if (!type || !(slope == 0.0f || slope == 1.0f) || inter != 0.0f ||
      !(offset >= float(nifti1::kSingleFileVoxOffset))) {
    return std::nullopt;
  }
  return Header{type->type, type->bytes, voxels, std::size_t(offset)};
}

std::vector<char> WholeFile(const std::string& path, const std::string& role) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) throw Error(ErrorKind::kInputUnreadable, role + " " + path + ": cannot open");
  std::vector<char> bytes;
  char buffer[1 << 16];
  std::size_t n = 0;
  std::fseek(file.get(), 0, SEEK_END);
  const long size = std::ftell(file.get());
  std::fseek(file.get(), 0, SEEK_SET);
  if (size > 0) bytes.reserve(std::size_t(size));
  while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) bytes.insert(bytes.end(), buffer, buffer + n);
  if (std::ferror(file.get())) throw Error(ErrorKind::kInputUnreadable, role + " " + path + ": read error");
  return bytes;
}

bool Gzipped(const std::vector<char>& bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

// The NIfTI header at the start of gzip data already in memory (zlib
// inflates only the first few kilobytes); nullopt if the data ends first.
std::optional<std::vector<char>> GzipHead(const std::vector<char>& stored) {
  std::vector<char> head(kHeaderBytes);
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return std::nullopt;  // 16: the gzip wrapper
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(stored.data()));
  z.avail_in = static_cast<uInt>(std::min<std::size_t>(stored.size(), 1u << 30));
  z.next_out = reinterpret_cast<Bytef*>(head.data());
  z.avail_out = static_cast<uInt>(head.size());
  int code = Z_OK;
  while (z.avail_out > 0 && code == Z_OK) code = inflate(&z, Z_NO_FLUSH);
  inflateEnd(&z);
  if (z.avail_out != 0) return std::nullopt;
  return head;
}

// Inflates every gzip member of `in` into `out` (sized to what the header
// promises). False when the data is corrupt or holds more than that.
bool Inflate(const std::vector<char>& in, std::vector<char>& out, std::size_t& produced) {
  std::unique_ptr<libdeflate_decompressor, void (*)(libdeflate_decompressor*)> d(libdeflate_alloc_decompressor(),
                                                                                  &libdeflate_free_decompressor);
  if (!d) throw Error(ErrorKind::kInternal, "libdeflate: cannot allocate a decompressor");
  std::size_t used = 0;
  produced = 0;
  while (used < in.size() && produced < out.size()) {
    std::size_t member_in = 0, member_out = 0;
    const libdeflate_result r = libdeflate_gzip_decompress_ex(d.get(), in.data() + used, in.size() - used,
                                                              out.data() + produced, out.size() - produced,
                                                              &member_in, &member_out);
    if (r != LIBDEFLATE_SUCCESS) return false;
    used += member_in;
    produced += member_out;
  }
  return true;
}

[[noreturn]] void CutShort(const std::string& path, const std::string& role, std::size_t found,
                           std::size_t expected) {
  throw Error(ErrorKind::kInputUnreadable, role + " " + path + ": file is truncated or corrupt: " +
                                               std::to_string(found) + " bytes of header and voxel data; expected " +
                                               std::to_string(expected));
}

}  // namespace

std::optional<NiftiVoxels> ReadNiftiVoxels(const std::string& path, const std::string& role,
                                           std::uint64_t voxel_count) {
  std::vector<char> stored = WholeFile(path, role);
  std::vector<char> head;
  if (Gzipped(stored)) {
    std::optional<std::vector<char>> h = GzipHead(stored);
    if (!h) return std::nullopt;  // too short for a header: ITK's reader says so
    head = std::move(*h);
  } else {
    if (stored.size() < kHeaderBytes) return std::nullopt;
    head.assign(stored.begin(), stored.begin() + kHeaderBytes);
  }
  const std::optional<Header> h = Simple(head);
  if (!h || h->voxels != voxel_count) return std::nullopt;
  NiftiVoxels v;
  v.type = h->type;
  v.offset = h->offset;
  const std::size_t expected = h->offset + std::size_t(h->voxels) * h->voxel_bytes;
  if (!Gzipped(stored)) {
    if (stored.size() < expected) CutShort(path, role, stored.size(), expected);
    v.bytes = std::move(stored);
    return v;
  }
  // Found before anything is allocated.
  if (expected / kDeflateMaxRatio > stored.size()) {
    CheckVoxelDataComplete(path, role, "NIfTI", std::uint64_t(expected - h->offset));
    return std::nullopt;
  }
  v.bytes.resize(expected);
  std::size_t produced = 0;
  if (!Inflate(stored, v.bytes, produced)) {
    // Corrupt, or more data than the header says: zlib's pass names what it
    // finds; if it finds nothing wrong, ITK's reader takes the file.
    CheckVoxelDataComplete(path, role, "NIfTI", std::uint64_t(expected - h->offset));
    return std::nullopt;
  }
  if (produced < expected) CutShort(path, role, produced, expected);
  return v;
}

namespace {

template <typename From, typename T>
void Cast(const char* data, T* out, std::uint64_t n) {
  for (std::uint64_t i = 0; i < n; ++i) {
    From v;
    std::memcpy(&v, data + i * sizeof(From), sizeof(From));
    out[i] = static_cast<T>(v);
  }
}

}  // namespace

template <typename T>
void CastNiftiVoxels(const NiftiVoxels& v, T* out, std::uint64_t voxel_count) {
  const char* data = v.bytes.data() + v.offset;
  switch (v.type) {
    case NiftiType::kUInt8: return Cast<std::uint8_t>(data, out, voxel_count);
    case NiftiType::kInt8: return Cast<std::int8_t>(data, out, voxel_count);
    case NiftiType::kUInt16: return Cast<std::uint16_t>(data, out, voxel_count);
    case NiftiType::kInt16: return Cast<std::int16_t>(data, out, voxel_count);
    case NiftiType::kUInt32: return Cast<std::uint32_t>(data, out, voxel_count);
    case NiftiType::kInt32: return Cast<std::int32_t>(data, out, voxel_count);
    case NiftiType::kFloat32: return Cast<float>(data, out, voxel_count);
    case NiftiType::kFloat64: return Cast<double>(data, out, voxel_count);
  }
}

template void CastNiftiVoxels<float>(const NiftiVoxels&, float*, std::uint64_t);
template void CastNiftiVoxels<std::uint16_t>(const NiftiVoxels&, std::uint16_t*, std::uint64_t);

}  // namespace margo
