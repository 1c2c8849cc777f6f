#include "apps/label_selection.h"

#include <itkImageRegionIterator.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "core/error.h"

namespace margo {
namespace {

std::uint16_t ParseLabel(const std::string& text, const std::string& option) {
  std::size_t used = 0;
  long value = -1;
  try {
    value = std::stol(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || value < 1 || value > 65535) {
    throw Error(ErrorKind::kUsage, option + ": '" + text + "' is not a label; expected a whole number 1..65535");
  }
  return static_cast<std::uint16_t>(value);
}

}  // namespace

LabelSelection ParseLabelSelection(const std::string& text, const std::string& option) {
  LabelSelection out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto dash = item.find('-', 1);
    if (dash == std::string::npos) {
      out.push_back(ParseLabel(item, option));
      continue;
    }
    const std::uint16_t first = ParseLabel(item.substr(0, dash), option);
    const std::uint16_t last = ParseLabel(item.substr(dash + 1), option);
    if (last < first) {
      throw Error(ErrorKind::kUsage, option + ": range '" + item + "' runs backwards; expected low-high");
    }
    for (unsigned v = first; v <= last; ++v) out.push_back(static_cast<std::uint16_t>(v));
  }
  if (out.empty()) throw Error(ErrorKind::kUsage, option + ": empty; expected labels such as 2,3 or 2-8");
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::map<std::uint16_t, LabelSelection> ParseZoneMap(const std::string& text, const std::string& option) {
  std::map<std::uint16_t, LabelSelection> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto colon = item.find(':');
    if (colon == std::string::npos) {
      throw Error(ErrorKind::kUsage, option + ": '" + item + "' has no ':'; expected TUMOUR:ZONE[+ZONE], e.g. 2:1,3:1+2");
    }
    const std::uint16_t tumour = ParseLabel(item.substr(0, colon), option);
    LabelSelection zones;
    std::stringstream zs(item.substr(colon + 1));
    std::string zone;
    while (std::getline(zs, zone, '+')) zones.push_back(ParseLabel(zone, option));
    if (zones.empty()) throw Error(ErrorKind::kUsage, option + ": tumour " + std::to_string(tumour) + " has no zone");
    std::sort(zones.begin(), zones.end());
    if (!out.emplace(tumour, zones).second) {
      throw Error(ErrorKind::kUsage, option + ": tumour " + std::to_string(tumour) + " is listed twice");
    }
  }
  return out;
}

void RequireMappedTumoursExist(const std::map<std::uint16_t, LabelSelection>& zone_map,
                               const std::vector<std::uint16_t>& tumour_labels) {
  for (const auto& entry : zone_map) {
    if (std::binary_search(tumour_labels.begin(), tumour_labels.end(), entry.first)) continue;
    std::string present;
    for (std::uint16_t v : tumour_labels) present += (present.empty() ? "" : ",") + std::to_string(v);
    throw Error(ErrorKind::kUsage, "--zone-map names tumour " + std::to_string(entry.first) +
                                       ", which the tumour label map does not contain (labels: " + present + ")");
  }
}

void ApplySelection(LabelImage& labels, const LabelSelection& selection) {
  if (selection.empty()) return;
  itk::ImageRegionIterator<LabelImage> it(&labels, labels.GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    if (it.Get() != 0 && !std::binary_search(selection.begin(), selection.end(), it.Get())) it.Set(0);
  }
}

std::vector<std::uint16_t> LabelsOf(const LabelImage& labels) {
  std::set<std::uint16_t> found;
  itk::ImageRegionConstIterator<LabelImage> it(&labels, labels.GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    if (it.Get() != 0) found.insert(it.Get());
  }
  return {found.begin(), found.end()};
}

void RequireNotEmpty(const LabelImage& labels, const std::string& role, const std::string& path,
                     const std::string& grid) {
  itk::ImageRegionConstIterator<LabelImage> it(&labels, labels.GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    if (it.Get() != 0) return;
  }
  throw Error(ErrorKind::kSegmentationInvalid,
              role + " " + path + ": no labelled voxel on the " + grid +
                  " grid (after label selection); expected at least one");
}

}  // namespace margo
