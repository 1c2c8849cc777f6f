#include "apps/output_folder.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>

#include "core/error.h"

namespace margo {
namespace fs = std::filesystem;

namespace {

// `path` as given (made absolute) and with its links resolved: an input may
// name an output either way.
std::vector<fs::path> Spellings(const fs::path& path) {
  std::error_code ec;
  std::vector<fs::path> out{fs::absolute(path, ec).lexically_normal()};
  const fs::path resolved = fs::weakly_canonical(path, ec);
  if (!ec) out.push_back(resolved.lexically_normal());
  return out;
}

bool Inside(const fs::path& path, const fs::path& folder) {
  const fs::path relative = path.lexically_relative(folder);
  return !relative.empty() && *relative.begin() != "..";
}

// The output that `input` collides with, if any.
std::optional<std::string> CollidingOutput(const std::string& input, const fs::path& dir,
                                           const std::vector<std::string>& files,
                                           const std::vector<std::string>& folders) {
  for (const fs::path& in : Spellings(input)) {
    for (const fs::path& out_dir : Spellings(dir)) {
      for (const std::string& name : files) {
        if (in == out_dir / name) return name;
      }
      for (const std::string& name : folders) {
        if (in == out_dir / name || Inside(in, out_dir / name)) return name + "/";
      }
    }
  }
  return std::nullopt;
}

std::optional<pid_t> LockHolder(const fs::path& lock) {
  std::ifstream in(lock);
  long pid = 0;
  if (!(in >> pid) || pid <= 0) return std::nullopt;
  return static_cast<pid_t>(pid);
}

bool IsRunning(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

// Creates `lock` holding this pid; false if it exists already.
bool CreateLock(const fs::path& lock) {
  const int fd = ::open(lock.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == EEXIST) return false;
    throw Error(ErrorKind::kOutputFailed, "lock file " + lock.string() + ": cannot create (" +
                                              std::strerror(errno) + "); expected a writable output folder");
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  const bool written = ::write(fd, pid.data(), pid.size()) == static_cast<ssize_t>(pid.size());
  ::close(fd);
  if (!written) {
    fs::remove(lock);
    throw Error(ErrorKind::kOutputFailed, "lock file " + lock.string() + ": cannot write the pid");
  }
  return true;
}

}  // namespace

void RequireInputsAreNotOutputs(const std::vector<NamedInput>& inputs, const fs::path& dir,
                                const std::vector<std::string>& files,
                                const std::vector<std::string>& folders) {
  for (const NamedInput& input : inputs) {
    if (input.path.empty()) continue;
    const std::optional<std::string> output = CollidingOutput(input.path, dir, files, folders);
    if (!output) continue;
    throw Error(ErrorKind::kUsage, input.option + " " + input.path + " is the output " + *output +
                                       " this run writes or removes in --out " + dir.string() +
                                       "; expected inputs outside the files margo writes (move it or "
                                       "choose another --out)");
  }
}

OutputLock::OutputLock(const fs::path& dir, Log& log) : path_(dir / kLockFile) {
  if (CreateLock(path_)) return;
  const std::optional<pid_t> holder = LockHolder(path_);
  if (!holder) {
    throw Error(ErrorKind::kOutputFailed, "another margo run (pid unknown) is writing to " + dir.string() +
                                              ": lock file " + path_.string() +
                                              " holds no pid; expected one run per folder (remove "
                                              "the lock file if no run is writing there)");
  }
  if (IsRunning(*holder)) {
    throw Error(ErrorKind::kOutputFailed,
                "another margo run (pid " + std::to_string(*holder) + ") is writing to " + dir.string() +
                    "; expected one run per output folder (lock file " + path_.string() + ")");
  }
  log.Warn("taking over " + path_.string() + " from margo run pid " + std::to_string(*holder) +
           ", which is no longer running");
  std::error_code ec;
  fs::remove(path_, ec);
  if (!CreateLock(path_)) {
    throw Error(ErrorKind::kOutputFailed, "another margo run is writing to " + dir.string() +
                                              ": it took the stale lock " + path_.string() +
                                              " first; expected one run per output folder");
  }
}

OutputLock::~OutputLock() {
  // Only our own lock: a run that found ours stale cannot have taken it while we live.
  if (LockHolder(path_) != ::getpid()) return;
  std::error_code ec;
  fs::remove(path_, ec);
}

}  // namespace margo
