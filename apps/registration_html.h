// The registration's summary in report.html: the verdict and its reasons,
// which map the margins were measured through, each stage's figures, the
// liver overlap and the landmark error, as report.json's `registration`.
#pragma once

#include <string>

#include "apps/assess.h"

namespace margo {

// HTML paragraphs (no heading).
std::string RegistrationSummaryHtml(const Assessment& a);

}  // namespace margo
