// CLI11 option checks whose messages quote the value found ('' when empty)
// and state the expected range with plain numbers (5, not 5.000000).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace margo {

// A number as usage messages print it: %g (5, 0.1, 1e+300).
std::string PlainNumber(double value);

// What is wrong with `text` as a finite number of mm from `low` to `high`
// ("" when nothing): "'nan' is not a finite number; expected a number of mm
// from 0 to 50".
std::string MillimetresProblem(const std::string& text, double low, double high);

// An option check with MillimetresProblem's message.
CLI::Validator Millimetres(double low, double high);

// A whole number from `low` to `high`; `what` names it ("threads").
CLI::Validator WholeNumber(long low, long high, const std::string& what);

// Two options that only mean something together (the pair of landmark
// files): Error(kUsage) when one is given ("" = not given) without the
// other, "--landmarks-pre and --landmarks-post go together; only
// --landmarks-pre was given". Half a pair would otherwise be ignored without
// a word.
void RequireBothOrNeither(const std::string& first_option, const std::string& first_value,
                          const std::string& second_option, const std::string& second_value);

}  // namespace margo
