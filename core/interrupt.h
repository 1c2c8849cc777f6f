// What SIGINT, SIGTERM and SIGHUP do to a run (docs/EXIT_CODES.md): the
// outputs it has written so far are taken back, one error line is logged,
// and margo exits with 128 + the signal's number (130, 143, 129), the code
// a shell reports for a killed command. SIGPIPE is ignored: a closed stdout
// fails a write to it, never the run.
#pragma once

#include <functional>
#include <mutex>
#include <string>

namespace margo {

class Log;

// Once, from main(), before any thread starts: the signals are blocked in
// every thread and awaited on a thread of their own.
void InstallInterruptHandling();

// Held while a finished file is renamed into place (CommitTemporary); an
// interrupted run holds it from its clean-up to its exit, so that no file
// appears after the clean-up.
std::mutex& CommitGate();

// What an interrupted run takes back, and where it says so: set by the run
// for as long as the callback and the log live (the destructor clears it).
// The callback returns what it took back, for the error line ("the files
// this run had written were removed").
class InterruptCleanup {
 public:
  using TakeBack = std::function<std::string()>;
  InterruptCleanup(Log& log, TakeBack take_back);
  ~InterruptCleanup();
  InterruptCleanup(const InterruptCleanup&) = delete;
  InterruptCleanup& operator=(const InterruptCleanup&) = delete;

  // Replaces what is taken back (as the run gets further).
  void Set(TakeBack take_back);
};

}  // namespace margo
