#include "io/image_writer.h"

#include <itkImageFileWriter.h>
#include <itkMetaImageIO.h>
#include <itkNiftiImageIO.h>
#include <itkNrrdImageIO.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include <libdeflate.h>

#include "core/atomic_file.h"
#include "core/error.h"

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

// `from` gzipped into `to` in one member by libdeflate (level 6, zlib's
// default). For CT volumes, whose voxels are noise to a compressor: ITK's
// own .nii.gz writing goes through zlib, which took 45 % of `margo phantom
// --preset full`'s CPU (13.3 s; 9.6 s this way, the same bytes inflated).
// Label maps, mostly zeros, zlib deflates faster (0.16 s for the full
// case's warped labels, 0.19-0.27 s this way), so ITK keeps them.
void Gzip(const std::filesystem::path& from, const std::filesystem::path& to, const std::string& path) {
  std::error_code ec;
  const std::uintmax_t bytes = std::filesystem::file_size(from, ec);
  std::vector<char> raw(ec ? 0 : std::size_t(bytes));
  std::ifstream in(from, std::ios::binary);
  in.read(raw.data(), std::streamsize(raw.size()));
  if (ec || !in) throw Error(ErrorKind::kOutputFailed, "output " + path + ": cannot read back " + from.string());
  std::unique_ptr<libdeflate_compressor, void (*)(libdeflate_compressor*)> compressor(
      libdeflate_alloc_compressor(6), &libdeflate_free_compressor);
  if (!compressor) throw Error(ErrorKind::kInternal, "libdeflate: cannot allocate a compressor");
  std::vector<char> packed(libdeflate_gzip_compress_bound(compressor.get(), raw.size()));
  const std::size_t size =
      libdeflate_gzip_compress(compressor.get(), raw.data(), raw.size(), packed.data(), packed.size());
  std::ofstream out(to, std::ios::binary | std::ios::trunc);
  out.write(packed.data(), std::streamsize(size));
  out.close();
  if (size == 0 || !out) throw Error(ErrorKind::kOutputFailed, "output " + path + ": cannot write " + to.string());
}

enum class Deflate { kItk, kLibdeflate };

template <typename TImage>
void WriteAny(const TImage& image, const std::string& path, Deflate deflate) {
  // The temporary keeps the real extension so ITK picks the same format; a
  // .nii.gz for libdeflate is written as .nii by ITK, then gzipped (Gzip).
  const std::filesystem::path target(path);
  const std::filesystem::path temporary =
      target.parent_path() / (".tmp-" + std::to_string(::getpid()) + "-" + target.filename().string());
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
    if (gzip) Gzip(written, temporary, path);
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

void WriteImage(const CtImage& image, const std::string& path) { WriteAny(image, path, Deflate::kLibdeflate); }
void WriteImage(const LabelImage& image, const std::string& path) { WriteAny(image, path, Deflate::kItk); }
void WriteImage(const itk::Image<std::int16_t, 3>& image, const std::string& path) {
  WriteAny(image, path, Deflate::kLibdeflate);
}

}  // namespace margo
