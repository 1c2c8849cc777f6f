// The phantom's abdomen as functions of a pre-world LPS point (mm): an axial
// section through the upper abdomen with body wall, subcutaneous and
// intra-abdominal fat, ribs, vertebrae with discs, paraspinal muscles, aorta,
// inferior vena cava, a liver with portal and hepatic veins, kidneys, spleen,
// stomach with an air-fluid level and bowel. Values are portal-venous-phase
// Hounsfield units before blur and noise.
#pragma once

#include "core/geometry.h"
#include "testdata/generator/phantom_case.h"

namespace margo {

bool InAbdomenLiver(const Vec3& p);
double AbdomenHu(const Vec3& p);

// The CT value at pre-world point p with the case's lesions: hypodense
// tumours on the pre CT; on the post CT hypodense ablation zones with gas
// bubbles, a 2 mm hyperaemic rim just outside them, and tumour left outside
// its zone still visible.
double CaseHu(const CaseSpec& spec, const Vec3& p, bool post);

}  // namespace margo
