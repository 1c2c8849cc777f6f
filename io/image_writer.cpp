#include "io/image_writer.h"

#include <itkImageFileReader.h>
#include <itkImageFileWriter.h>
#include <itkMetaImageIO.h>
#include <itkNiftiImageIO.h>
#include <itkNrrdImageIO.h>
#include <libdeflate.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/parallel_for.h"
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

// What ITK wrote at `file` read back: a NIfTI must end with the voxels; other
// formats are read with ITK and compared voxel by voxel.
template <typename TImage>
void CheckWritten(const std::filesystem::path& file, const TImage& image, const std::string& path) {
  if (EndsWith(path, ".nii") || EndsWith(path, ".nii.gz")) {
    return CheckHoldsVoxels(ReadAll(file, path), image, path);
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

// `from` (a .nii, checked to hold `image`) gzipped into `to` by libdeflate
// (level 6, zlib's default) in members of 8 MiB of input, compressed on all
// cores: a .nii.gz may hold several members one after another, and every
// gzip reader (zlib's gzread under ITK and nifticlib, Python's gzip,
// margo's own) reads them as one stream. The member size is fixed, so the
// bytes written do not depend on the number of threads. ITK's own .nii.gz
// writing goes through zlib on one core: for CT volumes, whose voxels are
// noise to a compressor, that took 45 % of `margo phantom --preset full`'s
// CPU (13.3 s; 9.6 s with libdeflate); the full case's warped labels,
// mostly zeros, took 0.19 s with zlib, and the stage that writes them
// 0.24 s, now 0.17 s (medians of 7 runs, 2026-11-30).
constexpr std::size_t kGzipMemberBytes = std::size_t(8) << 20;

template <typename TImage>
void Gzip(const std::filesystem::path& from, const std::filesystem::path& to, const TImage& image,
          const std::string& path) {
  const std::vector<char> raw = ReadAll(from, path);
  CheckHoldsVoxels(raw, image, path);
  const std::size_t members =
      std::max<std::size_t>(1, (raw.size() + kGzipMemberBytes - 1) / kGzipMemberBytes);
  std::vector<std::vector<char>> packed(members);
  ParallelFor(members, [&](std::size_t m) {
    const std::size_t begin = m * kGzipMemberBytes, end = std::min(raw.size(), begin + kGzipMemberBytes);
    std::unique_ptr<libdeflate_compressor, void (*)(libdeflate_compressor*)> compressor(
        libdeflate_alloc_compressor(6), &libdeflate_free_compressor);
    if (!compressor) throw Error(ErrorKind::kInternal, "libdeflate: cannot allocate a compressor");
    packed[m].resize(libdeflate_gzip_compress_bound(compressor.get(), end - begin));
    packed[m].resize(libdeflate_gzip_compress(compressor.get(), raw.data() + begin, end - begin,
                                              packed[m].data(), packed[m].size()));
    if (packed[m].empty()) throw Error(ErrorKind::kInternal, "libdeflate: cannot compress " + path);
  });
  std::ofstream out(to, std::ios::binary | std::ios::trunc);
  for (const std::vector<char>& member : packed) out.write(member.data(), std::streamsize(member.size()));
  out.close();
  if (!out) throw Error(ErrorKind::kOutputFailed, "output " + path + ": cannot write " + to.string());
}

template <typename TImage>
void WriteAny(const TImage& image, const std::string& path) {
  // The temporary keeps the real extension so ITK picks the same format; a
  // .nii.gz for libdeflate is written as .nii by ITK, then gzipped (Gzip).
  const std::filesystem::path target(path);
  const std::filesystem::path temporary = TemporarySiblingKeepingExtension(target);
  const bool gzip = EndsWith(path, ".nii.gz");
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

void WriteImage(const CtImage& image, const std::string& path) { WriteAny(image, path); }
void WriteImage(const LabelImage& image, const std::string& path) { WriteAny(image, path); }
void WriteImage(const itk::Image<std::int16_t, 3>& image, const std::string& path) { WriteAny(image, path); }

}  // namespace margo
