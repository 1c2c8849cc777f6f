#include "io/decimal_string.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcelem.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcstack.h>

#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>

namespace margo {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// [+-]? (digits [. digits?] | . digits) ([Ee] [+-]? digits)?, the whole of `s`.
bool IsDecimalSyntax(const std::string& s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t digits = 0;
  while (i < s.size() && IsDigit(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exponent = 0;
    while (i < s.size() && IsDigit(s[i])) ++i, ++exponent;
    if (exponent == 0) return false;
  }
  return i == s.size();
}

// `item` without its padding spaces (and the NUL some writers pad with).
std::string Unpadded(const std::string& item) {
  const auto first = item.find_first_not_of(std::string(" \0", 2));
  if (first == std::string::npos) return {};
  return item.substr(first, item.find_last_not_of(std::string(" \0", 2)) - first + 1);
}

}  // namespace

std::optional<std::vector<double>> ParseDecimalString(const std::string& text) {
  std::vector<double> values;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find('\\', start);
    const std::string item = Unpadded(text.substr(start, end == std::string::npos ? end : end - start));
    if (!IsDecimalSyntax(item)) return std::nullopt;
    const double v = std::strtod(item.c_str(), nullptr);
    if (!std::isfinite(v)) return std::nullopt;  // 1e999
    values.push_back(v);
    if (end == std::string::npos) return values;
    start = end + 1;
  }
}

std::optional<int> ParseIntegerString(const std::string& text) {
  const std::string item = Unpadded(text);
  std::size_t i = item.empty() || (item[0] != '+' && item[0] != '-') ? 0 : 1;
  if (i == item.size()) return std::nullopt;
  for (; i < item.size(); ++i) {
    if (!IsDigit(item[i])) return std::nullopt;
  }
  errno = 0;
  const long v = std::strtol(item.c_str(), nullptr, 10);
  if (errno == ERANGE || v < INT_MIN || v > INT_MAX) return std::nullopt;
  return static_cast<int>(v);
}

std::optional<MalformedDecimal> FindMalformedDecimal(DcmItem& item, const DcmTagKey& tag) {
  DcmStack stack;
  for (E_SearchMode mode = ESM_fromHere; item.search(tag, stack, mode, OFTrue).good();
       mode = ESM_afterStackTop) {
    auto* element = dynamic_cast<DcmElement*>(stack.top());
    if (element == nullptr || element->getLength() == 0) continue;  // empty: "absent" to the caller
    OFString value;
    if (element->getOFStringArray(value).bad() || !ParseDecimalString(value.c_str())) {
      return MalformedDecimal{value.c_str()};
    }
  }
  return std::nullopt;
}

}  // namespace margo
