// A full disk, as the kernel reports it, for tests: while a FileSizeLimit
// lives, writes to regular files fail past `bytes` (RLIMIT_FSIZE: a short
// write, then EFBIG; SIGXFSZ is ignored), in every thread of the process.
#pragma once

#include <sys/resource.h>

#include <csignal>

namespace margo::testing {

class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) : handler_(std::signal(SIGXFSZ, SIG_IGN)) {
    getrlimit(RLIMIT_FSIZE, &saved_);
    rlimit limited = saved_;
    limited.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &limited);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  void (*handler_)(int);
  rlimit saved_{};
};

}  // namespace margo::testing
