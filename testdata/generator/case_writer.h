// Writes a phantom case folder (the file names margo's quick start and
// `margo regress` expect):
//   pre_ct.nii.gz, post_ct.nii.gz   int16 HU, blurred, with Gaussian noise
//   tumours.nii.gz                  pre grid, one label per tumour
//   ablation.nii.gz                 post grid, one label per zone (zone_label)
//   pre_liver.nii.gz, post_liver.nii.gz
//   truth.json                      phantom_truth.h, format in docs/PHANTOM.md
// Labels are rasterised by voxel-centre test: a post voxel carries a zone or
// liver label when its centre's pre image (through the known map) lies inside.
//
// CaseFormat::kDicom writes the same images as DICOM instead (docs/PHANTOM.md):
//   pre_ct/, post_ct/               CT series, one file per slice, one study
//   tumours.dcm, ablation.dcm       SEG on the pre / post series, segment n = label n
//   pre_liver.dcm, post_liver.dcm   SEG, one "Liver" segment
// SEG segment numbers run 1..N, so tumour i (and its zone) is label i in this
// form: labels are renumbered 1..N, in truth.json too.
#pragma once

#include <string>

#include "testdata/generator/phantom_case.h"

namespace margo {

class Log;

enum class CaseFormat { kNifti, kDicom };

// A folder holding truth.json is a complete case (`margo regress` takes
// it): an earlier case's truth.json goes before the first file is written
// (RemoveCaseTruth) and this case's comes last, so a failed or interrupted
// run leaves no case, not even one mixing two. Throws Error(kOutputFailed).
void WriteCase(const CaseSpec& spec, const std::string& dir, Log& log, CaseFormat format = CaseFormat::kNifti);

// Removes `dir`/truth.json if there is one; throws Error(kOutputFailed) if it
// stays. Case writers (this one, hybrid_case.h) call it before writing.
void RemoveCaseTruth(const std::string& dir);

}  // namespace margo
