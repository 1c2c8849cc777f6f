// The registration verdict's checks (docs/REGISTRATION.md, "Quality and
// verdict"), run by RunAssess: of the registration itself (the deformable
// stage, liver Dice, landmarks), and of the margins measured through it (a
// tumour wholly outside its zone, or reaching far outside it). Each returns
// its reasons to warn; categories and margins stay as measured.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "apps/assess.h"
#include "apps/label_selection.h"

namespace margo {

RegistrationVerdict JudgeRegistration(const Assessment& a);
std::vector<std::string> ImplausibleMargins(const Assessment& a,
                                            const std::map<std::uint16_t, LabelSelection>& zone_map);

}  // namespace margo
