// Runs dciodvfy (Debian dicom3tools), the DICOM standard's IOD checker, on a
// file; tests skip with a message when it is not installed.
#pragma once

#include <string>
#include <vector>

namespace margo::testing {

struct DciodvfyResult {
  bool available = false;             // dciodvfy found on PATH
  std::vector<std::string> errors;    // lines starting with "Error"
  std::vector<std::string> warnings;  // lines starting with "Warning"
  std::string output;                 // everything it printed
};

DciodvfyResult RunDciodvfy(const std::string& path);

}  // namespace margo::testing
