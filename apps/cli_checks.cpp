#include "apps/cli_checks.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/error.h"

namespace margo {

std::string PlainNumber(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", value);
  return buf;
}

std::string MillimetresProblem(const std::string& text, double low, double high) {
  const std::string expected =
      "expected a number of mm from " + PlainNumber(low) + " to " + PlainNumber(high);
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(value)) {
    return "'" + text + "' is not a finite number; " + expected;
  }
  if (value < low || value > high) return "'" + text + "' is out of range; " + expected;
  return "";
}

CLI::Validator Millimetres(double low, double high) {
  return CLI::Validator([low, high](std::string& text) { return MillimetresProblem(text, low, high); },
                        "MM:" + PlainNumber(low) + "-" + PlainNumber(high), "MILLIMETRES");
}

CLI::Validator WholeNumber(long low, long high, const std::string& what) {
  const std::string expected =
      "expected a whole number of " + what + " from " + std::to_string(low) + " to " + std::to_string(high);
  return CLI::Validator(
      [low, high, expected](std::string& text) -> std::string {
        char* end = nullptr;
        const long value = std::strtol(text.c_str(), &end, 10);
        if (text.empty() || *end != '\0') return "'" + text + "' is not a whole number; " + expected;
        if (value < low || value > high) return "'" + text + "' is out of range; " + expected;
        return "";
      },
      "INT:" + std::to_string(low) + "-" + std::to_string(high), "WHOLE_NUMBER");
}

void RequireBothOrNeither(const std::string& first_option, const std::string& first_value,
                          const std::string& second_option, const std::string& second_value) {
  if (first_value.empty() == second_value.empty()) return;
  throw Error(ErrorKind::kUsage, first_option + " and " + second_option + " go together; only " +
                                     (first_value.empty() ? second_option : first_option) + " was given");
}

}  // namespace margo
