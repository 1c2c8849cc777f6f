// ITK 5.2 (Debian's) sets up some process-wide state lazily, on first use,
// without a lock: its object factory list and its global time stamp. Two
// threads that use them first at the same moment (both CTs read at once)
// race: valgrind's helgrind shows it, and such a race can corrupt the heap.
// margo sets that state up on one thread before it starts others. Later ITK
// releases lock it themselves (ITK pull requests 3624 and 4226). VTK's
// counterpart is PrepareVtkForThreads (margin/surface.h).
#pragma once

namespace margo {

// Idempotent and thread-safe; cheap after the first call. ParallelFor calls
// it before it starts threads; so must any other code that starts threads
// which use ITK.
void PrepareItkForThreads();

}  // namespace margo
