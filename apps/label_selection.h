// Choosing label values from a label map ("2-8,10") and measuring them.
#pragma once

#include <map>
#include <string>

#include "apps/assess.h"

namespace margo {

// The most distinct labels a tumour label map may hold (after --tumour-labels):
// more is taken for a CT or a mislabelled map, refused before any tumour is
// measured (docs/EXIT_CODES.md, code 5).
inline constexpr std::size_t kMaxTumourLabels = 255;

// Parses "2,3,7-9" (keeping the items as written in `asked`); throws Error(kUsage) naming `option` on bad
// text, empty items included ("2,,3", "2,", "").
LabelOption ParseLabelSelection(const std::string& text, const std::string& option);

// Parses "2:1,3:1+2" (tumour label : zone labels joined by '+'); throws
// Error(kUsage) naming `option` on bad text (empty items included: "2:1,",
// "2:1+", "") or a tumour listed twice.
std::map<std::uint16_t, LabelSelection> ParseZoneMap(const std::string& text, const std::string& option);

// Throws Error(kUsage) if `zone_map` names a tumour label absent from `tumour_labels`.
void RequireMappedTumoursExist(const std::map<std::uint16_t, LabelSelection>& zone_map,
                               const std::vector<std::uint16_t>& tumour_labels);

// Throws Error(kSegmentationInvalid) naming `option`, the user's text, the
// label and the labels present (`present`: sorted) when a single value asked
// for is absent, or a range holds none of them ("2-8" on a map of 2..7 selects
// 2..7; "9-12" on it is refused).
// The labels of `image` that `selection` keeps (all when it is empty), with
// the voxels of the others set to 0; refuses a selection the map does not
// hold (RequireSelectedLabelsPresent). One pass to find the labels.
std::vector<std::uint16_t> SelectLabels(LabelImage& image, const LabelOption& selection,
                                        const std::string& option, const std::string& role,
                                        const std::string& path);

void RequireSelectedLabelsPresent(const LabelOption& selection, const std::vector<std::uint16_t>& present,
                                  const std::string& option, const std::string& role,
                                  const std::string& path);

// Throws Error(kSegmentationInvalid) if `labels` (sorted, distinct) are more
// than kMaxTumourLabels.
void RequireTumourCountPlausible(const std::vector<std::uint16_t>& labels, const std::string& path);

// Keeps the selected labels (all if the selection is empty); others become 0.
void ApplySelection(LabelImage& labels, const LabelSelection& selection);

// Sorted distinct non-zero labels.
std::vector<std::uint16_t> LabelsOf(const LabelImage& labels);

// Throws Error(kSegmentationInvalid) if `labels` has no non-zero voxel.
void RequireNotEmpty(const LabelImage& labels, const std::string& role, const std::string& path,
                     const std::string& grid);

}  // namespace margo
