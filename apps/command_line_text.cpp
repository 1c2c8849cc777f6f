#include "apps/command_line_text.h"

#include <cstdio>

#include "core/error.h"

namespace margo {
namespace {

bool ShellSafe(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         std::string("_@%+=:,./-").find(ch) != std::string::npos;
}

std::string ShellQuoted(const std::string& arg) {
  bool plain = !arg.empty();
  for (char ch : arg) plain = plain && ShellSafe(ch);
  if (plain) return arg;
  std::string quoted = "'";
  for (char ch : arg) quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return quoted + "'";
}

// The length of the UTF-8 sequence starting at s[i], or 0 when it is not a
// valid one (overlong forms, surrogates and code points above U+10FFFF too).
std::size_t Utf8SequenceAt(const std::string& s, std::size_t i) {
  const auto byte = [&s](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t n = 0;
  unsigned low = 0x80, high = 0xBF;  // the range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    n = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    n = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    n = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size() || byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}

// `s` with every byte outside a valid sequence written as \xNN.
std::string Escaped(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = Utf8SequenceAt(s, i);
    if (n > 0) {
      out += s.substr(i, n);
      i += n;
      continue;
    }
    char hex[8];
    std::snprintf(hex, sizeof hex, "\\x%02X", static_cast<unsigned char>(s[i++]));
    out += hex;
  }
  return out;
}

bool IsUtf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = Utf8SequenceAt(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

}  // namespace

std::string CommandLine(const std::vector<std::string>& args) {
  std::string line = "margo";
  for (const std::string& a : args) line += " " + ShellQuoted(a);
  return line;
}

void RequireUtf8Arguments(const std::vector<std::string>& args) {
  for (std::size_t k = 0; k < args.size(); ++k) {
    if (IsUtf8(args[k])) continue;
    std::string where = "argument " + std::to_string(k + 1);
    if (k > 0 && args[k - 1].rfind("--", 0) == 0) where += " (after " + args[k - 1] + ")";
    throw Error(ErrorKind::kUsage, where + " is '" + Escaped(args[k]) +
                                       "', not UTF-8 text; expected UTF-8 (report.json records paths and the "
                                       "command line as UTF-8): rename the file or folder");
  }
}

}  // namespace margo
