#include "core/version.h"

#include <itkConfigure.h>
#include <vtkVersionMacros.h>

#include "git_revision.h"

namespace margo {

VersionInfo GetVersionInfo() {
  VersionInfo v;
  v.margo = MARGO_VERSION;
  v.git_revision = MARGO_GIT_REVISION;
  v.itk = std::to_string(ITK_VERSION_MAJOR) + "." + std::to_string(ITK_VERSION_MINOR) + "." +
          std::to_string(ITK_VERSION_PATCH);
  v.vtk = VTK_VERSION;
  v.compiler = std::string("GCC ") + __VERSION__;
  return v;
}

std::string VersionText(const VersionInfo& v) {
  return "margo " + v.margo + " (git " + v.git_revision + ")\nITK " + v.itk + ", VTK " + v.vtk +
         ", " + v.compiler + "\n";
}

}  // namespace margo
