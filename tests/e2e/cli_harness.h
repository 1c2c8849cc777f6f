// Running the margo command line in-process and reading what it wrote.
#pragma once

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "apps/cli.h"
#include "tests/support/temp_dir.h"

namespace margo::testing {

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

inline CliRun Run(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  CliRun r;
  r.exit_code = RunCli(args, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

nlohmann::json ReadJson(const std::string& path);

// Number of lines of `text` that contain `needle`.
int CountLines(const std::string& text, const std::string& needle);

// `document` against docs/report.schema.json (tests/support/validate_json.py,
// python3-jsonschema): 0 valid, 1 invalid; kSchemaValidatorAbsent when the
// validator cannot run (the caller skips).
constexpr int kSchemaValidatorAbsent = 3;
int ValidateReport(const std::string& document);

// A test suite sharing one freshly generated small phantom (phantom.h).
class PhantomSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  static std::string In(const std::string& name) { return *dir_ / name; }
  // "assess" on the phantom (its CTs, tumours and zone; `pre_ct` instead of
  // its pre CT when given), then `extra`.
  static std::vector<std::string> AssessArgs(const std::vector<std::string>& extra,
                                             const std::string& pre_ct = "");

 private:
  static TempDir* dir_;
};

}  // namespace margo::testing
