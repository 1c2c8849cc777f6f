#include "io/image_writer.h"

#include <itkImageFileReader.h>
#include <itkImageFileWriter.h>
#include <itkMetaImageIO.h>
#include <itkNiftiImageIO.h>
#include <itkNrrdImageIO.h>
#include <libdeflate.h>
#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "core/atomic_file.h"
#include "core/error.h"
#include "io/nifti_layout.h"

namespace margo {
namespace {

bool EndsWith(const std::string& s, const std::string& end) {
  return s.size() >= end.size() && s.compare(s.size() - end.size(), end.size(), end) == 0;
}

itk::ImageIOBase::Pointer IoFor(const std::string& path) {
  if (EndsWith(path, ".nii") || EndsWith(path, ".nii.gz")) return itk::NiftiImageIO::New().GetPointer();
  if (EndsWith(path, ".nrrd")) return itk::NrrdImageIO::New().GetPointer();
  if (EndsWith(path, ".mha")) return itk::MetaImageIO::New().GetPointer();
  throw Error(ErrorKind::kUsage, "output " + path + ": unsupported extension; expected .nii, .nii.gz, .nrrd or .mha");
}

// The voxels as ITK writes them: the buffer as it lies in memory.
template <typename TImage>
std::pair<const char*, std::size_t> VoxelBytes(const TImage& image) {
  return {reinterpret_cast<const char*>(image.GetBufferPointer()),
          image.GetLargestPossibleRegion().GetNumberOfPixels() * sizeof(typename TImage::PixelType)};
}

std::vector<char> ReadAll(const std::filesystem::path& file, const std::string& path) {
  std::error_code ec;
  const std::uintmax_t bytes = std::filesystem::file_size(file, ec);
  std::vector<char> content(ec ? 0 : std::size_t(bytes));
  std::ifstream in(file, std::ios::binary);
  in.read(content.data(), std::streamsize(content.size()));
  if (ec || !in) {
    throw Error(ErrorKind::kOutputFailed, "output " + path + ": cannot read back " + file.string());
  }
  return content;
}

// Throws unless `nifti` (a whole .nii as written) ends with `image`'s voxels
// after a header. ITK's NIfTI writer (nifticlib, and zlib's gzwrite for
// .nii.gz) drops write errors: a full disk left an empty or cut file that
// looked written, so every NIfTI margo writes is read back.
template <typename TImage>
void CheckHoldsVoxels(const std::vector<char>& nifti, const TImage& image, const std::string& path) {
  const auto [voxels, bytes] = VoxelBytes(image);
  const std::size_t least = std::size_t(nifti1::kHeaderBytes) + bytes;
  if (nifti.size() < least) {
    throw Error(ErrorKind::kOutputFailed, "output " + path + ": cannot write: the file holds " +
                                              std::to_string(nifti.size()) + " bytes; expected at least " +
                                              std::to_string(least) + " (disk full?)");
  }
  if (std::memcmp(nifti.data() + nifti.size() - bytes, voxels, bytes) != 0) {
    throw Error(ErrorKind::kOutputFailed,
                "output " + path + ": cannot write: the file does not hold the voxels");
  }
}

// Throws unless `gz` (a .nii.gz as written) ends with the CRC-32 and length
// (gzip's trailer) of a header, which must inflate from its start, and
// `image`'s voxels. zlib's gzwrite, under ITK's NIfTI writer, writes the
// trailer last and stops at a failed write (retrying its unwritten bytes
// when the file is closed), so a trailer that counts every byte and matches
// their CRC follows a whole file. On a post grid of the `full` case (40 MB of
// labels, 0.12 s CPU to write) the CRC adds 0.005 s; inflating it all to
// compare (libdeflate) took 0.06 s, most of it faulting in the 40 MB.
template <typename TImage>
void CheckGzipHoldsVoxels(const std::vector<char>& gz, const TImage& image, const std::string& path) {
  const auto [voxels, bytes] = VoxelBytes(image);
  const std::string cut =
      "output " + path + ": cannot write: the file written is cut short or damaged (disk full?)";
  if (gz.size() < 18) throw Error(ErrorKind::kOutputFailed, cut);
  // The little-endian uint32 that ends `from_end` bytes before the end.
  auto trailer = [&gz](std::size_t from_end) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i)
      v = (v << 8) | static_cast<unsigned char>(gz[gz.size() - 1 - from_end - i]);
    return v;
  };
  const std::uint32_t crc = trailer(4), length = trailer(0);
  // Lengths are modulo 2^32: the header's is what the voxels leave of it.
  const std::size_t header = std::uint32_t(length - static_cast<std::uint32_t>(bytes));
  if (header < std::size_t(nifti1::kHeaderBytes) || header > (1u << 20))
    throw Error(ErrorKind::kOutputFailed, cut);
  std::vector<char> start(header);
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) throw Error(ErrorKind::kInternal, "zlib: cannot inflate");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(std::min<std::size_t>(gz.size(), 1u << 30));
  z.next_out = reinterpret_cast<Bytef*>(start.data());
  z.avail_out = static_cast<uInt>(header);
  int status = Z_OK;
  while (status == Z_OK && z.avail_out > 0) status = inflate(&z, Z_NO_FLUSH);
  const bool inflated = z.avail_out == 0;
  inflateEnd(&z);
  const std::uint32_t expected = libdeflate_crc32(libdeflate_crc32(0, start.data(), header), voxels, bytes);
  if (!inflated || crc != expected) throw Error(ErrorKind::kOutputFailed, cut);
}

// What ITK wrote at `file` read back: a NIfTI must end with the voxels; other
// formats are read with ITK and compared voxel by voxel.
template <typename TImage>
void CheckWritten(const std::filesystem::path& file, const TImage& image, const std::string& path) {
  if (EndsWith(path, ".nii") || EndsWith(path, ".nii.gz")) {
    const std::vector<char> content = ReadAll(file, path);
    if (EndsWith(file.string(), ".gz")) return CheckGzipHoldsVoxels(content, image, path);
    return CheckHoldsVoxels(content, image, path);
  }
  auto reader = itk::ImageFileReader<TImage>::New();
  reader->SetImageIO(IoFor(path));
  reader->SetFileName(file.string());
  reader->Update();  // its exception is the caller's "cannot write"
  const auto [voxels, bytes] = VoxelBytes(image);
  const auto [read, read_bytes] = VoxelBytes(*reader->GetOutput());
  if (bytes != read_bytes || std::memcmp(voxels, read, bytes) != 0) {
    throw Error(ErrorKind::kOutputFailed,
                "output " + path + ": cannot write: the file does not hold the voxels");
  }
}

// `from` (a .nii, checked to hold `image`) gzipped into `to` in one member by
// libdeflate (level 6, zlib's default). For CT volumes, whose voxels are noise
// to a compressor: ITK's own .nii.gz writing goes through zlib, which took
// 45 % of `margo phantom --preset full`'s CPU (13.3 s; 9.6 s this way, the
// same bytes inflated). Label maps, mostly zeros, zlib deflates faster (0.16 s
// for the full case's warped labels, 0.19-0.27 s this way), so ITK keeps them.
template <typename TImage>
void Gzip(const std::filesystem::path& from, const std::filesystem::path& to, const TImage& image,
          const std::string& path) {
  const std::vector<char> raw = ReadAll(from, path);
  CheckHoldsVoxels(raw, image, path);
  std::unique_ptr<libdeflate_compressor, void (*)(libdeflate_compressor*)> compressor(
      libdeflate_alloc_compressor(6), &libdeflate_free_compressor);
  if (!compressor) throw Error(ErrorKind::kInternal, "libdeflate: cannot allocate a compressor");
  std::vector<char> packed(libdeflate_gzip_compress_bound(compressor.get(), raw.size()));
  const std::size_t size =
      libdeflate_gzip_compress(compressor.get(), raw.data(), raw.size(), packed.data(), packed.size());
  std::ofstream out(to, std::ios::binary | std::ios::trunc);
  out.write(packed.data(), std::streamsize(size));
  out.close();
  if (size == 0 || !out)
    throw Error(ErrorKind::kOutputFailed, "output " + path + ": cannot write " + to.string());
}

enum class Deflate { kItk, kLibdeflate };

template <typename TImage>
void WriteAny(const TImage& image, const std::string& path, Deflate deflate) {
  // The temporary keeps the real extension so ITK picks the same format; a
  // .nii.gz for libdeflate is written as .nii by ITK, then gzipped (Gzip).
  const std::filesystem::path target(path);
  const std::filesystem::path temporary = TemporarySiblingKeepingExtension(target);
  const bool gzip = deflate == Deflate::kLibdeflate && EndsWith(path, ".nii.gz");
  const std::filesystem::path written = gzip ? temporary.parent_path() / temporary.stem() : temporary;
  auto writer = itk::ImageFileWriter<TImage>::New();
  writer->SetImageIO(IoFor(path));
  writer->SetInput(&image);
  writer->SetFileName(written.string());
  writer->SetUseCompression(!gzip);
  std::error_code ec;
  try {
    writer->Update();
    if (gzip) {
      Gzip(written, temporary, image, path);
    } else {
      CheckWritten(temporary, image, path);
    }
  } catch (const itk::ExceptionObject& e) {
    std::filesystem::remove(written, ec);
    throw Error(ErrorKind::kOutputFailed, "output " + path + ": cannot write: " + e.GetDescription());
  } catch (...) {
    std::filesystem::remove(written, ec);
    std::filesystem::remove(temporary, ec);
    throw;
  }
  if (gzip) std::filesystem::remove(written, ec);
  CommitTemporary(temporary, target);
}

}  // namespace

void WriteImage(const CtImage& image, const std::string& path) {
  WriteAny(image, path, Deflate::kLibdeflate);
}
void WriteImage(const LabelImage& image, const std::string& path) { WriteAny(image, path, Deflate::kItk); }
void WriteImage(const itk::Image<std::int16_t, 3>& image, const std::string& path) {
  WriteAny(image, path, Deflate::kLibdeflate);
}

}  // namespace margo
