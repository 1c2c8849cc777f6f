#include "core/toolkit_globals.h"

#include <itkDataObject.h>
#include <itkMultiThreaderBase.h>
#include <itkObjectFactoryBase.h>
#include <itkOutputWindow.h>
#include <itkTimeStamp.h>

#include <mutex>

namespace margo {

void PrepareItkForThreads() {
  static std::once_flag once;
  std::call_once(once, [] {
    itk::ObjectFactoryBase::CreateAllInstance("itkImageIOBase");  // runs ObjectFactoryBase::Initialize
    itk::TimeStamp stamp;
    stamp.Modified();               // allocates the global time stamp
    itk::MultiThreaderBase::New();  // and the thread pool
    // Flags and singletons kept in ITK's global index, created on first use.
    itk::DataObject::GetGlobalReleaseDataFlag();
    itk::Object::GetGlobalWarningDisplay();
    itk::OutputWindow::GetInstance();
  });
}

}  // namespace margo
