#include "core/parallel_for.h"

#include <itkMultiThreaderBase.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <vector>

#include "core/toolkit_globals.h"

namespace margo {

unsigned ThreadBudget() { return std::max(1u, itk::MultiThreaderBase::GetGlobalDefaultNumberOfThreads()); }

void ParallelFor(std::size_t n, const std::function<void(std::size_t)>& task) {
  const std::size_t threads = std::min<std::size_t>(n, ThreadBudget());
  if (threads > 1) PrepareItkForThreads();
  std::vector<std::exception_ptr> failures(n);
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < n; i = next++) {
      try {
        task(i);
      } catch (...) {
        failures[i] = std::current_exception();
      }
    }
  };
  std::vector<std::thread> helpers;
  for (std::size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
  work();
  for (std::thread& h : helpers) h.join();
  for (const std::exception_ptr& f : failures) {
    if (f) std::rethrow_exception(f);
  }
}

}  // namespace margo
