#include "core/atomic_file.h"

#include <unistd.h>

#include <atomic>
#include <cstring>
#include <fstream>
#include <system_error>

#include "core/error.h"

namespace fs = std::filesystem;

namespace margo {

fs::path TemporarySibling(const fs::path& path) {
  static std::atomic<int> counter{0};
  const std::string name = "." + path.filename().string() + ".tmp-" +
                           std::to_string(::getpid()) + "-" + std::to_string(counter++);
  return path.parent_path() / name;
}

void CommitTemporary(const fs::path& temporary, const fs::path& path) {
  std::error_code ec;
  fs::rename(temporary, path, ec);
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
