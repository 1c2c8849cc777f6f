#include "core/toolkit_globals.h"

#include <itkMultiThreaderBase.h>
#include <itkObjectFactoryBase.h>
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
  });
}

}  // namespace margo
