#include "apps/command_line_text.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "core/error.h"

namespace margo {
namespace {

// What /bin/sh makes of `line` (its words after "margo", one per line): an
// independent reading of the quoting.
std::vector<std::string> WordsAsTheShellReadsThem(const std::string& line) {
  const std::string script = "set -- " + line.substr(std::string("margo").size()) + "; printf '%s\\0' \"$@\"";
  std::string quoted = "'";
  for (char ch : script) quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  FILE* pipe = popen(("/bin/sh -c " + quoted + "'").c_str(), "r");
  std::string bytes;
  for (int ch = 0; pipe != nullptr && (ch = std::fgetc(pipe)) != EOF;) bytes += static_cast<char>(ch);
  if (pipe != nullptr) pclose(pipe);
  std::vector<std::string> words;
  for (std::size_t start = 0, end = 0; (end = bytes.find('\0', start)) != std::string::npos;
       start = end + 1) {
    words.push_back(bytes.substr(start, end - start));
  }
  return words;
}

TEST(CommandLineTextTest, TheShellReadsBackEveryArgument) {
  const std::vector<std::string> args = {"assess", "--out", "it's",      "a;b&c|d", "x(1)*?",        "~home",
                                         "#not",   "a b",   "$HOME",     "`date`",  "back\\slash",   "",
                                         "-q",     "café",  "new\nline", "2,3",     "--zone-map=2:1"};
  EXPECT_EQ(WordsAsTheShellReadsThem(CommandLine(args)), args) << CommandLine(args);
}

TEST(CommandLineTextTest, PlainArgumentsStayUnquoted) {
  EXPECT_EQ(CommandLine({"assess", "--out", "/tmp/r-1/x.nii.gz", "--coverage-mm", "2,5"}),
            "margo assess --out /tmp/r-1/x.nii.gz --coverage-mm 2,5");
}

TEST(CommandLineTextTest, AnArgumentThatIsNotUtf8IsAUsageErrorNamingIt) {
  EXPECT_NO_THROW(RequireUtf8Arguments({"--out", "café", "日本", "\xF0\x9F\x98\x80"}));
  for (const std::string bad : {"caf\xE9", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "ab\xE2\x82"}) {
    try {
      RequireUtf8Arguments({"assess", "--out", bad});
      FAIL() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage);
      EXPECT_NE(std::string(e.what()).find("argument 3 (after --out)"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("\\x"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace margo
