// tumours.csv: one row per tumour with the headline metrics, for
// spreadsheets and pipelines. Comma separated, a header row, '.' decimals,
// fields quoted only when they hold a comma, quote or line break (RFC 4180).
// Shares are 0..1 as in report.json; empty cells where a value does not apply.
#pragma once

#include <string>

#include "apps/assess.h"

namespace margo {

std::string TumoursCsv(const Assessment& a);

}  // namespace margo
