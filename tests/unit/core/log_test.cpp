#include "core/log.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/support/temp_dir.h"

namespace margo {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int Occurrences(const std::string& text, const std::string& needle) {
  int n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(LogTest, AFailedLogWriteIsSaidOnceAndTheRunGoesOn) {
  std::ostringstream console;
  Log log(console, false);
  log.SetQuiet(true);
  log.OpenFile("/dev/full");  // opens; every write fails with ENOSPC
  log.Info("one");
  log.Info("two");
  log.Warn("three");
  const std::string said = console.str();
  EXPECT_EQ(Occurrences(said, "log file /dev/full: cannot write"), 1) << said;
  EXPECT_NE(said.find("No space left on device"), std::string::npos) << said;
  EXPECT_NE(said.find("warning: three"), std::string::npos) << said;  // the console still gets warnings
}

// A second process opening the same log (a run refused by another's lock)
// truncates it; the first one's later lines then land at the new end, not
// after a hole of zero bytes at its old offset.
TEST(LogTest, TheFileIsAppendedToAfterItIsOpened) {
  testing::TempDir dir;
  const std::string path = dir / "margo.log";
  std::ostringstream console;
  Log first(console, false);
  first.SetQuiet(true);
  first.OpenFile(path);
  first.Info(std::string(5000, 'a'));
  { std::ofstream(path, std::ios::trunc) << "second\n"; }
  first.Info("later");
  const std::string text = Read(path);
  EXPECT_EQ(text.find('\0'), std::string::npos);
  EXPECT_EQ(text.rfind("second\n", 0), 0u) << text.substr(0, 80);
  EXPECT_NE(text.find("later"), std::string::npos);
  EXPECT_LT(text.size(), 200u);
}

}  // namespace
}  // namespace margo
