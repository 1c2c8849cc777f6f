#include "apps/command_line_scan.h"

#include <filesystem>

#include "core/error.h"

namespace margo {
namespace {

// What an argument may name: itself, and for "--option=value" the value.
std::vector<std::string> Named(const std::string& arg) {
  std::vector<std::string> out{arg};
  const auto equals = arg.find('=');
  if (arg.size() > 1 && arg[0] == '-' && equals != std::string::npos) out.push_back(arg.substr(equals + 1));
  return out;
}

}  // namespace

std::string ScanOptionValue(const std::vector<std::string>& args, const std::string& option) {
  std::string value;
  int given = 0;
  for (std::size_t i = 0; i < args.size() && args[i] != "--"; ++i) {
    if (args[i] == option) {
      ++given;
      value = i + 1 < args.size() ? args[i + 1] : "";  // CLI11 takes the next argument, '-' or not
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
  // Any argument naming the same file, other than the option's own value,
  // is an input, whatever option it follows and whether it starts with '-'.
  for (std::size_t i = 0; i < args.size(); ++i) {
    const bool own = (i > 0 && args[i - 1] == option) || args[i].rfind(option + "=", 0) == 0;
    if (own) continue;
    for (const std::string& named : Named(args[i])) {
      if (named.empty() || !fs::equivalent(path, named, ec) || ec) continue;
      const bool after_option = named == args[i] && i > 0 && args[i - 1].size() > 1 && args[i - 1][0] == '-';
      const std::string given = after_option ? args[i - 1] + " " + args[i] : args[i];
      throw Error(ErrorKind::kUsage, option + " " + path + " is also given as " + given +
                                         "; expected a log file that is none of the inputs (opening it "
                                         "would overwrite it)");
    }
  }
}

}  // namespace margo
