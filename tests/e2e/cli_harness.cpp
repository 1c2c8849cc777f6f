#include "tests/e2e/cli_harness.h"

#include <sys/wait.h>

#include <cstdlib>
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

int ValidateReport(const std::string& document) {
  const std::string source = MARGO_SOURCE_DIR;
  const int status = std::system(("python3 " + source + "/tests/support/validate_json.py " + source +
                                  "/docs/report.schema.json '" + document + "' >&2")
                                     .c_str());
  const int code = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return code == 127 ? kSchemaValidatorAbsent : code;
}

TempDir* PhantomSuite::dir_ = nullptr;

void PhantomSuite::SetUpTestSuite() {
  dir_ = new TempDir();
  WritePhantom(SmallPhantomSpec(), dir_->path().string());
}

std::vector<std::string> PhantomSuite::AssessArgs(const std::vector<std::string>& extra,
                                                  const std::string& pre_ct) {
  std::vector<std::string> args{"assess",
                                "--pre-ct",
                                pre_ct.empty() ? In("pre_ct.nii.gz") : pre_ct,
                                "--post-ct",
                                In("post_ct.nii.gz"),
                                "--tumours",
                                In("tumours.nii.gz"),
                                "--ablation",
                                In("ablation.nii.gz")};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

void PhantomSuite::TearDownTestSuite() {
  delete dir_;
  dir_ = nullptr;
}

}  // namespace margo::testing
