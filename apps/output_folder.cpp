#include "apps/output_folder.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
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

std::optional<long> LockHolder(const fs::path& lock) {
  std::ifstream in(lock);
  long pid = 0;
  if (!(in >> pid) || pid <= 0) return std::nullopt;
  return pid;
}

// Whether `fd` is still the file at `path` (a run that ended may have
// removed the file between our open and our lock).
bool SameFile(int fd, const fs::path& path) {
  struct stat open_file {
  }, named{};
  return ::fstat(fd, &open_file) == 0 && ::stat(path.c_str(), &named) == 0 &&
         open_file.st_dev == named.st_dev && open_file.st_ino == named.st_ino;
}

[[noreturn]] void Busy(const fs::path& dir, const fs::path& lock) {
  const std::optional<long> holder = LockHolder(lock);
  throw Error(ErrorKind::kOutputFailed,
              "another margo run (pid " + (holder ? std::to_string(*holder) : std::string("unknown")) +
                  ") is writing to " + dir.string() + "; expected one run per output folder (lock file " +
                  lock.string() + ")");
}

[[noreturn]] void CannotLock(const fs::path& lock, const char* what) {
  throw Error(ErrorKind::kOutputFailed, "lock file " + lock.string() + ": cannot " + what + " (" +
                                            std::strerror(errno) + "); expected a writable output folder");
}

// `dir` as an absolute, normal path naming the folder itself ("out/" names
// "out"); empty when it cannot be made absolute.
fs::path FolderPath(const std::string& dir) {
  std::error_code ec;
  fs::path p = fs::absolute(dir, ec).lexically_normal();
  if (ec) return {};
  return p.has_filename() ? p : p.parent_path();
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

void RequireOutputFolderPossible(const std::string& dir) {
  if (dir.empty())
    throw Error(ErrorKind::kUsage, "--out: empty; expected the folder to write the report into");
  // The nearest part of the path that exists must be a folder: what lies
  // below it is created.
  std::error_code ec;
  for (fs::path p = fs::path(dir).lexically_normal(); !p.empty(); p = p.parent_path()) {
    const fs::file_status status = fs::status(p, ec);
    if (!fs::exists(status)) {
      if (p == p.parent_path()) break;
      continue;
    }
    if (fs::is_directory(status)) return;
    const std::string what = fs::is_regular_file(status) ? "is a file" : "is not a folder";
    const std::string where = p == fs::path(dir).lexically_normal() ? "" : " " + p.string();
    throw Error(ErrorKind::kOutputFailed,
                "--out " + dir + ":" + where + " " + what + "; expected a folder (created if needed)");
  }
}

NewFolders::NewFolders(const std::string& dir) {
  if (dir.empty()) return;
  std::error_code ec;
  fs::path p = FolderPath(dir);
  // symlink_status: a dangling link exists, and is not ours to remove.
  for (; !p.empty() && !fs::exists(fs::symlink_status(p, ec)); p = p.parent_path()) {
    missing_.push_back(p);
    if (p == p.parent_path()) break;
  }
}

void NewFolders::RemoveEmpty() const {
  for (const fs::path& p : missing_) {
    std::error_code ec;
    // A folder only (fs::remove would delete a file of that name), and
    // fs::remove takes a folder only when it is empty (rmdir).
    if (!fs::is_directory(fs::symlink_status(p, ec)) || !fs::remove(p, ec)) return;
  }
}

void MakeLogFolderInOut(const std::string& log_file, const std::string& out_dir) {
  if (out_dir.empty()) return;
  const fs::path folder = FolderPath(log_file).parent_path(), out = FolderPath(out_dir);
  if (out.empty() || folder.empty()) return;
  std::error_code ec;
  const auto within = std::mismatch(out.begin(), out.end(), folder.begin(), folder.end()).first == out.end();
  if (within && !fs::exists(folder, ec)) fs::create_directories(folder, ec);  // a failure shows on opening
}

void RemoveOwnLockFile(const std::string& dir) {
  if (dir.empty()) return;
  const fs::path lock = fs::path(dir) / kLockFile;
  std::error_code ec;
  if (LockHolder(lock) == static_cast<long>(::getpid())) fs::remove(lock, ec);
}

void RequireOutputNotLocked(const std::string& dir) {
  if (dir.empty()) return;
  const fs::path lock = fs::path(dir) / kLockFile;
  const int fd = ::open(lock.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;  // no lock file: nobody holds it
  const bool busy = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  if (busy) Busy(dir, lock);
}

OutputLock::OutputLock(const fs::path& dir, Log& log) : path_(dir / kLockFile) {
  // An advisory lock (flock) held on the open file for the whole run: the
  // kernel drops it when the process ends, however it ends, so no lock is
  // ever left stale. The pid in the file is for the message only.
  for (int attempt = 0; attempt < 3; ++attempt) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) CannotLock(path_, "create");
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int error = errno;
      ::close(fd_);
      fd_ = -1;
      if (error != EWOULDBLOCK) {  // a file system without locks (some network mounts): go on, said once
        log.Warn("lock file " + path_.string() + ": cannot lock (" + std::strerror(error) +
                 "); a second run into " + dir.string() + " would not be stopped");
        std::error_code ec;
        if (fs::file_size(path_, ec) == 0 && !ec) fs::remove(path_, ec);  // the empty file just created
        return;
      }
      Busy(dir, path_);
    }
    if (SameFile(fd_, path_)) break;
    ::close(fd_);  // locked a file another run had just removed: take the new one
    fd_ = -1;
  }
  if (fd_ < 0) CannotLock(path_, "lock");
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) != 0 || ::write(fd_, pid.data(), pid.size()) != static_cast<ssize_t>(pid.size())) {
    CannotLock(path_, "write the pid to");
  }
}

OutputLock::~OutputLock() {
  if (fd_ < 0) return;  // not locked (see the constructor): the file is not ours to remove
  // Removed while still held: a run waiting on this file sees it gone (SameFile) and takes a new one.
  std::error_code ec;
  fs::remove(path_, ec);
  ::close(fd_);
}

}  // namespace margo
