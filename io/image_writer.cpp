#include "io/image_writer.h"

#include <itkImageFileWriter.h>
#include <itkMetaImageIO.h>
#include <itkNiftiImageIO.h>
#include <itkNrrdImageIO.h>

#include <unistd.h>

#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"

namespace margo {
namespace {

itk::ImageIOBase::Pointer IoFor(const std::string& path) {
  auto ends = [&path](const std::string& s) {
    return path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0;
  };
  if (ends(".nii") || ends(".nii.gz")) return itk::NiftiImageIO::New().GetPointer();
  if (ends(".nrrd")) return itk::NrrdImageIO::New().GetPointer();
  if (ends(".mha")) return itk::MetaImageIO::New().GetPointer();
  throw Error(ErrorKind::kUsage, "output " + path + ": unsupported extension; expected .nii, .nii.gz, .nrrd or .mha");
}

template <typename TImage>
void WriteAny(const TImage& image, const std::string& path) {
  // The temporary keeps the real extension so ITK picks the same format.
  const std::filesystem::path target(path);
  const std::filesystem::path temporary =
      target.parent_path() / (".tmp-" + std::to_string(::getpid()) + "-" + target.filename().string());
  auto writer = itk::ImageFileWriter<TImage>::New();
  writer->SetImageIO(IoFor(path));
  writer->SetInput(&image);
  writer->SetFileName(temporary.string());
  writer->SetUseCompression(true);
  try {
    writer->Update();
  } catch (const itk::ExceptionObject& e) {
    std::error_code ec;
    std::filesystem::remove(temporary, ec);
    throw Error(ErrorKind::kOutputFailed, "output " + path + ": cannot write: " + e.GetDescription());
  }
  CommitTemporary(temporary, target);
}

}  // namespace

void WriteImage(const CtImage& image, const std::string& path) { WriteAny(image, path); }
void WriteImage(const LabelImage& image, const std::string& path) { WriteAny(image, path); }
void WriteImage(const itk::Image<std::int16_t, 3>& image, const std::string& path) { WriteAny(image, path); }

}  // namespace margo
