// A fresh temporary folder per test, removed at the end.
#pragma once

#include <filesystem>
#include <string>

namespace margo::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Path of the real data folder (../shared/data/real), or "" when absent.
std::string SharedDataDir();

}  // namespace margo::testing
