// Reading the raw argument list without CLI11: a usage error found while
// CLI11 parses must still reach --log-file, so the log file is looked up
// in the arguments before (and whether or not) they parse.
#pragma once

#include <string>
#include <vector>

namespace margo {

// The value of `option` ("--log-file") given as "--log-file X" or
// "--log-file=X" (arguments after "--" are not options; X is the next
// argument whatever it starts with, as CLI11 reads it). Empty when the
// option is absent, has no value, or is given more than once (which one is
// meant is unknown).
std::string ScanOptionValue(const std::vector<std::string>& args, const std::string& option);

// Throws Error(kUsage) when `path`, the value of `option`, names the same
// existing file as any other argument (an input: opening the log file would
// truncate it), naming the path and that argument.
void RequireNotAnotherArgument(const std::vector<std::string>& args, const std::string& option,
                               const std::string& path);

}  // namespace margo
