// Independent tasks on as many threads as margo may use (--threads, ITK's
// global default), for work too coarse or too library-bound for ITK's pool
// (whose threads must not wait on their own pool).
#pragma once

#include <cstddef>
#include <functional>

namespace margo {

// How many threads margo may use: ITK's global default (--threads).
unsigned ThreadBudget();

// Calls task(i) for every i in [0, n), each exactly once, on up to
// ThreadBudget() threads (the caller's among them). Tasks must not depend on
// each other's order. When tasks throw, the exception of the lowest i is
// rethrown after all have ended.
void ParallelFor(std::size_t n, const std::function<void(std::size_t)>& task);

// Calls visit(i) for every i in [0, n), in chunks of `chunk` consecutive i
// spread over ParallelFor: for many cheap, independent items (each visit
// writes only its own i's results).
template <typename Visit>
void ParallelChunks(std::size_t n, std::size_t chunk, Visit visit) {
  ParallelFor((n + chunk - 1) / chunk, [&](std::size_t c) {
    for (std::size_t i = c * chunk; i < n && i < (c + 1) * chunk; ++i) visit(i);
  });
}

}  // namespace margo
