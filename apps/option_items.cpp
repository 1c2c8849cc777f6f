#include "apps/option_items.h"

#include "core/error.h"

namespace margo {

std::vector<std::string> SplitItems(const std::string& text, char separator, const std::string& option,
                                    const std::string& whole, const std::string& expected) {
  if (whole.empty()) throw Error(ErrorKind::kUsage, option + ": empty; expected " + expected);
  std::vector<std::string> items;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    items.push_back(text.substr(start, end - start));
    if (items.back().empty()) {
      throw Error(ErrorKind::kUsage, option + ": '" + whole + "' has an empty item; expected " + expected);
    }
    if (end == std::string::npos) return items;
    start = end + 1;
  }
}

}  // namespace margo
