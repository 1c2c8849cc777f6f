// The two jobs margo runs: `assess` (register a scan pair, then measure) and
// `margin` (measure masks already in one world space). Parameters are plain
// structs; the CLI fills them, tests may fill them directly.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "apps/clinical.h"
#include "apps/registration_quality.h"
#include "apps/report_images.h"
#include "core/log.h"
#include "io/image_reader.h"
#include "margin/category.h"
#include "margin/tumour_margin.h"
#include "registration/deformable.h"
#include "registration/rigid.h"

namespace margo {

enum class MeasureSpace { kPost, kPre };

// The registration's part of the borderline uncertainty when no landmarks
// measure it (mm): on the phantoms, rigid registration is within it at the
// tumours (tests/unit/registration/rigid_test.cpp finds < 1 mm anywhere in
// the liver, far less at the tumours) and so is the deformable stage on
// breathing-deformed pairs (docs/REGISTRATION.md). With landmarks, their
// RMS target error is used instead.
inline constexpr double kRegistrationUncertaintyMm = 0.5;
enum class RegistrationMode { kDeformable, kRigid, kNone };

// "deformable", "rigid", "none"; Parse throws Error(kUsage) on anything else.
const char* RegistrationModeName(RegistrationMode mode);
RegistrationMode ParseRegistrationMode(const std::string& name);

// The registration's verdict (docs/REGISTRATION.md): pass, warn or fail, and why.
struct RegistrationVerdict {
  std::string verdict = "pass";
  std::vector<std::string> reasons;
};

// Which label values of a multi-structure map to use; empty = every non-zero label.
using LabelSelection = std::vector<std::uint16_t>;

// The labels an option such as --tumour-labels selects (sorted, distinct),
// with the items as the user wrote them: a single value must be present in
// the map, a range needs only one of its labels present (apps/label_selection.h).
struct LabelOption : LabelSelection {
  using LabelSelection::LabelSelection;
  struct Item {
    std::uint16_t first = 0, last = 0;  // first == last: a single value
  };
  std::vector<Item> asked;  // empty: every value counts as a single one
  std::string text;         // as given, for messages ("2-8,10")
};

struct AssessParams {
  std::string pre_ct, post_ct;        // REQUIRED: DICOM folder or image file
  std::string tumours, ablation;      // REQUIRED: label maps (pre, post)
  std::string pre_liver, post_liver;  // optional liver masks (non-zero = liver)
  std::string pre_series_uid, post_series_uid;  // optional DICOM series choice
  LabelOption tumour_labels, ablation_labels;
  std::map<std::uint16_t, LabelSelection> zone_map;  // tumour -> its zone labels; default: union
  std::string clinical;               // optional clinical inputs (docs/CLINICAL.md)
  std::string landmarks_pre, landmarks_post;  // optional landmark pairs (io/landmarks.h): both or neither
  MeasureSpace space = MeasureSpace::kPost;  // Default: post (the ablation zone stays untouched)
  RegistrationMode registration = RegistrationMode::kDeformable;  // Default: deformable
  MarginOptions margin;
  RigidParams rigid;
  DeformableParams deformable;
};

struct MarginParams {
  std::string tumours, ablation;  // REQUIRED: label maps in one world space
  std::string liver;              // optional liver mask, same world space
  std::string clinical;           // optional clinical inputs (docs/CLINICAL.md)
  LabelOption tumour_labels, ablation_labels;
  std::map<std::uint16_t, LabelSelection> zone_map;  // tumour -> its zone labels; default: union
  MarginOptions margin;
};

struct InputRecord {
  std::string role;  // "pre_ct", "tumours", ...
  LoadReport report;
  std::string sha256;  // of the file, or of a DICOM folder's files (core/sha256.h)
};

struct Assessment {
  std::vector<InputRecord> inputs;
  std::optional<RigidResult> registration;  // absent when not registered
  std::optional<DeformableResult> deformable;  // the deformable stage, when run
  std::optional<RegistrationVerdict> verdict;  // always with assess (also --registration none)
  std::string registration_method;          // "deformable", "rigid", "none"
  // Dice of the post liver and the pre liver carried into it, before (the
  // scans' own coordinates) and after registration; set when both masks are given.
  std::optional<double> liver_dice_before, liver_dice_after;
  std::optional<LandmarkErrors> landmarks;  // when landmark pairs are given
  // How far the map may be off at the tumours (mm), added to each tumour's
  // borderline uncertainty, and where the figure comes from.
  double registration_uncertainty_mm = 0.0;
  std::string registration_uncertainty_source = "no registration";
  std::string measuring_space;              // "post", "pre", "tumour label grid"
  std::vector<std::uint16_t> tumour_labels;  // every label of the input tumour label map
  std::vector<TumourMargin> tumours;
  MarginOptions margin;
  std::optional<ClinicalInputs> clinical;
  // The parameters the run was given (exactly one is set), for the report.
  std::optional<AssessParams> assess_params;
  std::optional<MarginParams> margin_params;
  // Images for pictures and exported surfaces; set by RunAssess and RunMargin.
  std::shared_ptr<const ReportImages> images;

  std::size_t NotAssessable() const;
};

Assessment RunAssess(const AssessParams& params, Log& log);

Assessment RunMargin(const MarginParams& params, Log& log);

}  // namespace margo
