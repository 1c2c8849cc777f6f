// The distance lists of --coverage-mm and --shell-mm ("0,5,10"), read by
// margo rather than by CLI11's delimiter, which drops empty items: "5,,6"
// must be refused like "--tumour-labels 2,,3", not read as "5,6".
#pragma once

#include <string>
#include <vector>

namespace margo {

// The distances in `given` (the option's values as typed, one per time it
// appears), each cut at every ','; every item a number of mm from `low` to
// `high`, in the order given. Throws Error(kUsage) naming `option` and the
// text on an empty item ("5,,6", "3,", ","), a bad number or a distance given
// twice ("5,5", "5,5.0": each would be one more identical column of the report).
std::vector<double> ParseDistanceList(const std::vector<std::string>& given, const std::string& option,
                                      double low, double high);

// `distances` as the option takes them: "0,1,2" (the help's default).
std::string DistanceListText(const std::vector<double>& distances);

}  // namespace margo
