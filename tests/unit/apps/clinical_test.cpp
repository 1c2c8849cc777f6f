#include "apps/clinical.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/expect_error.h"
#include "tests/support/temp_dir.h"

namespace margo {
namespace {

ClinicalInputs Parse(const std::string& text) {
  testing::TempDir dir;
  std::ofstream(dir / "clinical.json") << text;
  return ReadClinicalInputs(dir / "clinical.json");
}

TumourMargin Tumour(std::uint16_t label, double min_margin_mm) {
  TumourMargin t;
  t.label = label;
  t.assessable = true;
  t.min_margin_mm = min_margin_mm;
  t.category = Categorize(min_margin_mm, CategoryThresholds{});
  return t;
}

const char* kAllLowRisk =
    R"({"patient": {"ras_mutant": false, "braf_mutant": false, "right_sided_primary": false,
                    "prior_hepatectomy": true}, "tumours": {"2": {"size_mm": 20}, "3": {"size_mm": 31},
                    "4": {"ras_mutant": true, "size_mm": 10}}})";

TEST(ClinicalTest, TargetFollowsTheRiskFactors) {
  const ClinicalInputs in = Parse(kAllLowRisk);
  const TargetAssessment low = AssessTarget(in, Tumour(2, 6.0), 1.0);
  EXPECT_EQ(low.risk, "low");
  EXPECT_EQ(low.target_mm, 5.0);
  EXPECT_EQ(low.met, true);
  const TargetAssessment big = AssessTarget(in, Tumour(3, 6.0), 1.0);
  EXPECT_EQ(big.risk, "high");
  EXPECT_EQ(big.target_mm, 10.0);
  EXPECT_EQ(big.met, false);
  EXPECT_NE(big.reason.find("size > 30 mm"), std::string::npos);
  const TargetAssessment ras = AssessTarget(in, Tumour(4, 10.5), 1.0);  // tumour overrides the patient
  EXPECT_EQ(ras.risk, "high");
  EXPECT_EQ(ras.met, true);
}

// A tumour around a cavity of its zone is incomplete whatever its surface
// margin; 6 mm on its surface does not meet a 5 mm target.
TEST(ClinicalTest, AnIncompleteTumourMeetsNoTarget) {
  const ClinicalInputs in = Parse(kAllLowRisk);
  TumourMargin cavity = Tumour(2, 6.0);
  cavity.category = MarginCategory::kIncomplete;
  cavity.category_reason = "0.30 mL (20 %) of the tumour is not ablated";
  const TargetAssessment t = AssessTarget(in, cavity, 1.0);
  EXPECT_EQ(t.target_mm, 5.0);
  EXPECT_EQ(t.met, false);
}

TEST(ClinicalTest, SizeFromVolumeWhenNotGivenAndUnknownWhenFactorsAreMissing) {
  const ClinicalInputs in = Parse(R"({"patient": {"ras_mutant": false, "braf_mutant": false,
      "right_sided_primary": false, "prior_hepatectomy": true}})");
  // 14.1 mL is a sphere of 30 mm diameter: 20 mL is above it.
  EXPECT_EQ(AssessTarget(in, Tumour(7, 6.0), 20.0).risk, "high");
  EXPECT_EQ(AssessTarget(in, Tumour(7, 6.0), 10.0).risk, "low");
  const ClinicalInputs partial = Parse(R"({"patient": {"ras_mutant": false}})");
  const TargetAssessment unknown = AssessTarget(partial, Tumour(7, 6.0), 1.0);
  EXPECT_EQ(unknown.risk, "unknown");
  EXPECT_FALSE(unknown.target_mm);
  EXPECT_FALSE(unknown.met);
}

TEST(ClinicalTest, RiskScoreNeedsAllFiveInputs) {
  ClinicalInputs in = Parse(R"({"patient": {"node_positive_primary": true, "disease_free_interval_months": 8,
      "liver_tumour_count": 1, "largest_tumour_mm": 31, "cea_ng_ml": 30}})");
  EXPECT_EQ(ClinicalRiskScore(in.patient), 3);  // node+, DFI < 12, > 30 mm; one tumour; CEA not > 30
  in.patient.cea_ng_ml.reset();
  EXPECT_FALSE(ClinicalRiskScore(in.patient));
}

TEST(ClinicalTest, MalformedFilesAreRefusedNamingTheKey) {
  struct Row {
    const char* text;
    std::vector<std::string> parts;
  };
  const Row rows[] = {
      {"{not json", {"not valid JSON"}},
      {R"({"patient": {"cea": 3}})", {"unknown key patient.cea"}},
      {R"({"tumours": {"2": {"ras_mutant": "yes"}}})", {"tumours.2.ras_mutant", "\"yes\"", "true or false"}},
      {R"({"tumours": {"two": {}}})", {"'two'", "1..65535"}},
      {R"({"patient": {"cea_ng_ml": -4}})", {"patient.cea_ng_ml", "-4", ">= 0"}},
      {R"([1, 2])", {"(top level)", "expected an object"}},
      {R"({"patient": {"liver_tumour_count": 2.5}})", {"patient.liver_tumour_count", "2.5", "whole number"}},
      {R"({"patient": {"cea_ng_ml": null}})", {"patient.cea_ng_ml", "null", "leave the key out"}},
      {R"({"tumours": {"2": {"size_mm": null}}})", {"tumours.2.size_mm", "null"}},
      {R"({"patient": {"ras_mutant": true}, "patient": {}})", {"key patient", "twice"}},
      {R"({"patient": {"cea_ng_ml": 1, "cea_ng_ml": 2}})", {"key patient.cea_ng_ml", "twice"}},
      {R"({"tumours": {"2": {"ras_mutant": true, "ras_mutant": false}}})",
       {"tumours.2.ras_mutant", "twice"}}};
  for (const Row& r : rows) {
    SCOPED_TRACE(r.text);
    testing::ExpectError([&] { Parse(r.text); }, ErrorKind::kInputUnreadable, r.parts);
  }
}

// Syntax errors say where and what in words, not in the parser's own terms.
TEST(ClinicalTest, SyntaxErrorsNameLineColumnAndAShortReason) {
  struct Row {
    std::string text;
    std::vector<std::string> parts;
  };
  const Row rows[] = {
      {"", {"at line 1, column 1: the file is empty"}},
      {"{", {"at line 1, column 2: the file ends before the JSON does"}},
      {R"({"patient": {"cea_ng_ml": NaN}})", {"at line 1, column 27: not a JSON value"}},
      {"{\"patient\": {\"cea_ng_ml\": 5}} trailing", {"line 1, column 33: text after the end"}},
      {"{\"patient\":\n {\"liver_tumour_count\": 1e400}}",
       {"line 2, column 25: the number 1e400 is too large"}},
      {"\xFF\xFE{}", {"line 1, column 1: UTF-16 text"}},
      {"{\"tumours\": {\"2\": {\"x\xFF\": 1}}}", {"not valid UTF-8"}}};
  for (const Row& r : rows) {
    SCOPED_TRACE(r.text);
    std::vector<std::string> parts = r.parts;
    parts.push_back("not valid JSON at line ");
    parts.push_back("; expected JSON as in docs/CLINICAL.md");
    testing::ExpectError([&] { Parse(r.text); }, ErrorKind::kInputUnreadable, parts);
    try {
      Parse(r.text);
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).find("json.exception"), std::string::npos) << e.what();
    }
  }
}

// Nesting far beyond any clinical file used to overflow the stack (exit 139).
TEST(ClinicalTest, DeepNestingIsRefusedWithoutExhaustingTheStack) {
  const std::string deep(100000, '['), closed(100000, ']');
  for (const std::string& text : {deep + closed, R"({"patient": )" + deep + closed + "}"}) {
    testing::ExpectError([&] { Parse(text); }, ErrorKind::kInputUnreadable,
                         {"nested more than", "levels deep"});
  }
}

TEST(ClinicalTest, AFolderIsRefusedAsAFolder) {
  testing::TempDir dir;
  testing::ExpectError([&] { ReadClinicalInputs(dir.path().string()); }, ErrorKind::kInputUnreadable,
                       {dir.path().string(), "is a folder; expected a JSON file"});
}

// "02", " 2" and "2" would all be label 2, and one entry silently lost.
TEST(ClinicalTest, TumourKeysMustBeWrittenAsPlainLabels) {
  for (const char* key : {"02", " 2", "2 ", "+2", "-2", "0", "2.0", "", "65536", "0x2", "1e1"}) {
    SCOPED_TRACE(std::string("'") + key + "'");
    testing::ExpectError([&] { Parse(std::string(R"({"tumours": {")") + key + R"(": {}}})"); },
                         ErrorKind::kInputUnreadable,
                         {std::string("tumours key '") + key + "' is not a label", "no leading zero"});
  }
  testing::ExpectError(
      [&] { Parse(R"({"tumours": {"02": {"ras_mutant": true}, "2": {"ras_mutant": false}}})"); },
      ErrorKind::kInputUnreadable, {"'02'"});
  const ClinicalInputs in = Parse(R"({"tumours": {"2": {}, "10": {}, "65535": {}}})");
  EXPECT_EQ(in.tumours.size(), 3u);
  EXPECT_EQ(in.tumours.count(65535), 1u);
}

TEST(ClinicalTest, WholeNumberCountsAreRead) {
  EXPECT_EQ(Parse(R"({"patient": {"liver_tumour_count": 3}})").patient.liver_tumour_count, 3);
  EXPECT_EQ(Parse(R"({"patient": {"liver_tumour_count": 3.0}})").patient.liver_tumour_count, 3);
}

TEST(ClinicalTest, EntriesForTumoursNotMeasuredAreRefusedNamingThem) {
  const ClinicalInputs in = Parse(R"({"tumours": {"2": {}, "99": {"ras_mutant": true}}})");
  RequireEntriesMeasured(in, {2, 3, 99});
  testing::ExpectError(
      [&] {
        RequireEntriesMeasured(in, {2, 3, 4});
      },
      ErrorKind::kInputUnreadable, {"tumours.99", "not measured", "2,3,4"});
}

}  // namespace
}  // namespace margo
