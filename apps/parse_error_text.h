// CLI11's parse errors in margo's words, "--seed: found '-1'; expected a
// whole number >= 0" rather than "Could not convert: --seed = -1": each names
// the option, the value found and the value expected, as margo's own do.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace margo {

// The message for `error`, raised while `app` parsed: the three CLI11
// messages that break the house style are reworded (an option given too
// often, a value of the wrong type, a value missing), the others are kept.
std::string ParseErrorText(const CLI::ParseError& error, const CLI::App& app);

}  // namespace margo
