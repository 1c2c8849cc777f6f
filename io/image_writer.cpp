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
// after a header. ITK's NIfTI writer (nifticlib) drops write errors: a full
// disk left an empty or cut file that looked written, so every .nii ITK
// writes for margo (an output, or a .nii.gz's one-slice header) is read back.
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

// One slice of `image`'s grid (its first), zero: ITK writes for it the
// NIfTI header it writes for the whole image but for dim[3], the slice
// count (tests/unit/io/image_writer_test.cpp compares the two).
template <typename TImage>
typename TImage::Pointer FirstSlice(const TImage& image) {
  auto slice = TImage::New();
  slice->CopyInformation(&image);
  typename TImage::RegionType region = image.GetLargestPossibleRegion();
  region.SetSize(2, 1);
  slice->SetRegions(region);
  slice->Allocate(true);
  return slice;
}

// The header ITK writes for `image` as a .nii (with its 4-byte extender):
// written for FirstSlice at `scratch` (removed after), dim[3] then set to
// the image's slice count. No uncompressed copy of the voxels is written.
template <typename TImage>
std::vector<char> NiftiHeaderOf(const TImage& image, const std::filesystem::path& scratch,
                                const std::string& path) {
  const auto slices = image.GetLargestPossibleRegion().GetSize(2);
  if (slices > 32767) {
    throw Error(ErrorKind::kOutputFailed, "output " + path + ": " + std::to_string(slices) +
                                              " slices; a NIfTI-1 header holds at most 32767");
  }
  const typename TImage::Pointer slice = FirstSlice(image);
  auto writer = itk::ImageFileWriter<TImage>::New();
  writer->SetImageIO(itk::NiftiImageIO::New());
  writer->SetInput(slice);
  writer->SetFileName(scratch.string());
  writer->SetUseCompression(false);
  writer->Update();
  std::vector<char> header = ReadAll(scratch, path);
  std::error_code ec;
  std::filesystem::remove(scratch, ec);
  CheckHoldsVoxels(header, *slice, path);  // the header, then the slice's voxels
  header.resize(header.size() - VoxelBytes(*slice).second);
  const std::int16_t count = static_cast<std::int16_t>(slices);  // in the byte order ITK wrote (native)
  std::memcpy(header.data() + nifti1::kDim + 3 * sizeof(std::int16_t), &count, sizeof count);
  return header;
}

// `image` as a .nii.gz at `to`: the header (NiftiHeaderOf) and then the
// voxels as they lie in memory, which is what ITK writes into a .nii
// (CheckHoldsVoxels), gzipped by libdeflate (level 6, zlib's default): the
// header in a gzip member of its own, the voxels in members of 8 MiB
// compressed on all cores. A .nii.gz may hold several members one after
// another, and every gzip reader (zlib's gzread under ITK and nifticlib,
// Python's gzip, margo's own) reads them as one stream; the member size is
// fixed, so the bytes do not depend on the number of threads. ITK's own
// .nii.gz writing goes through zlib on one core: for CT volumes, whose
// voxels are noise to a compressor, that took 45 % of `margo phantom
// --preset full`'s CPU (13.3 s; 9.6 s with libdeflate); the full case's
// warped labels, mostly zeros, took 0.19 s with zlib, and the stage that
// writes them 0.24 s, then 0.16 s through an uncompressed copy on disk
// (medians of 7 runs, 2026-11-30), which is no longer written.
constexpr std::size_t kGzipMemberBytes = std::size_t(8) << 20;

template <typename TImage>
void WriteNiftiGz(const TImage& image, const std::filesystem::path& to, const std::filesystem::path& scratch,
                  const std::string& path) {
  const std::vector<char> header = NiftiHeaderOf(image, scratch, path);
  const auto [voxels, bytes] = VoxelBytes(image);
  const std::size_t members = 1 + (bytes + kGzipMemberBytes - 1) / kGzipMemberBytes;
  std::vector<std::vector<char>> packed(members);
  ParallelFor(members, [&](std::size_t m) {
    const char* from = m == 0 ? header.data() : voxels + (m - 1) * kGzipMemberBytes;
    const std::size_t size =
        m == 0 ? header.size() : std::min(kGzipMemberBytes, bytes - (m - 1) * kGzipMemberBytes);
    std::unique_ptr<libdeflate_compressor, void (*)(libdeflate_compressor*)> compressor(
        libdeflate_alloc_compressor(6), &libdeflate_free_compressor);
    if (!compressor) throw Error(ErrorKind::kInternal, "libdeflate: cannot allocate a compressor");
    packed[m].resize(libdeflate_gzip_compress_bound(compressor.get(), size));
    packed[m].resize(
        libdeflate_gzip_compress(compressor.get(), from, size, packed[m].data(), packed[m].size()));
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
  // .nii.gz is written by WriteNiftiGz, its header through a one-slice .nii
  // at `scratch`.
  const std::filesystem::path target(path);
  const std::filesystem::path temporary = TemporarySiblingKeepingExtension(target);
  const bool gzip = EndsWith(path, ".nii.gz");
  const std::filesystem::path scratch = temporary.parent_path() / temporary.stem();
  std::error_code ec;
  try {
    if (gzip) {
      WriteNiftiGz(image, temporary, scratch, path);
    } else {
      auto writer = itk::ImageFileWriter<TImage>::New();
      writer->SetImageIO(IoFor(path));
      writer->SetInput(&image);
      writer->SetFileName(temporary.string());
      writer->SetUseCompression(true);
      writer->Update();
      CheckWritten(temporary, image, path);
    }
  } catch (const itk::ExceptionObject& e) {
    std::filesystem::remove(scratch, ec);
    std::filesystem::remove(temporary, ec);
    throw Error(ErrorKind::kOutputFailed, "output " + path + ": cannot write: " + e.GetDescription());
  } catch (...) {
    std::filesystem::remove(scratch, ec);
    std::filesystem::remove(temporary, ec);
    throw;
  }
  CommitTemporary(temporary, target);
}

}  // namespace

void WriteImage(const CtImage& image, const std::string& path) { WriteAny(image, path); }
void WriteImage(const LabelImage& image, const std::string& path) { WriteAny(image, path); }
void WriteImage(const itk::Image<std::int16_t, 3>& image, const std::string& path) { WriteAny(image, path); }

}  // namespace margo
