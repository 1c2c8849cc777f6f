// Asserting on margo::Error: its kind and the parts its message must name.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/error.h"

namespace margo::testing {

// Runs `action`; expects a margo::Error of `kind` whose message holds every part.
void ExpectError(const std::function<void()>& action, ErrorKind kind, const std::vector<std::string>& parts);

}  // namespace margo::testing
