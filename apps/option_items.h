// The items of a list option's text ("2,5,10", "2:1+2"), cut where a
// separator stands, for --tumour-labels, --zone-map and the distance lists.
#pragma once

#include <string>
#include <vector>

namespace margo {

// `text` cut at every `separator`, keeping empty items so that "2,,3", "2,"
// and "" are refused (Error(kUsage)) rather than read as "2,3", "2" and
// nothing. `whole`: the option's text, for the message; `expected`: what a
// good one looks like.
std::vector<std::string> SplitItems(const std::string& text, char separator, const std::string& option,
                                    const std::string& whole, const std::string& expected);

}  // namespace margo
