// One error type for the whole library, and the exit codes it maps to.
// Exit codes are documented in docs/EXIT_CODES.md; keep the two in step.
#pragma once

#include <stdexcept>
#include <string>

namespace margo {

enum class ErrorKind {
  kInternal = 1,             // a bug: an unexpected exception
  kUsage = 2,                // wrong or inconsistent options
  kInputUnreadable = 3,      // missing, corrupt or unsupported input file
  kGeometryInvalid = 4,      // missing/uneven slices, tilt, no overlap, bad spacing
  kSegmentationInvalid = 5,  // empty or non-integer label maps
  kRegistrationFailed = 6,   // registration did not converge to a usable result
  kOutputFailed = 7,         // output folder or file could not be written
  kPartialResult = 8,        // report written, but some tumours were not assessable
  kRegressionFailed = 9,     // margo regress: a measured margin or category disagrees with the truth
  kArchiveFailed = 10,       // DICOMweb archive unreachable, refused the credentials, or failed a request
};

int ExitCode(ErrorKind kind);
const char* ErrorKindName(ErrorKind kind);

// Thrown by library code; never exit() from a library. The message names the
// file, the value found and the value expected (see STYLE.md E6).
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message)
      : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

}  // namespace margo
