#include "io/landmarks.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace margo {
namespace {

[[noreturn]] void Fail(const std::string& path, const std::string& what) {
  throw Error(ErrorKind::kInputUnreadable, "landmarks " + path + ": " + what);
}

std::string Trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

std::vector<std::string> SplitFields(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, ',')) fields.push_back(Trim(field));
  if (!line.empty() && line.back() == ',') fields.push_back("");
  return fields;
}

bool ParseNumber(const std::string& text, double& value) {
  if (text.empty()) return false;
  char* end = nullptr;
  value = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && std::isfinite(value);
}

}  // namespace

std::vector<Landmark> ReadLandmarks(const std::string& path) {
  // A folder opens as an empty stream on Linux: say what it is, not that it holds no point.
  if (std::filesystem::is_directory(path))
    Fail(path, "is a folder; expected a CSV file (name,x,y,z per line)");
  std::ifstream in(path);
  if (!in) Fail(path, "cannot be opened");
  std::vector<Landmark> points;
  std::string raw;
  int line_number = 0;
  bool first_content = true;
  while (std::getline(in, raw)) {
    ++line_number;
    const std::string line = Trim(raw);
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> fields = SplitFields(line);
    const std::string where = "line " + std::to_string(line_number) + " (\"" + line + "\")";
    if (fields.size() != 3 && fields.size() != 4) {
      Fail(path, where + " has " + std::to_string(fields.size()) + " fields, expected x,y,z or name,x,y,z");
    }
    const std::size_t first = fields.size() - 3;
    Landmark p;
    if (first == 1) p.name = fields[0];
    bool numeric = true;
    for (int a = 0; a < 3; ++a)
      numeric &= ParseNumber(fields[first + std::size_t(a)], p.lps_mm[std::size_t(a)]);
    if (!numeric && first_content) {  // a header
      first_content = false;
      continue;
    }
    if (!numeric) Fail(path, where + ": coordinates must be numbers (LPS millimetres)");
    first_content = false;
    points.push_back(p);
  }
  if (points.empty()) Fail(path, "holds no point, expected one per line: x,y,z or name,x,y,z (LPS mm)");
  return points;
}

void RequireLandmarkPairs(const std::vector<Landmark>& pre, const std::string& pre_path,
                          const std::vector<Landmark>& post, const std::string& post_path) {
  if (pre.size() != post.size()) {
    throw Error(ErrorKind::kInputUnreadable, "landmarks: " + pre_path + " holds " +
                                                 std::to_string(pre.size()) + " points and " + post_path +
                                                 " " + std::to_string(post.size()) +
                                                 ", expected the same number (pairs in the same order)");
  }
  for (std::size_t i = 0; i < pre.size(); ++i) {
    if (pre[i].name.empty() || post[i].name.empty() || pre[i].name == post[i].name) continue;
    throw Error(ErrorKind::kInputUnreadable, "landmarks: point " + std::to_string(i + 1) + " is \"" +
                                                 pre[i].name + "\" in " + pre_path + " but \"" +
                                                 post[i].name + "\" in " + post_path +
                                                 ", expected the same name (pairs in the same order)");
  }
}

}  // namespace margo
