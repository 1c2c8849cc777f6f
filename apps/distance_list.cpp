#include "apps/distance_list.h"

#include <algorithm>
#include <cstdlib>

#include "apps/cli_checks.h"
#include "apps/option_items.h"
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
    for (const std::string& item : SplitItems(text, ',', option, text, expected)) {
      const std::string problem = MillimetresProblem(item, low, high);
      if (!problem.empty()) throw Error(ErrorKind::kUsage, option + ": " + problem);
      const double value = std::strtod(item.c_str(), nullptr);
      if (std::find(out.begin(), out.end(), value) != out.end()) {
        throw Error(ErrorKind::kUsage, option + ": " + PlainNumber(value) + " mm is given twice ('" + whole +
                                           "'); expected " + expected);
      }
      out.push_back(value);
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
