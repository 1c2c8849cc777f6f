// Text for margo's HTML report: escaping and number formats.
#pragma once

#include <string>

#include "core/vec3.h"

namespace margo {

// `s` with &, <, > and " escaped.
std::string Escape(const std::string& s);
// `v` with `digits` decimals.
std::string Fixed(double v, int digits = 1);
// "(x, y, z)" with one decimal.
std::string Point(const Vec3& p);

}  // namespace margo
