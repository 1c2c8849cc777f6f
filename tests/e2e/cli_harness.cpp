#include "tests/e2e/cli_harness.h"

#include <fstream>

#include "testdata/generator/phantom.h"

namespace margo::testing {

nlohmann::json ReadJson(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

int CountLines(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) n += line.find(needle) != std::string::npos ? 1 : 0;
  return n;
}

TempDir* PhantomSuite::dir_ = nullptr;

void PhantomSuite::SetUpTestSuite() {
  dir_ = new TempDir();
  WritePhantom(SmallPhantomSpec(), dir_->path().string());
}

void PhantomSuite::TearDownTestSuite() {
  delete dir_;
  dir_ = nullptr;
}

}  // namespace margo::testing
