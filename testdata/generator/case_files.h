// The files of a phantom case, by name (docs/PHANTOM.md, "What a case
// holds"): what the case writers write and remove, and what `margo regress`
// reads (the NIfTI form).
#pragma once

#include <array>

namespace margo::case_files {

inline constexpr const char* kTruth = "truth.json";
inline constexpr const char* kPreCt = "pre_ct.nii.gz";
inline constexpr const char* kPostCt = "post_ct.nii.gz";
inline constexpr const char* kTumours = "tumours.nii.gz";
inline constexpr const char* kAblation = "ablation.nii.gz";
inline constexpr const char* kPreLiver = "pre_liver.nii.gz";
inline constexpr const char* kPostLiver = "post_liver.nii.gz";
inline constexpr const char* kLandmarksPre = "landmarks_pre.csv";
inline constexpr const char* kLandmarksPost = "landmarks_post.csv";

// The NIfTI images of a case.
inline constexpr std::array<const char*, 6> kNiftiImages{kPreCt,    kPostCt,   kTumours,
                                                         kAblation, kPreLiver, kPostLiver};

// Every file a case's regression run reads.
inline constexpr std::array<const char*, 9> kRead{
    kTruth, kPreCt, kPostCt, kTumours, kAblation, kPreLiver, kPostLiver, kLandmarksPre, kLandmarksPost};

}  // namespace margo::case_files
