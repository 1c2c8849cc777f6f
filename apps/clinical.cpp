#include "apps/clinical.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "core/error.h"

namespace margo {
namespace {

using nlohmann::json;

// Clinical inputs are 3 levels deep; deeper ones are refused with the wrong
// value shown up to this depth, and for what lies deeper, by its depth alone.
constexpr std::size_t kMaxNesting = 100;

[[noreturn]] void Reject(const std::string& path, const std::string& what) {
  throw Error(ErrorKind::kInputUnreadable, "clinical inputs " + path + ": " + what);
}

// A value as the message shows it: short, however large the document.
std::string Shown(const json& value) {
  constexpr std::size_t kMaxShown = 60;
  const std::string text = value.dump();
  return text.size() <= kMaxShown ? text : text.substr(0, kMaxShown) + "...";
}

template <typename T>
const char* Expected() {
  if constexpr (std::is_same_v<T, bool>) return "true or false";
  if constexpr (std::is_same_v<T, int>) return "a whole number >= 0";
  return "a number >= 0";
}

// Missing keys are unknown values; null is refused (leave the key out) so
// that a template's placeholders are not read as answers.
template <typename T>
std::optional<T> Field(const json& object, const std::string& key, const std::string& where, const std::string& path) {
  const auto found = object.find(key);
  if (found == object.end()) return std::nullopt;
  const std::string name = where + "." + key;
  if (found->is_null())
    Reject(path, name + " is null; expected " + Expected<T>() + " (leave the key out if unknown)");
  bool ok = std::is_same_v<T, bool> ? found->is_boolean() : found->is_number();
  if constexpr (std::is_same_v<T, int>) {
    ok = ok && std::floor(found->get<double>()) == found->get<double>() &&
         found->get<double>() <= std::numeric_limits<int>::max();
  }
  if (!ok) Reject(path, name + " is " + Shown(*found) + "; expected " + Expected<T>());
  if constexpr (std::is_same_v<T, bool>) {
    return found->get<bool>();
  } else {
    const double value = found->get<double>();
    if (value < 0) Reject(path, name + " is " + Shown(*found) + "; expected " + Expected<T>());
    return static_cast<T>(value);
  }
}

void RequireKnownKeys(const json& object, std::initializer_list<const char*> keys, const std::string& where,
                      const std::string& path) {
  if (!object.is_object()) Reject(path, where + " is " + Shown(object) + "; expected an object");
  for (const auto& item : object.items()) {
    bool known = false;
    for (const char* k : keys) known |= item.key() == k;
    if (!known) Reject(path, "unknown key " + where + "." + item.key() + " (see docs/CLINICAL.md)");
  }
}

const std::initializer_list<const char*> kTumourKeys{"ras_mutant", "braf_mutant", "right_sided_primary",
                                                     "prior_hepatectomy", "size_mm"};

TumourRisk ReadTumour(const json& j, const std::string& where, const std::string& path) {
  RequireKnownKeys(j, kTumourKeys, where, path);
  TumourRisk t;
  t.ras_mutant = Field<bool>(j, "ras_mutant", where, path);
  t.braf_mutant = Field<bool>(j, "braf_mutant", where, path);
  t.right_sided_primary = Field<bool>(j, "right_sided_primary", where, path);
  t.prior_hepatectomy = Field<bool>(j, "prior_hepatectomy", where, path);
  t.size_mm = Field<double>(j, "size_mm", where, path);
  return t;
}

PatientRisk ReadPatient(const json& j, const std::string& path, TumourRisk& defaults) {
  RequireKnownKeys(j, {"node_positive_primary", "disease_free_interval_months", "liver_tumour_count",
                       "largest_tumour_mm", "cea_ng_ml", "ras_mutant", "braf_mutant", "right_sided_primary",
                       "prior_hepatectomy"}, "patient", path);
  PatientRisk p;
  p.node_positive_primary = Field<bool>(j, "node_positive_primary", "patient", path);
  p.disease_free_interval_months = Field<double>(j, "disease_free_interval_months", "patient", path);
  p.liver_tumour_count = Field<int>(j, "liver_tumour_count", "patient", path);
  p.largest_tumour_mm = Field<double>(j, "largest_tumour_mm", "patient", path);
  p.cea_ng_ml = Field<double>(j, "cea_ng_ml", "patient", path);
  defaults.ras_mutant = Field<bool>(j, "ras_mutant", "patient", path);
  defaults.braf_mutant = Field<bool>(j, "braf_mutant", "patient", path);
  defaults.right_sided_primary = Field<bool>(j, "right_sided_primary", "patient", path);
  defaults.prior_hepatectomy = Field<bool>(j, "prior_hepatectomy", "patient", path);
  return p;
}

// Refuses, while parsing, nesting deeper than clinical inputs ever need
// (deeper documents would exhaust the stack when dumped or destroyed) and a
// key given twice in one object (the parser would keep the last silently).
json::parser_callback_t StructureCheck(const std::string& path) {
  struct Object {
    std::string where;
    std::set<std::string> keys;
    std::string last_key;
  };
  auto open = std::make_shared<std::vector<Object>>();
  return [open, path](int /*depth*/, json::parse_event_t event, json& parsed) {
    using E = json::parse_event_t;
    if (event == E::object_start || event == E::array_start) {
      if (open->size() >= kMaxNesting) {
        Reject(path, "nested more than " + std::to_string(kMaxNesting) +
                         " levels deep; expected at most 3 ({\"tumours\": {\"2\": {...}}})");
      }
      std::string where = "(top level)";
      if (!open->empty()) {
        const Object& parent = open->back();
        const std::string key = parent.last_key.empty() ? "[]" : parent.last_key;
        where = open->size() == 1 ? key : parent.where + "." + key;
      }
      open->push_back({where, {}, ""});
    } else if (event == E::object_end || event == E::array_end) {
      open->pop_back();
    } else if (event == E::key) {
      Object& object = open->back();
      object.last_key = parsed.get<std::string>();
      if (!object.keys.insert(object.last_key).second) {
        Reject(path, "key " + (open->size() == 1 ? "" : object.where + ".") + object.last_key +
                         " is given twice; expected each key once");
      }
    }
    return true;
  };
}

// Line and column (1-based) of the `byte`-th byte (1-based) of `text`.
std::pair<std::size_t, std::size_t> LineAndColumn(const std::string& text, std::size_t byte) {
  const std::size_t end = std::min(byte > 0 ? byte - 1 : 0, text.size());
  std::size_t line = 1, line_start = 0;
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, end - line_start + 1};
}

// What the parser stopped at, in words; nlohmann's own text quotes raw bytes.
std::string SyntaxProblem(const std::string& text, const std::string& parser_message) {
  const auto has = [&](const char* part) { return parser_message.find(part) != std::string::npos; };
  if (text.rfind("\xFF\xFE", 0) == 0 || text.rfind("\xFE\xFF", 0) == 0) {
    return "UTF-16 text (it starts with a UTF-16 byte order mark), not UTF-8";
  }
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return "the file is empty";
  if (has("unexpected end of input")) return "the file ends before the JSON does (cut short?)";
  if (has("expected end of input")) return "text after the end of the JSON document";
  if (has("UTF-8")) return "a string that is not valid UTF-8";
  if (has("invalid literal")) return "not a JSON value (NaN, Infinity, unquoted text or a stray character)";
  return "a syntax error";
}

[[noreturn]] void RejectSyntax(const std::string& path, const std::string& text, std::size_t byte,
                               const std::string& problem) {
  const auto [line, column] = LineAndColumn(text, byte);
  Reject(path, "not valid JSON at line " + std::to_string(line) + ", column " + std::to_string(column) +
                   ": " + problem + "; expected JSON as in docs/CLINICAL.md");
}

// nlohmann reports a number too large for a double without its position:
// the number is found in the text.
[[noreturn]] void RejectNumberOverflow(const std::string& path, const std::string& text,
                                       const std::string& parser_message) {
  const std::size_t open = parser_message.find('\'');
  const std::size_t close = parser_message.rfind('\'');
  const std::string number =
      open != std::string::npos && close > open ? parser_message.substr(open + 1, close - open - 1) : "";
  const std::size_t at = number.empty() ? std::string::npos : text.find(number);
  RejectSyntax(path, text, at == std::string::npos ? 1 : at + 1,
               "the number " + number + " is too large (beyond +/-1.8e308)");
}

json ParseJson(const std::string& path, const std::string& text) {
  try {
    return json::parse(text, StructureCheck(path));
  } catch (const json::parse_error& e) {
    RejectSyntax(path, text, e.byte, SyntaxProblem(text, e.what()));
  } catch (const json::out_of_range& e) {
    RejectNumberOverflow(path, text, e.what());
  } catch (const json::exception& e) {
    RejectSyntax(path, text, 1, SyntaxProblem(text, e.what()));
  }
}

// A tumours key as a label: plain decimal digits only. "02", " 2" or "+2"
// would each name label 2 beside "2", and one of the entries would be lost
// unseen; written one way only, distinct keys are distinct labels.
std::uint16_t LabelKey(const std::string& key, const std::string& path) {
  const bool digits =
      !key.empty() && key.size() <= 5 && key.find_first_not_of("0123456789") == std::string::npos;
  const long label = digits ? std::stol(key) : 0;
  if (!digits || key[0] == '0' || label > 65535) {
    Reject(path, "tumours key '" + key +
                     "' is not a label; expected a whole number 1..65535 in plain digits (no leading zero, "
                     "sign or space), e.g. \"2\"");
  }
  return static_cast<std::uint16_t>(label);
}

template <typename T>
std::optional<T> Either(const std::optional<T>& own, const std::optional<T>& fallback) {
  return own ? own : fallback;
}

}  // namespace

ClinicalInputs ReadClinicalInputs(const std::string& path) {
  if (std::filesystem::is_directory(path)) Reject(path, "is a folder; expected a JSON file");
  std::ifstream in(path, std::ios::binary);
  if (!in) Reject(path, "cannot open");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const json j = ParseJson(path, text);
  RequireKnownKeys(j, {"patient", "tumours"}, "(top level)", path);
  ClinicalInputs out;
  out.path = path;
  if (j.contains("patient")) out.patient = ReadPatient(j["patient"], path, out.patient_tumour_defaults);
  if (!j.contains("tumours")) return out;
  if (!j["tumours"].is_object())
    Reject(path, "tumours is " + Shown(j["tumours"]) + "; expected an object keyed by label");
  for (const auto& item : j["tumours"].items()) {
    const std::uint16_t label = LabelKey(item.key(), path);
    out.tumours[label] = ReadTumour(item.value(), "tumours." + item.key(), path);
  }
  return out;
}

void RequireEntriesMeasured(const ClinicalInputs& inputs, const std::vector<std::uint16_t>& measured_labels) {
  for (const auto& entry : inputs.tumours) {
    if (std::binary_search(measured_labels.begin(), measured_labels.end(), entry.first)) continue;
    std::string measured;
    for (std::uint16_t v : measured_labels) measured += (measured.empty() ? "" : ",") + std::to_string(v);
    Reject(inputs.path,
           "tumours." + std::to_string(entry.first) + " names label " + std::to_string(entry.first) +
               ", which is not measured; expected one of the measured tumour labels " + measured);
  }
}

TargetAssessment AssessTarget(const ClinicalInputs& inputs, const TumourMargin& tumour, double volume_ml) {
  TumourRisk own;
  const auto found = inputs.tumours.find(tumour.label);
  if (found != inputs.tumours.end()) own = found->second;
  const TumourRisk& d = inputs.patient_tumour_defaults;
  const double size_mm = own.size_mm ? *own.size_mm : std::cbrt(6.0 * volume_ml * 1000.0 / M_PI);
  const std::pair<std::optional<bool>, const char*> factors[] = {
      {Either(own.ras_mutant, d.ras_mutant), "RAS mutant"},
      {Either(own.braf_mutant, d.braf_mutant), "BRAF mutant"},
      {Either(own.right_sided_primary, d.right_sided_primary), "right-sided primary"},
      {[&]() -> std::optional<bool> {
         const auto prior = Either(own.prior_hepatectomy, d.prior_hepatectomy);
         return prior ? std::optional<bool>(!*prior) : std::nullopt;
       }(), "no prior hepatectomy"},
      {size_mm > 30.0, own.size_mm ? "size > 30 mm" : "size > 30 mm (equivalent diameter from volume)"}};
  TargetAssessment t;
  bool unknown = false;
  for (const auto& [value, name] : factors) {
    if (value && *value) t.reason += (t.reason.empty() ? "" : ", ") + std::string(name);
    unknown |= !value;
  }
  if (!t.reason.empty()) {
    t.risk = "high";
    t.target_mm = 10.0;
  } else if (!unknown) {
    t.risk = "low";
    t.target_mm = 5.0;
    t.reason = "no high-risk factor";
  } else {
    t.risk = "unknown";
    t.reason = "no high-risk factor given, but not all factors are known";
    return t;
  }
  // A tumour around a cavity of its zone is incomplete whatever its margin
  // (docs/MARGINS.md): no target is met by it.
  if (tumour.assessable) {
    t.met = tumour.min_margin_mm >= *t.target_mm && tumour.category != MarginCategory::kIncomplete;
  }
  return t;
}

std::optional<int> ClinicalRiskScore(const PatientRisk& p) {
  if (!p.node_positive_primary || !p.disease_free_interval_months || !p.liver_tumour_count ||
      !p.largest_tumour_mm || !p.cea_ng_ml) {
    return std::nullopt;
  }
  return int(*p.node_positive_primary) + int(*p.disease_free_interval_months < 12.0) +
         int(*p.liver_tumour_count > 1) + int(*p.largest_tumour_mm > 30.0) + int(*p.cea_ng_ml > 30.0);
}

}  // namespace margo
