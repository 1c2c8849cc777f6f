#include "io/safe_file_name.h"

#include <algorithm>

namespace margo {

std::string SafeFileName(const std::string& text, std::size_t max_length) {
  std::string name;
  name.reserve(text.size());
  for (const char c : text) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '+';
    const bool dot_allowed = c == '.' && !name.empty() && name.back() != '.';
    name.push_back(plain || dot_allowed ? c : '_');
  }
  name.resize(std::min(name.size(), std::max<std::size_t>(max_length, 1)));
  if (name.empty()) name = "_";
  return name;
}

}  // namespace margo
