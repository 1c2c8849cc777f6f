// Reading the raw argument list without CLI11: a usage error found while
// CLI11 parses must still reach --log-file, so the log file is looked up
// in the arguments before (and whether or not) they parse.
#pragma once

#include <string>
#include <vector>

namespace margo {

// The value of `option` ("--log-file") given as "--log-file X" or
// "--log-file=X" (arguments after "--" are not options). Empty when the
// option is absent, has no value (X starting with '-' is the next option, as
// CLI11 reads it), or is given more than once (which one is meant is unknown).
std::string ScanOptionValue(const std::vector<std::string>& args, const std::string& option);

// Throws Error(kUsage) when `path`, the value of `option`, names the same
// existing file as another argument (an input: opening the log file would
// truncate it), naming both options and the path.
void RequireNotAnotherArgument(const std::vector<std::string>& args, const std::string& option,
                               const std::string& path);

}  // namespace margo
