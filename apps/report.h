// report.json: machine-readable, versioned; its schema is docs/report.schema.json.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "apps/assess.h"
#include "core/version.h"

namespace margo {

// Bumped on any change to report.json's fields; documented in docs/REPORT.md
// and docs/report.schema.json.
inline constexpr const char* kReportSchemaVersion = "0.7.0";

// A file written next to report.json.
struct OutputFile {
  std::string file;     // name inside the output folder
  std::string content;  // what it holds
  std::string note;     // e.g. why a picture is missing; empty when none
};

// report.json's `parameters`: every option that shapes the results (and the
// thread count, which does not).
nlohmann::json ParametersJson(const Assessment& a);

nlohmann::json ReportJson(const Assessment& a, const VersionInfo& version, const std::string& command_line,
                          const std::vector<OutputFile>& outputs = {});

}  // namespace margo
