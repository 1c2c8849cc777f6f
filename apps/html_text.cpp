#include "apps/html_text.h"

#include <cstdio>

namespace margo {

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string Point(const Vec3& p) { return "(" + Fixed(p[0]) + ", " + Fixed(p[1]) + ", " + Fixed(p[2]) + ")"; }

}  // namespace margo
