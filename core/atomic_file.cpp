#include "core/atomic_file.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <fstream>
#include <mutex>
#include <system_error>

#include "core/error.h"
#include "core/interrupt.h"

namespace fs = std::filesystem;

namespace margo {

namespace {

std::atomic<int> temporaries{0};

bool AllDigits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

// The file `entry` is a temporary of, and the pid that made it; empty when
// it is neither form.
std::pair<std::string, std::string> TemporaryOf(const std::string& entry) {
  if (entry.rfind(".tmp-", 0) == 0) {  // .tmp-<pid>-<n>-<name>
    const std::size_t a = entry.find('-', 5), b = a == std::string::npos ? a : entry.find('-', a + 1);
    if (b == std::string::npos || !AllDigits(entry.substr(5, a - 5)) ||
        !AllDigits(entry.substr(a + 1, b - a - 1)))
      return {};
    return {entry.substr(b + 1), entry.substr(5, a - 5)};
  }
  const std::size_t t = entry.rfind(".tmp-");  // .<name>.tmp-<pid>-<n>
  if (entry.empty() || entry[0] != '.' || t == std::string::npos || t < 2) return {};
  const std::string tail = entry.substr(t + 5);
  const std::size_t dash = tail.find('-');
  if (dash == std::string::npos || !AllDigits(tail.substr(0, dash)) || !AllDigits(tail.substr(dash + 1)))
    return {};
  return {entry.substr(1, t - 1), tail.substr(0, dash)};
}

}  // namespace

fs::path TemporarySibling(const fs::path& path) {
  const std::string name = "." + path.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                           std::to_string(temporaries++);
  return path.parent_path() / name;
}

fs::path TemporarySiblingKeepingExtension(const fs::path& path) {
  const std::string name = ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(temporaries++) + "-" +
                           path.filename().string();
  return path.parent_path() / name;
}

std::vector<fs::path> RemoveTemporaries(const fs::path& dir, const std::vector<std::string>& names,
                                        bool any_process) {
  // A .nii.gz is written as .nii first, then gzipped (io/image_writer.cpp).
  const auto listed = [&names](const std::string& target) {
    return names.empty() || std::find(names.begin(), names.end(), target) != names.end() ||
           std::find(names.begin(), names.end(), target + ".gz") != names.end();
  };
  const std::string own = std::to_string(::getpid());
  std::vector<fs::path> found, removed;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto [target, pid] = TemporaryOf(it->path().filename().string());
    if (!target.empty() && (any_process || pid == own) && listed(target)) found.push_back(it->path());
  }
  for (const fs::path& p : found) {
    std::error_code gone;
    if (fs::is_regular_file(fs::symlink_status(p, gone)) && fs::remove(p, gone)) removed.push_back(p);
  }
  return removed;
}

std::vector<fs::path> RemoveTemporariesInTree(const fs::path& dir, bool any_process) {
  std::vector<fs::path> removed = RemoveTemporaries(dir, {}, any_process), folders;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code kind;
    if (it->is_directory(kind) && !it->is_symlink(kind)) folders.push_back(it->path());
  }
  for (const fs::path& folder : folders) {
    for (const fs::path& p : RemoveTemporaries(folder, {}, any_process)) removed.push_back(p);
  }
  return removed;
}

bool IsTemporaryName(const std::string& file_name) { return !TemporaryOf(file_name).first.empty(); }

void CommitTemporary(const fs::path& temporary, const fs::path& path) {
  std::error_code ec;
  {
    std::lock_guard<std::mutex> gate(CommitGate());  // core/interrupt.h
    fs::rename(temporary, path, ec);
  }
  if (ec) {
    fs::remove(temporary, ec);
    throw Error(ErrorKind::kOutputFailed,
                "output " + path.string() + ": cannot move the finished file into place: " +
                    ec.message());
  }
}

void WriteFileAtomically(const fs::path& path, const std::string& content) {
  const fs::path temporary = TemporarySibling(path);
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
      std::error_code ec;
      fs::remove(temporary, ec);
      throw Error(ErrorKind::kOutputFailed, "output " + path.string() +
                                                ": cannot write: " + std::strerror(errno));
    }
  }
  CommitTemporary(temporary, path);
}

void EnsureWritableDirectory(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    throw Error(ErrorKind::kOutputFailed,
                "output folder " + dir.string() + ": cannot create it" +
                    (ec ? ": " + ec.message() : std::string(" (a file has that name)")));
  }
  if (::access(dir.c_str(), W_OK) != 0) {
    throw Error(ErrorKind::kOutputFailed,
                "output folder " + dir.string() + ": not writable: " + std::strerror(errno));
  }
}

}  // namespace margo
