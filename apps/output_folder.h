// Guards for the output folder (--out): a run never deletes or overwrites one
// of its own inputs there, only one run at a time writes into it, and a run
// that fails leaves no empty folder it created.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/log.h"

namespace margo {

// Held while a run writes into its output folder; holds the run's pid.
inline constexpr const char* kLockFile = ".margo.lock";

// An input path and the option that gave it (for the message).
struct NamedInput {
  std::string option;
  std::string path;
};

// Throws Error(kUsage) naming the option, the path and the output when an
// input is one of `files` in `dir`, or lies inside one of `folders` there
// (compared as given and with links resolved). Touches nothing in `dir`.
void RequireInputsAreNotOutputs(const std::vector<NamedInput>& inputs, const std::filesystem::path& dir,
                                const std::vector<std::string>& files,
                                const std::vector<std::string>& folders);

// Refuses an --out that cannot be a folder before anything is created:
// empty (Error(kUsage)), or naming an existing file, or lying under one
// (Error(kOutputFailed), "--out R/x: R is a file; expected a folder").
void RequireOutputFolderPossible(const std::string& dir);

// The folders an output path still lacks (`dir` and its missing parents),
// noted before a run creates them. A run that fails calls RemoveEmpty, so
// that it leaves no empty folder behind: only these folders are removed, and
// only while empty. A folder that existed before the run, or holds anything
// (the user's files, a log file, a partial case), is never removed.
class NewFolders {
 public:
  explicit NewFolders(const std::string& dir);  // "": none
  // Deepest first, stopping at the first folder that is not empty.
  void RemoveEmpty() const;

 private:
  std::vector<std::filesystem::path> missing_;  // deepest first
};

// A log file kept inside --out (`--out R --log-file R/margo.log`, what a
// pipeline writes) needs its folder before the run would create R: made
// here when the log file lies in `out_dir` or below it, else nothing.
void MakeLogFolderInOut(const std::string& log_file, const std::string& out_dir);

// Removes `dir`'s lock file if this process's pid is in it: what a run
// stopped by a signal does, as OutputLock's destructor does not run then.
void RemoveOwnLockFile(const std::string& dir);

// Throws OutputLock's error when another live run holds `dir`'s lock file;
// touches nothing. Checked before the log file is opened (truncated), which
// may be that run's.
void RequireOutputNotLocked(const std::string& dir);

// The lock file kLockFile in an existing `dir`, locked (flock) for the
// object's life and holding this process's pid; removed by the destructor
// (on error too). The kernel drops the lock when the process ends, so a
// run killed outright leaves no stale lock. Held by another live run:
// Error(kOutputFailed), "another margo run (pid N) is writing to DIR".
class OutputLock {
 public:
  // A file system that cannot lock (some network mounts) gets a warning on
  // `log` and no lock.
  OutputLock(const std::filesystem::path& dir, Log& log);
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace margo
