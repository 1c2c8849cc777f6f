#include "core/error.h"

namespace margo {

int ExitCode(ErrorKind kind) { return static_cast<int>(kind); }

const char* ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInternal: return "internal error";
    case ErrorKind::kUsage: return "usage error";
    case ErrorKind::kInputUnreadable: return "unreadable input";
    case ErrorKind::kGeometryInvalid: return "invalid geometry";
    case ErrorKind::kSegmentationInvalid: return "invalid segmentation";
    case ErrorKind::kRegistrationFailed: return "registration failed";
    case ErrorKind::kOutputFailed: return "output failed";
    case ErrorKind::kPartialResult: return "partial result";
    case ErrorKind::kRegressionFailed: return "regression failed";
    case ErrorKind::kArchiveFailed: return "archive failed";
  }
  return "unknown error";
}

}  // namespace margo
