// Registration metrics whose value does not depend on thread timing.
#pragma once

#include <itkMultiThreaderBase.h>

namespace margo {

// A new Mattes metric that evaluates in one work unit. ITK 5.2's Mattes v4
// adds each work unit's joint-histogram derivatives into a shared buffer
// under a lock, in whatever order the threads arrive: with more than one the
// sums, and so the optimiser's path, change from run to run. One work unit
// makes a run repeatable (the same inputs give the same report); the filters
// around the metric still use every thread. The metric's threaders take
// their work-unit count from the global default when constructed, hence
// the default is lowered around New(). REQUIRES: no other thread creating
// ITK objects at the same time.
template <typename TMetric>
typename TMetric::Pointer NewRepeatableMetric() {
  const itk::ThreadIdType threads = itk::MultiThreaderBase::GetGlobalDefaultNumberOfThreads();
  itk::MultiThreaderBase::SetGlobalDefaultNumberOfThreads(1);
  typename TMetric::Pointer metric = TMetric::New();
  itk::MultiThreaderBase::SetGlobalDefaultNumberOfThreads(threads);
  return metric;
}

}  // namespace margo
