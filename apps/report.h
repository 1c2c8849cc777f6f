// What a run produces: report.json (machine-readable, versioned) and the
// terminal summary on stdout (one row per tumour).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "apps/assess.h"
#include "core/version.h"

namespace margo {

// Bumped on any change to report.json's fields; documented in docs/REPORT.md.
inline constexpr const char* kReportSchemaVersion = "0.2.0";

nlohmann::json ReportJson(const Assessment& a, const VersionInfo& version, const std::string& command_line);

// "label  volume_ml  min_margin_mm  category" rows, aligned.
std::string SummaryTable(const Assessment& a);

}  // namespace margo
