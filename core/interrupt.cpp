#include "core/interrupt.h"

#include <signal.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "core/log.h"

namespace margo {
namespace {

struct Registered {
  std::mutex mutex;
  Log* log = nullptr;
  InterruptCleanup::TakeBack take_back;
};

Registered& Current() {
  static Registered registered;
  return registered;
}

sigset_t InterruptSignals() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, s);
  return set;
}

std::string SignalName(int signal_number) {
  switch (signal_number) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    case SIGHUP:
      return "SIGHUP";
  }
  return "signal " + std::to_string(signal_number);
}

// On the waiting thread: no new file is committed from here on; what the run
// wrote is taken back; one error line; exit.
[[noreturn]] void Interrupted(int signal_number) {
  CommitGate().lock();  // never released: the process ends below
  Registered& r = Current();
  std::lock_guard<std::mutex> hold(r.mutex);
  std::string message = "interrupted by " + SignalName(signal_number);
  if (r.take_back) {
    const std::string taken = r.take_back();
    if (!taken.empty()) message += "; " + taken;
  }
  if (r.log) {
    r.log->Error(message);
  } else {
    const std::string line = "error: " + message + "\n";
    [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
  }
  ::_exit(128 + signal_number);
}

}  // namespace

std::mutex& CommitGate() {
  static std::mutex gate;
  return gate;
}

void InstallInterruptHandling() {
  ::signal(SIGPIPE, SIG_IGN);
  const sigset_t set = InterruptSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread([set] {
    int signal_number = 0;
    while (sigwait(&set, &signal_number) != 0) {
    }
    Interrupted(signal_number);
  }).detach();
}

InterruptCleanup::InterruptCleanup(Log& log, TakeBack take_back) {
  Registered& r = Current();
  std::lock_guard<std::mutex> hold(r.mutex);
  r.log = &log;
  r.take_back = std::move(take_back);
}

InterruptCleanup::~InterruptCleanup() {
  Registered& r = Current();
  std::lock_guard<std::mutex> hold(r.mutex);
  r.log = nullptr;
  r.take_back = nullptr;
}

void InterruptCleanup::Set(TakeBack take_back) {
  Registered& r = Current();
  std::lock_guard<std::mutex> hold(r.mutex);
  r.take_back = std::move(take_back);
}

}  // namespace margo
