#include "apps/parse_error_text.h"

#include <regex>

namespace margo {
namespace {

// `name` among the options of `app` or of the command it parsed.
const CLI::Option* FindOption(const CLI::App& app, const std::string& name) {
  if (const CLI::Option* own = app.get_option_no_throw(name)) return own;
  for (const CLI::App* command : app.get_subcommands()) {
    if (const CLI::Option* found = command->get_option_no_throw(name)) return found;
  }
  return nullptr;
}

// CLI11's type name in words ("UINT" -> "a whole number >= 0").
std::string TypeInWords(const CLI::Option* option) {
  const std::string type = option ? option->get_type_name() : "";
  if (type.rfind("UINT", 0) == 0) return "a whole number >= 0";
  if (type.rfind("INT", 0) == 0) return "a whole number";
  if (type.rfind("FLOAT", 0) == 0) return "a number";
  return "a value of its type (see --help)";
}

std::string Quoted(const std::vector<std::string>& values) {
  std::string list;
  for (const std::string& v : values) list += (list.empty() ? "'" : ", '") + v + "'";
  return list;
}

}  // namespace

std::string ParseErrorText(const CLI::ParseError& error, const CLI::App& app) {
  const std::string text = error.what();
  std::smatch m;
  // "--tumours: At Most 1 required but received 2"
  static const std::regex at_most(R"(^(\S+): At Most (\d+) required but received (\d+)$)");
  if (std::regex_match(text, m, at_most)) {
    const CLI::Option* option = FindOption(app, m[1]);
    const std::string values =
        option && !option->results().empty() ? " (" + Quoted(option->results()) + ")" : "";
    const std::string expected = m[2] == "1" ? "one" : "at most " + m[2].str();
    return m[1].str() + ": found " + m[3].str() + " values" + values + "; expected " + expected;
  }
  // "Could not convert: --seed = -1"
  static const std::regex conversion(R"(^Could not convert: (\S+) = (.*)$)");
  if (std::regex_match(text, m, conversion)) {
    return m[1].str() + ": found '" + m[2].str() + "'; expected " + TypeInWords(FindOption(app, m[1]));
  }
  // "--out: 1 required TEXT missing"
  static const std::regex missing(R"(^(\S+): (\d+) required (\S+) missing$)");
  if (std::regex_match(text, m, missing)) {
    return m[1].str() + ": found no value; expected " + (m[2] == "1" ? "one" : m[2].str()) + " after it";
  }
  return text;
}

}  // namespace margo
