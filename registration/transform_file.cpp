#include "registration/transform_file.h"

#include <itkTransformFileWriter.h>
#include <itkTxtTransformIOFactory.h>

#include <filesystem>

#include "core/error.h"
#include "registration/itk_transform.h"

namespace margo {

void WriteTransformFile(const ScanMap& map, const std::string& path) {
  static const bool registered = [] {  // .tfm (text), without ITK's CMake-generated factory lists
    itk::TxtTransformIOFactory::RegisterOneFactory();
    return true;
  }();
  (void)registered;
  // Written beside, then renamed: never a half-written file under `path`.
  // The extension stays last: ITK picks the file format by it.
  const std::filesystem::path target(path);
  const std::filesystem::path partial =
      target.parent_path() / (target.stem().string() + ".partial" + target.extension().string());
  if (map.deformable()) {
    map.deformable()->Write(partial.string());
  } else {
    auto writer = itk::TransformFileWriterTemplate<double>::New();
    writer->SetInput(ToItk(map.rigid()));
    writer->SetFileName(partial.string());
    try {
      writer->Update();
    } catch (const itk::ExceptionObject& e) {
      throw Error(ErrorKind::kOutputFailed, path + ": cannot write the transform: " + e.GetDescription());
    }
  }
  std::error_code ec;
  std::filesystem::rename(partial, target, ec);
  if (ec) throw Error(ErrorKind::kOutputFailed, path + ": cannot write the transform: " + ec.message());
}

}  // namespace margo
