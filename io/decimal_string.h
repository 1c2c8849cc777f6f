// Strict parsing of DICOM Decimal String (DS) and Integer String (IS) values.
// std::stod and DCMTK read the longest number at the front of a text, so
// "1,8" became 1 and "1.8mm" 1.8: a wrong pixel spacing, read silently.
// Here a value is a number exactly as PS3.5 (6.2) allows it, or nothing.
#pragma once

#include <optional>
#include <string>
#include <vector>

class DcmItem;
class DcmTagKey;

namespace margo {

// The values of a DS text, backslash-separated: each an optional sign,
// digits with an optional decimal point, an optional exponent (E or e),
// padded with spaces at either end and nothing else, and finite. Nothing
// when any value is not one (an empty value included: "1\\").
std::optional<std::vector<double>> ParseDecimalString(const std::string& text);

// One IS value: an optional sign and digits, padded with spaces; nothing
// otherwise (also when it does not fit in an int).
std::optional<int> ParseIntegerString(const std::string& text);

// A DS element of `tag` anywhere in `item` (nested sequences included)
// whose value is not `ParseDecimalString`-able: its value as stored.
struct MalformedDecimal {
  std::string text;
};
std::optional<MalformedDecimal> FindMalformedDecimal(DcmItem& item, const DcmTagKey& tag);

}  // namespace margo
