#include "tests/support/temp_dir.h"

#include <stdlib.h>

#include <system_error>

namespace margo::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "margo-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string SharedDataDir() {
  const char* env = std::getenv("MARGO_SHARED_DATA_DIR");
  const std::string dir = env != nullptr ? env : MARGO_SHARED_DATA_DIR;
  std::error_code ec;
  return std::filesystem::is_directory(dir, ec) ? dir : std::string();
}

}  // namespace margo::testing
