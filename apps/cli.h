// The margo command line as a library function: tests call RunCli directly,
// main() is a few lines. Returns a documented exit code (docs/EXIT_CODES.md).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace margo {

// args: without the program name. out: results only (summary table, version).
// err: messages, progress (redrawn in place only if err_is_terminal).
// out_is_terminal: colour the summary table.
int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
           bool err_is_terminal = false, bool out_is_terminal = false);

}  // namespace margo
