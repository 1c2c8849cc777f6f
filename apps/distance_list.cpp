#include "apps/distance_list.h"

#include <algorithm>
#include <cstdlib>

#include "apps/cli_checks.h"
#include "core/error.h"

namespace margo {

std::vector<double> ParseDistanceList(const std::vector<std::string>& given, const std::string& option,
                                      double low, double high) {
  const std::string expected =
      "distances such as 2,5,10 (mm, " + PlainNumber(low) + " to " + PlainNumber(high) + ", each once)";
  std::string whole;  // every value given, for a distance given twice across them
  for (const std::string& text : given) whole += (whole.empty() ? "" : " ") + text;
  std::vector<double> out;
  for (const std::string& text : given) {
    if (text.empty()) throw Error(ErrorKind::kUsage, option + ": empty; expected " + expected);
    std::size_t start = 0;
    while (true) {
      const std::size_t end = text.find(',', start);
      const std::string item = text.substr(start, end - start);
      if (item.empty()) {
        throw Error(ErrorKind::kUsage, option + ": '" + text + "' has an empty item; expected " + expected);
      }
      const std::string problem = MillimetresProblem(item, low, high);
      if (!problem.empty()) throw Error(ErrorKind::kUsage, option + ": " + problem);
      const double value = std::strtod(item.c_str(), nullptr);
      if (std::find(out.begin(), out.end(), value) != out.end()) {
        throw Error(ErrorKind::kUsage, option + ": " + PlainNumber(value) + " mm is given twice ('" + whole +
                                           "'); expected " + expected);
      }
      out.push_back(value);
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  return out;
}

std::string DistanceListText(const std::vector<double>& distances) {
  std::string text;
  for (double d : distances) text += (text.empty() ? "" : ",") + PlainNumber(d);
  return text;
}

}  // namespace margo
