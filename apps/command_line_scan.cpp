#include "apps/command_line_scan.h"

#include <filesystem>

#include "core/error.h"

namespace margo {
namespace {

bool IsOptionName(const std::string& arg) { return arg.size() > 1 && arg[0] == '-'; }

// An argument and the option it was given to ("" for a positional one).
struct Given {
  std::string option, value;
};

// Every value on the command line with its option: "--x V", "--x=V" or a
// positional V. A flag followed by a positional reads as "--flag V": only the
// message's option name can be wrong then, not which files are compared.
std::vector<Given> Values(const std::vector<std::string>& args) {
  std::vector<Given> out;
  std::string option;
  bool positional_only = false;
  for (const std::string& arg : args) {
    if (!positional_only && arg == "--") {
      positional_only = true;
    } else if (!positional_only && IsOptionName(arg)) {
      const auto equals = arg.find('=');
      option = arg.substr(0, equals);
      if (equals != std::string::npos) out.push_back({option, arg.substr(equals + 1)});
      if (equals != std::string::npos) option.clear();
    } else {
      out.push_back({option, arg});
      option.clear();
    }
  }
  return out;
}

}  // namespace

std::string ScanOptionValue(const std::vector<std::string>& args, const std::string& option) {
  std::string value;
  int given = 0;
  for (std::size_t i = 0; i < args.size() && args[i] != "--"; ++i) {
    if (args[i] == option) {
      ++given;
      value = i + 1 < args.size() && !IsOptionName(args[i + 1]) ? args[i + 1] : "";
    } else if (args[i].rfind(option + "=", 0) == 0) {
      ++given;
      value = args[i].substr(option.size() + 1);
    }
  }
  return given == 1 ? value : "";
}

void RequireNotAnotherArgument(const std::vector<std::string>& args, const std::string& option,
                               const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (path.empty() || !fs::exists(path, ec)) return;  // a new file is no input
  for (const Given& g : Values(args)) {
    if (g.option == option || g.value.empty()) continue;
    if (!fs::equivalent(path, g.value, ec) || ec) continue;
    const std::string other = g.option.empty() ? "the argument " + g.value : g.option + " " + g.value;
    throw Error(ErrorKind::kUsage, option + " " + path + " is also given as " + other +
                                       "; expected a log file that is none of the inputs (opening it "
                                       "would overwrite it)");
  }
}

}  // namespace margo
