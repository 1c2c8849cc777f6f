// The terminal summary on stdout: one aligned row per tumour with its
// label, volume, minimal margin, 5th percentile, surface coverage at 5 and
// 10 mm, category, clinical target and borderline flag.
#pragma once

#include <string>

#include "apps/assess.h"

namespace margo {

// `colour`: ANSI colours for the category and alerts (only when stdout is a
// terminal; pipes and files get plain text).
std::string SummaryTable(const Assessment& a, bool colour = false);

}  // namespace margo
