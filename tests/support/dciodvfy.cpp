#include "tests/support/dciodvfy.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace margo::testing {

DciodvfyResult RunDciodvfy(const std::string& path) {
  DciodvfyResult r;
  r.available = std::system("command -v dciodvfy >/dev/null 2>&1") == 0;
  if (!r.available) return r;
  const std::string command = "dciodvfy '" + path + "' 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buffer{};
  while (fgets(buffer.data(), int(buffer.size()), pipe) != nullptr) r.output += buffer.data();
  pclose(pipe);
  std::istringstream lines(r.output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("Error", 0) == 0) r.errors.push_back(line);
    if (line.rfind("Warning", 0) == 0) r.warnings.push_back(line);
  }
  return r;
}

}  // namespace margo::testing
