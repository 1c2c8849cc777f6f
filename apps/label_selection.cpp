#include "apps/label_selection.h"

#include <itkImageRegionIterator.h>

#include <algorithm>
#include <cstdint>

#include "apps/option_items.h"
#include "core/error.h"
#include "io/label_extent.h"

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

std::string Joined(const std::vector<std::uint16_t>& labels) {
  std::string text;
  for (std::uint16_t v : labels) text += (text.empty() ? "" : ",") + std::to_string(v);
  return text.empty() ? "none" : text;
}

}  // namespace

LabelOption ParseLabelSelection(const std::string& text, const std::string& option) {
  LabelOption out;
  out.text = text;
  for (const std::string& item : SplitItems(text, ',', option, text, "labels such as 2,3 or 2-8")) {
    const auto dash = item.find('-', 1);
    if (dash == std::string::npos) {
      const std::uint16_t value = ParseLabel(item, option);
      out.push_back(value);
      out.asked.push_back({value, value});
      continue;
    }
    const std::uint16_t first = ParseLabel(item.substr(0, dash), option);
    const std::uint16_t last = ParseLabel(item.substr(dash + 1), option);
    if (last < first) {
      throw Error(ErrorKind::kUsage, option + ": range '" + item + "' runs backwards; expected low-high");
    }
    for (unsigned v = first; v <= last; ++v) out.push_back(static_cast<std::uint16_t>(v));
    out.asked.push_back({first, last});
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::map<std::uint16_t, LabelSelection> ParseZoneMap(const std::string& text, const std::string& option) {
  const char* example = "TUMOUR:ZONE[+ZONE], e.g. 2:1,3:1+2";
  std::map<std::uint16_t, LabelSelection> out;
  for (const std::string& item : SplitItems(text, ',', option, text, example)) {
    const auto colon = item.find(':');
    if (colon == std::string::npos) {
      throw Error(ErrorKind::kUsage, option + ": '" + item + "' has no ':'; expected " + example);
    }
    const std::uint16_t tumour = ParseLabel(item.substr(0, colon), option);
    LabelSelection zones;
    for (const std::string& zone : SplitItems(item.substr(colon + 1), '+', option, text, example)) {
      zones.push_back(ParseLabel(zone, option));
    }
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
    throw Error(ErrorKind::kUsage,
                "--zone-map names tumour " + std::to_string(entry.first) +
                    ", which the tumour label map does not contain (labels: " + Joined(tumour_labels) + ")");
  }
}

namespace {

bool AnyPresent(const LabelOption::Item& item, const std::vector<std::uint16_t>& present) {
  const auto first = std::lower_bound(present.begin(), present.end(), item.first);
  return first != present.end() && *first <= item.last;
}

std::string Shown(const LabelOption::Item& item) {
  const std::string first = std::to_string(item.first);
  return item.first == item.last ? "label " + first : "label in " + first + "-" + std::to_string(item.last);
}

}  // namespace

void RequireSelectedLabelsPresent(const LabelOption& selection, const std::vector<std::uint16_t>& present,
                                  const std::string& option, const std::string& role,
                                  const std::string& path) {
  std::vector<LabelOption::Item> asked = selection.asked;
  if (asked.empty()) {
    for (std::uint16_t v : selection) asked.push_back({v, v});
  }
  const std::string given = selection.text.empty() ? Joined(selection) : selection.text;
  for (const LabelOption::Item& item : asked) {
    if (AnyPresent(item, present)) continue;
    throw Error(ErrorKind::kSegmentationInvalid, option + " '" + given + "': " + role + " " + path +
                                                     " has no " + Shown(item) + "; its labels are " +
                                                     Joined(present));
  }
}

void RequireTumourCountPlausible(const std::vector<std::uint16_t>& labels, const std::string& path) {
  if (labels.size() <= kMaxTumourLabels) return;
  throw Error(ErrorKind::kSegmentationInvalid,
              "tumour labels " + path + ": " + std::to_string(labels.size()) + " distinct labels (" +
                  std::to_string(labels.front()) + ".." + std::to_string(labels.back()) +
                  "); expected at most " + std::to_string(kMaxTumourLabels) +
                  " tumours (one label each), or choose them with --tumour-labels; is this a label map?");
}

std::vector<std::uint16_t> SelectLabels(LabelImage& image, const LabelOption& selection,
                                        const std::string& option, const std::string& role,
                                        const std::string& path) {
  std::vector<std::uint16_t> labels = LabelsOf(image);
  if (selection.empty()) return labels;
  RequireSelectedLabelsPresent(selection, labels, option, role, path);
  ApplySelection(image, selection);
  labels.erase(std::remove_if(labels.begin(), labels.end(),
                              [&](std::uint16_t v) {
                                return !std::binary_search(selection.begin(), selection.end(), v);
                              }),
               labels.end());
  return labels;
}

void ApplySelection(LabelImage& labels, const LabelSelection& selection) {
  if (selection.empty()) return;
  itk::ImageRegionIterator<LabelImage> it(&labels, labels.GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    if (it.Get() != 0 && !std::binary_search(selection.begin(), selection.end(), it.Get())) it.Set(0);
  }
}

std::vector<std::uint16_t> LabelsOf(const LabelImage& labels) {
  std::vector<std::uint8_t> seen(65536, 0);  // a table, not a set: one pass at memory speed
  const LabelImage::PixelType* v = labels.GetBufferPointer();
  const LabelImage::PixelType* end = v + labels.GetBufferedRegion().GetNumberOfPixels();
  for (v = NextLabelled(v, end); v != end; v = NextLabelled(v + 1, end)) seen[*v] = 1;
  std::vector<std::uint16_t> found;
  for (std::size_t label = 1; label < seen.size(); ++label) {
    if (seen[label]) found.push_back(static_cast<std::uint16_t>(label));
  }
  return found;
}

void RequireNotEmpty(const LabelImage& labels, const std::string& role, const std::string& path,
                     const std::string& grid) {
  const LabelImage::PixelType* v = labels.GetBufferPointer();
  const LabelImage::PixelType* end = v + labels.GetBufferedRegion().GetNumberOfPixels();
  if (NextLabelled(v, end) != end) return;
  throw Error(ErrorKind::kSegmentationInvalid,
              role + " " + path + ": no labelled voxel on the " + grid +
                  " grid (after label selection); expected at least one");
}

}  // namespace margo
