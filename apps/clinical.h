// Optional clinical inputs (a small JSON side file, docs/CLINICAL.md) that
// select each tumour's margin target and give the patient's modified ablation
// clinical risk score (Shady 2016). BRIEF.md section 2.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "margin/tumour_margin.h"

namespace margo {

// Risk factors; each may be unknown. Patient-level values apply to every
// tumour unless the tumour's own entry says otherwise.
struct TumourRisk {
  std::optional<bool> ras_mutant, braf_mutant, right_sided_primary, prior_hepatectomy;
  std::optional<double> size_mm;
};

struct PatientRisk {
  std::optional<bool> node_positive_primary;
  std::optional<double> disease_free_interval_months;
  std::optional<int> liver_tumour_count;
  std::optional<double> largest_tumour_mm;
  std::optional<double> cea_ng_ml;
};

struct ClinicalInputs {
  std::string path;
  PatientRisk patient;
  TumourRisk patient_tumour_defaults;
  std::map<std::uint16_t, TumourRisk> tumours;
};

// Throws Error(kInputUnreadable) naming the file, the key, the value found
// and the value expected for anything malformed or unknown.
ClinicalInputs ReadClinicalInputs(const std::string& path);

// Throws Error(kInputUnreadable) naming the file, the label and the labels
// measured if `inputs.tumours` has an entry for a label not among
// `measured_labels` (sorted): the file and the label map disagree, and its
// factors could otherwise be taken for another tumour's.
void RequireEntriesMeasured(const ClinicalInputs& inputs, const std::vector<std::uint16_t>& measured_labels);

struct TargetAssessment {
  std::optional<double> target_mm;  // 10 (high risk), 5 (low risk), none if undecidable
  std::string risk;                 // "high", "low", "unknown"
  std::string reason;               // the factors that decided it
  std::optional<bool> met;          // minimal margin >= target
};

// High risk: RAS or BRAF mutant, right-sided primary, no prior hepatectomy
// or size > 30 mm. The size comes from the inputs, else from the tumour's
// volume (equivalent-sphere diameter of `volume_ml`).
TargetAssessment AssessTarget(const ClinicalInputs& inputs, const TumourMargin& tumour, double volume_ml);

// Modified ablation clinical risk score (0..5), when all five inputs are known.
std::optional<int> ClinicalRiskScore(const PatientRisk& patient);

}  // namespace margo
