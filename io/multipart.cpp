#include "io/multipart.h"

#include <algorithm>
#include <cctype>
#include <random>

#include "core/error.h"

namespace margo {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

std::string Trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// The Content-Type value among a part's header lines (names are case-insensitive).
std::string ContentTypeOf(const std::string& headers) {
  std::size_t start = 0;
  while (start < headers.size()) {
    std::size_t end = headers.find("\r\n", start);
    if (end == std::string::npos) end = headers.size();
    const std::string line = headers.substr(start, end - start);
    const std::size_t colon = line.find(':');
    if (colon != std::string::npos && Lower(Trim(line.substr(0, colon))) == "content-type") {
      return Trim(line.substr(colon + 1));
    }
    start = end + 2;
  }
  return "";
}

Error Truncated(const std::string& source, const std::string& what) {
  return Error(ErrorKind::kArchiveFailed,
               source + ": multipart answer " + what +
                   " (a truncated transfer?); expected parts ending with the closing "
                   "boundary");
}

}  // namespace

std::string MultipartBoundary(const std::string& content_type) {
  const std::string lower = Lower(content_type);
  if (lower.rfind("multipart/", 0) != 0) {
    throw Error(ErrorKind::kArchiveFailed,
                "answer has Content-Type '" + content_type + "'; expected multipart/related");
  }
  std::size_t pos = 0;
  while ((pos = lower.find("boundary", pos)) != std::string::npos) {
    const bool starts_parameter = pos > 0 && (lower[pos - 1] == ';' || lower[pos - 1] == ' ');
    std::size_t eq = lower.find_first_not_of(" \t", pos + 8);
    pos += 8;
    if (!starts_parameter || eq == std::string::npos || lower[eq] != '=') continue;
    std::size_t v = content_type.find_first_not_of(" \t", eq + 1);
    if (v == std::string::npos) break;
    std::string value;
    if (content_type[v] == '"') {
      const std::size_t close = content_type.find('"', v + 1);
      if (close == std::string::npos) break;
      value = content_type.substr(v + 1, close - v - 1);
    } else {
      value = Trim(content_type.substr(v, content_type.find(';', v) - v));
    }
    if (!value.empty()) return value;
    break;
  }
  throw Error(ErrorKind::kArchiveFailed,
              "answer has Content-Type '" + content_type + "' without a boundary parameter");
}

std::vector<MimePart> ParseMultipart(const std::string& body, const std::string& boundary,
                                     const std::string& source) {
  const std::string dash = "--" + boundary;
  const std::string delimiter = "\r\n" + dash;
  std::size_t pos = 0;
  if (body.compare(0, dash.size(), dash) != 0) {
    pos = body.find(delimiter);
    if (pos == std::string::npos) throw Truncated(source, "holds no boundary '" + boundary + "'");
    pos += 2;
  }
  std::vector<MimePart> parts;
  for (;;) {
    pos += dash.size();
    if (body.compare(pos, 2, "--") == 0) return parts;    // closing delimiter
    const std::size_t line_end = body.find("\r\n", pos);  // after optional transport padding
    if (line_end == std::string::npos) throw Truncated(source, "stops after a boundary");
    pos = line_end + 2;
    std::string headers;
    if (body.compare(pos, 2, "\r\n") == 0) {
      pos += 2;  // a part without headers
    } else {
      const std::size_t headers_end = body.find("\r\n\r\n", pos);
      if (headers_end == std::string::npos) throw Truncated(source, "stops inside a part's headers");
      headers = body.substr(pos, headers_end - pos);
      pos = headers_end + 4;
    }
    const std::size_t next = body.find(delimiter, pos);
    if (next == std::string::npos) {
      throw Truncated(source, "stops inside part " + std::to_string(parts.size() + 1));
    }
    parts.push_back({ContentTypeOf(headers), body.substr(pos, next - pos)});
    pos = next + 2;
  }
}

std::string MakeBoundary(const std::vector<MimePart>& parts) {
  static const char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::random_device seed;
  std::mt19937_64 random(seed());
  std::uniform_int_distribution<std::size_t> pick(0, sizeof kAlphabet - 2);
  for (;;) {
    std::string boundary = "margo-";
    for (int i = 0; i < 32; ++i) boundary.push_back(kAlphabet[pick(random)]);
    const bool unused = std::none_of(parts.begin(), parts.end(), [&](const MimePart& p) {
      return p.body.find(boundary) != std::string::npos;
    });
    if (unused) return boundary;
  }
}

std::string BuildMultipart(const std::vector<MimePart>& parts, const std::string& boundary) {
  std::size_t size = boundary.size() + 8;
  for (const MimePart& p : parts) size += p.body.size() + p.content_type.size() + boundary.size() + 32;
  std::string body;
  body.reserve(size);
  for (const MimePart& p : parts) {
    body += "--" + boundary + "\r\n";
    if (!p.content_type.empty()) body += "Content-Type: " + p.content_type + "\r\n";
    body += "\r\n";
    body += p.body;
    body += "\r\n";
  }
  body += "--" + boundary + "--\r\n";
  return body;
}

}  // namespace margo
