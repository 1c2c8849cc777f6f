// SHA-256 of input files, so a report names exactly what it measured.
#pragma once

#include <atomic>
#include <future>
#include <string>
#include <vector>

namespace margo {

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(const std::string& data);

// Of a file: its content. Of a folder (a DICOM series): every regular file
// below it, in sorted relative-path order, each contributing its relative
// path, a NUL byte and its content. Throws Error(kInputUnreadable).
// A set `cancel` stops it early with Error(kInternal).
std::string Sha256OfPath(const std::string& path, const std::atomic<bool>* cancel = nullptr);

// Hashes input paths, in order, on a thread of its own while the caller
// reads them (with a thread budget of one, --threads 1, each when asked
// for). Destroying it stops the hashing (the caller's read failed).
class BackgroundSha256 {
 public:
  explicit BackgroundSha256(std::vector<std::string> paths);
  ~BackgroundSha256();
  BackgroundSha256(const BackgroundSha256&) = delete;
  BackgroundSha256& operator=(const BackgroundSha256&) = delete;
  // The hash of `path` (one of the paths given), waiting for it if needed;
  // throws what Sha256OfPath threw.
  std::string Of(const std::string& path);

 private:
  std::vector<std::string> paths_;
  std::atomic<bool> cancel_{false};
  std::vector<std::promise<std::string>> promises_;
  std::vector<std::shared_future<std::string>> hashes_;
  std::future<void> worker_;
};

}  // namespace margo
