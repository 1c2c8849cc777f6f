#include "io/file_completeness.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/parallel_for.h"
#include "io/nifti_layout.h"

namespace margo {
namespace {

[[noreturn]] void Short(const std::string& role, const std::string& path, std::uint64_t found,
                        std::uint64_t expected) {
  throw Error(ErrorKind::kInputUnreadable,
              role + " " + path + ": file is truncated or corrupt: " + std::to_string(found) +
                  " bytes of header and voxel data; expected " + std::to_string(expected));
}

bool GzipMagicAt(const z_stream& z) {
  return z.avail_in > 0 && z.next_in[0] == 0x1f && (z.avail_in < 2 || z.next_in[1] == 0x8b);
}

// Bytes inflated out of the gzip data in `in`, every member to its end. zlib's
// gzread returns all the voxels of a stream cut inside its 8-byte trailer
// (CRC and length) without a word; here such a stream is truncated. Bytes
// after the last member that are not another member are ignored, as gzread
// ignores them.
std::uint64_t InflatedGzipSize(std::ifstream& in, const std::string& path, const std::string& role,
                               std::string& head) {
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
    throw Error(ErrorKind::kInternal, "zlib: inflateInit2 failed");
  std::vector<unsigned char> input(1 << 16), output(1 << 16);
  const auto refill = [&] {
    in.read(reinterpret_cast<char*>(input.data()), std::streamsize(input.size()));
    z.next_in = input.data();
    z.avail_in = static_cast<uInt>(in.gcount());
    return z.avail_in > 0;
  };
  std::uint64_t total = 0;
  int code = Z_OK;
  while (z.avail_in > 0 || refill()) {
    z.next_out = output.data();
    z.avail_out = static_cast<uInt>(output.size());
    code = inflate(&z, Z_NO_FLUSH);
    const std::size_t produced = output.size() - z.avail_out;
    if (head.size() < 1024)
      head.append(reinterpret_cast<char*>(output.data()), std::min(produced, 1024 - head.size()));
    total += produced;
    if (code == Z_STREAM_END) {
      if ((z.avail_in == 0 && !refill()) || !GzipMagicAt(z)) break;
      inflateReset(&z);  // another member follows (as `cat a.gz b.gz` makes)
    } else if (code != Z_OK && code != Z_BUF_ERROR) {
      const std::string message = z.msg != nullptr ? z.msg : "zlib error " + std::to_string(code);
      inflateEnd(&z);
      throw Error(ErrorKind::kInputUnreadable, role + " " + path + ": corrupt compressed data: " + message);
    }
  }
  inflateEnd(&z);
  if (code != Z_STREAM_END) {
    throw Error(
        ErrorKind::kInputUnreadable,
        role + " " + path + ": file is truncated: its gzip data ends after " + std::to_string(total) +
            " inflated bytes without the stream's end and its CRC and length; expected a complete gzip "
            "stream");
  }
  return total;
}

// All bytes of a plain file (its size) or of a gzip-compressed one (counted
// through zlib); the first kilobyte of them in `head`.
std::uint64_t DecompressedSize(const std::string& path, const std::string& role, std::string& head) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::kInputUnreadable, role + " " + path + ": cannot open");
  char magic[2] = {0, 0};
  in.read(magic, 2);
  in.seekg(0);
  if (!(static_cast<unsigned char>(magic[0]) == 0x1f && static_cast<unsigned char>(magic[1]) == 0x8b)) {
    head.resize(1024);
    in.read(&head[0], std::streamsize(head.size()));
    head.resize(std::size_t(in.gcount()));
    return std::filesystem::file_size(path);
  }
  return InflatedGzipSize(in, path, role, head);
}

// 1 or 2 when `head` holds a NIfTI-1 or NIfTI-2 header up to its
// vox_offset; 0 otherwise.
int NiftiVersion(const NiftiFields& h, std::size_t head_bytes) {
  if (h.SizeofHdr() == nifti1::kHeaderBytes && head_bytes >= nifti1::kVoxOffset + 4) return 1;
  if (h.SizeofHdr() == nifti2::kHeaderBytes && head_bytes >= nifti2::kVoxOffset + 8) return 2;
  return 0;
}

// Voxel bytes as stored, from the header itself: ITK reports a scaled
// integer image (scl_slope, scl_inter) as float, twice or four times the
// bytes the file holds.
std::uint64_t StoredVoxelBytes(const NiftiFields& h, int version, std::uint64_t itk_image_bytes) {
  if (version == 0) return itk_image_bytes;
  const std::int16_t bitpix = h.Short(version == 2 ? nifti2::kBitpix : nifti1::kBitpix);
  std::int64_t dims = 0;
  std::uint64_t voxels = 1;
  for (int d = 0; d <= 7; ++d) {
    const std::int64_t n = version == 2 ? h.Get<std::int64_t>(nifti2::kDim + 8 * std::size_t(d))
                                        : h.Short(nifti1::kDim + 2 * std::size_t(d));
    if (d == 0) {
      dims = n;
    } else if (d <= dims) {
      if (n < 1) return itk_image_bytes;
      voxels *= std::uint64_t(n);
    }
  }
  if (dims < 1 || dims > 7 || bitpix <= 0 || bitpix % 8 != 0) return itk_image_bytes;
  return voxels * std::uint64_t(bitpix / 8);
}

void CheckNifti(const std::string& path, const std::string& role, std::uint64_t image_bytes) {
  std::string head;
  const std::uint64_t total = DecompressedSize(path, role, head);
  const NiftiFields h(head);
  const int version = NiftiVersion(h, head.size());
  std::uint64_t offset = nifti1::kSingleFileVoxOffset;
  if (version == 1) {
    const float vox_offset = h.Float(nifti1::kVoxOffset);
    if (vox_offset >= 0.0f && vox_offset < 1e18f) offset = static_cast<std::uint64_t>(vox_offset);
  } else if (version == 2) {
    offset = static_cast<std::uint64_t>(h.Get<std::int64_t>(nifti2::kVoxOffset));
  }
  const std::uint64_t stored = StoredVoxelBytes(h, version, image_bytes);
  if (total < offset + stored) Short(role, path, total, offset + stored);
}

// Bytes that inflate out of a zlib stream starting at `offset` of `path`.
std::uint64_t InflatedSize(const std::string& path, std::uint64_t offset, const std::string& role) {
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  z_stream z{};
  if (inflateInit(&z) != Z_OK) throw Error(ErrorKind::kInternal, "zlib: inflateInit failed");
  std::vector<unsigned char> input(1 << 16), output(1 << 16);
  std::uint64_t total = 0;
  int code = Z_OK;
  while (code != Z_STREAM_END) {
    if (z.avail_in == 0) {
      in.read(reinterpret_cast<char*>(input.data()), std::streamsize(input.size()));
      z.avail_in = static_cast<uInt>(in.gcount());
      z.next_in = input.data();
      if (z.avail_in == 0) break;  // stream cut short
    }
    z.avail_out = static_cast<uInt>(output.size());
    z.next_out = output.data();
    code = inflate(&z, Z_NO_FLUSH);
    total += output.size() - z.avail_out;
    if (code != Z_OK && code != Z_STREAM_END) break;
  }
  inflateEnd(&z);
  if (code != Z_STREAM_END) {
    throw Error(ErrorKind::kInputUnreadable, role + " " + path + ": compressed voxel data is corrupt or cut short");
  }
  return total;
}

// Where a MetaImage header says its voxels are; nullopt when it names none
// or a list of slice files (left to MetaIO).
struct MetaDataFile {
  std::string path;
  std::uint64_t offset = 0;
  bool compressed = false;
};

std::optional<MetaDataFile> MetaImageDataFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  bool compressed = false;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    key.erase(key.find_last_not_of(" \t") + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t\r") + 1);
    // Read as MetaIO reads them: CompressedData by its first letter, the
    // data file's LOCAL in any case, LIST with or without a dimension.
    if (key == "CompressedData") compressed = !value.empty() && (value[0] == 'T' || value[0] == 't' || value[0] == '1');
    if (key != "ElementDataFile") continue;
    std::string upper = value;
    for (char& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
    if (upper.rfind("LIST", 0) == 0 || value.find('%') != std::string::npos) return std::nullopt;
    const bool local = upper == "LOCAL";
    return MetaDataFile{local ? path : (std::filesystem::path(path).parent_path() / value).string(),
                        local ? static_cast<std::uint64_t>(in.tellg()) : 0, compressed};
  }
  return std::nullopt;
}

void CheckMetaImage(const std::string& path, const std::string& role, std::uint64_t image_bytes) {
  const std::optional<MetaDataFile> data = MetaImageDataFile(path);
  if (!data) return;
  std::error_code ec;
  const std::uint64_t size = std::filesystem::file_size(data->path, ec);
  if (ec) throw Error(ErrorKind::kInputUnreadable, role + " " + path + ": voxel data file " + data->path + " is missing");
  const std::uint64_t found =
      data->compressed ? InflatedSize(data->path, data->offset, role) : size - std::min(size, data->offset);
  if (found < image_bytes) Short(role, data->path, found, image_bytes);
}

// Checks that cost no more than a file's size are made before the read:
// MetaIO would otherwise print its own complaint about the same file first.
bool CheapToCheck(const std::string& path, const std::string& format) {
  if (format != "MetaImage") return false;
  const std::optional<MetaDataFile> data = MetaImageDataFile(path);
  return data && !data->compressed;
}

}  // namespace

void CheckVoxelDataComplete(const std::string& path, const std::string& role, const std::string& format,
                            std::uint64_t image_bytes) {
  if (format == "NIfTI") CheckNifti(path, role, image_bytes);
  if (format == "MetaImage") CheckMetaImage(path, role, image_bytes);
}

CompletenessCheck::CompletenessCheck(const std::string& path, const std::string& role, const std::string& format,
                                     std::uint64_t image_bytes) {
  std::error_code ec;
  const std::uint64_t stored = std::filesystem::file_size(path, ec);
  if ((!ec && image_bytes / kDeflateMaxRatio > stored) || ThreadBudget() < 2 || CheapToCheck(path, format)) {
    CheckVoxelDataComplete(path, role, format, image_bytes);  // now; Wait() has nothing left to do
    return;
  }
  done_ = std::async(std::launch::async, [=] { CheckVoxelDataComplete(path, role, format, image_bytes); });
}

}  // namespace margo
