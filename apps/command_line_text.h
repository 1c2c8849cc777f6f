// The command line as text: recorded in the log and report.json as a
// command a POSIX shell runs again unchanged, and refused up front when an
// argument is not UTF-8 (report.json is UTF-8 JSON; a path it cannot hold
// would fail the run after all its work).
#pragma once

#include <string>
#include <vector>

namespace margo {

// "margo" and `args`, each quoted for a POSIX shell where it needs it
// ('it'\''s', 'a;b'); plain when it holds only letters, digits and _@%+=:,./-
std::string CommandLine(const std::vector<std::string>& args);

// Throws Error(kUsage) naming the first argument that is not valid UTF-8,
// its bytes shown as \xNN where they break it.
void RequireUtf8Arguments(const std::vector<std::string>& args);

}  // namespace margo
