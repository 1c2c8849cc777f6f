#include "core/version.h"

#include <gdcmConfigure.h>
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
  v.dcmtk = MARGO_DCMTK_VERSION;
  v.gdcm = GDCM_VERSION;
  v.compiler = std::string("GCC ") + __VERSION__;
  return v;
}

std::string VersionText(const VersionInfo& v) {
  return "margo " + v.margo + " (git " + v.git_revision + ")\nITK " + v.itk + ", VTK " + v.vtk + ", DCMTK " +
         v.dcmtk + ", GDCM " + v.gdcm + ", " + v.compiler + "\n";
}

}  // namespace margo
