// The phantom's anatomy as functions of a pre-world LPS point.
#pragma once

#include "testdata/generator/phantom.h"

namespace margo {

enum class PhantomScan { kPre, kPost };

// Hounsfield units at `p` (no noise): air, fat, soft tissue, liver with
// vessels, aorta, spine; tumours (pre) or ablation zones with a hyperaemic rim (post).
double PhantomHu(const PhantomSpec& spec, const Vec3& p, PhantomScan scan);

bool InLiver(const Vec3& p);
// Label of the tumour containing p (0 if none).
std::uint16_t TumourAt(const PhantomSpec& spec, const Vec3& p);
// True if p lies in any ablation zone.
bool InAblationZone(const PhantomSpec& spec, const Vec3& p);

}  // namespace margo
