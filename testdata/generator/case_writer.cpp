#include "testdata/generator/case_writer.h"

#include <itkImageRegionIteratorWithIndex.h>
#include <itkSmoothingRecursiveGaussianImageFilter.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <future>
#include <random>
#include <thread>
#include <vector>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/log.h"
#include "io/dicom_ct_writer.h"
#include "io/dicom_object.h"
#include "io/dicom_seg_writer.h"
#include "io/image_writer.h"
#include "testdata/generator/abdomen.h"
#include "testdata/generator/case_files.h"
#include "testdata/generator/phantom_image.h"
#include "testdata/generator/phantom_landmarks.h"
#include "testdata/generator/phantom_truth.h"

namespace margo {
namespace {

using ShortImage = itk::Image<std::int16_t, 3>;

// What one grid shows: noiseless HU and two label maps.
struct Rendered {
  CtImage::Pointer hu;
  LabelImage::Pointer lesions, liver;
};

// Evaluates every voxel's pre-world point, slices shared between two threads.
Rendered Render(const CaseSpec& spec, const ImageGeometry& g, bool post) {
  Rendered r{AllocateOn<CtImage>(g), AllocateOn<LabelImage>(g), AllocateOn<LabelImage>(g)};
  const PhantomMap map = spec.Map();
  float* hu = r.hu->GetBufferPointer();
  std::uint16_t* lesions = r.lesions->GetBufferPointer();
  std::uint16_t* liver = r.liver->GetBufferPointer();
  auto slices = [&](std::size_t k_begin, std::size_t k_end) {
    for (std::size_t k = k_begin; k < k_end; ++k) {
      for (std::size_t j = 0; j < g.size[1]; ++j) {
        for (std::size_t i = 0; i < g.size[0]; ++i) {
          const Vec3 world = g.IndexToPoint({double(i), double(j), double(k)});
          const Vec3 p = post ? map.PostToPre(world) : world;
          const std::size_t at = i + g.size[0] * (j + g.size[1] * k);
          hu[at] = static_cast<float>(CaseHu(spec, p, post));
          std::uint16_t lesion = 0;
          for (const CaseTumour& t : spec.tumours) {
            if (post ? t.zone.Contains(p) : t.tumour.Contains(p)) lesion = post ? t.zone_label : t.label;
          }
          lesions[at] = lesion;
          liver[at] = InAbdomenLiver(p) ? 1 : 0;
        }
      }
    }
  };
  const std::size_t half = g.size[2] / 2;
  std::thread other(slices, half, g.size[2]);
  slices(0, half);
  other.join();
  return r;
}

// Scanner resolution (Gaussian blur) and noise, then whole HU in int16.
ShortImage::Pointer ToCt(const CaseSpec& spec, const ImageGeometry& g, const CtImage::Pointer& hu,
                         unsigned stream) {
  auto blur = itk::SmoothingRecursiveGaussianImageFilter<CtImage, CtImage>::New();
  blur->SetInput(hu);
  blur->SetSigma(spec.blur_mm);
  blur->SetNumberOfWorkUnits(2);
  blur->Update();
  ShortImage::Pointer ct = AllocateOn<ShortImage>(g);
  std::mt19937 rng(spec.seed * 1000003u + stream);
  std::normal_distribution<float> noise(0.0f, static_cast<float>(spec.noise_hu));
  const float* in = blur->GetOutput()->GetBufferPointer();
  std::int16_t* out = ct->GetBufferPointer();
  const std::size_t n = ct->GetLargestPossibleRegion().GetNumberOfPixels();
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = static_cast<std::int16_t>(std::lround(std::clamp(in[i] + noise(rng), -1024.0f, 3071.0f)));
  }
  return ct;
}

// The DICOM form of one scan: its CT series, then SEGs of its lesions and liver on it.
void WriteDicomScan(const CaseSpec& spec, const Rendered& r, const ShortImage& ct, const std::string& dir, bool post) {
  const std::string scan = post ? "post" : "pre";
  const std::string root = "margo phantom " + spec.preset + " seed " + std::to_string(spec.seed) + "/";
  DicomCtSpec ct_spec;
  ct_spec.patient_name = "MARGO^PHANTOM^" + spec.preset;
  ct_spec.study_uid = DerivedUid(root + "study");
  ct_spec.series_uid = DerivedUid(root + scan + " series");
  // Two sessions, two frames; scans already aligned share one (what --registration none assumes).
  const RigidTransform& map = spec.rigid;
  const bool aligned = spec.breathing.amplitude_mm == 0.0 && map.RotationDeg() == 0.0 &&
                       map.translation_mm == Vec3{0.0, 0.0, 0.0};
  ct_spec.frame_of_reference = DerivedUid(root + (aligned ? "shared" : scan) + " frame of reference");
  ct_spec.series_description = "margo phantom " + spec.preset + ", " + scan + "-ablation CT";
  ct_spec.series_number = post ? 2 : 1;
  const DicomSeriesRef ref = WriteDicomCtSeries(ct, dir + "/" + scan + "_ct", ct_spec);

  SegSpec lesions;
  lesions.ct = ref;
  lesions.grid = &ct;
  lesions.software_version = "margo phantom";
  lesions.series_number = post ? 12 : 11;
  for (const CaseTumour& t : spec.tumours) {
    const std::uint16_t label = post ? t.zone_label : t.label;
    lesions.segments.push_back({(post ? "Ablation zone " : "Tumour ") + std::to_string(label), "",
                                post ? SegmentKind::kAblationZone : SegmentKind::kTumour, r.lesions.GetPointer(),
                                {label}});
  }
  lesions.series_description = post ? "margo phantom ablation zones" : "margo phantom tumours";
  lesions.uid_seed = root + scan + " lesions";
  WriteDicomSeg(lesions, dir + (post ? "/ablation.dcm" : "/tumours.dcm"));
  SegSpec liver = lesions;
  liver.segments = {{"Liver", "", SegmentKind::kLiver, r.liver.GetPointer(), {1}}};
  liver.series_number = post ? 14 : 13;
  liver.series_description = "margo phantom liver";
  liver.uid_seed = root + scan + " liver";
  WriteDicomSeg(liver, dir + "/" + scan + "_liver.dcm");
}

// SEG segments are numbered 1..N: the DICOM form numbers tumours and zones so.
CaseSpec ForFormat(const CaseSpec& spec, CaseFormat format) {
  CaseSpec out = spec;
  if (format != CaseFormat::kDicom) return out;
  for (std::size_t i = 0; i < out.tumours.size(); ++i) {
    out.tumours[i].label = static_cast<std::uint16_t>(i + 1);
    out.tumours[i].zone_label = static_cast<std::uint16_t>(i + 1);
  }
  return out;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

void RemoveCaseTruth(const std::string& dir) {
  const std::string truth = dir + "/" + case_files::kTruth;
  std::error_code ec;
  std::filesystem::remove(truth, ec);
  if (ec) {
    throw Error(
        ErrorKind::kOutputFailed,
        "output " + truth + ": cannot remove the earlier case's truth before writing: " + ec.message());
  }
}

// A DICOM case holds no NIfTI images; an earlier NIfTI case's in the same
// folder would be read by `margo regress` against this case's truth.
void RemoveNiftiImages(const std::string& dir, Log& log) {
  for (const char* name : case_files::kNiftiImages) {
    const std::string path = dir + "/" + name;
    std::error_code ec;
    if (std::filesystem::remove(path, ec)) log.Info("removed the earlier case's " + path);
    if (ec)
      throw Error(ErrorKind::kOutputFailed,
                  "output " + path + ": cannot remove the earlier case's image: " + ec.message());
  }
}

void WriteCase(const CaseSpec& original, const std::string& dir, Log& log, CaseFormat format) {
  const CaseSpec spec = ForFormat(original, format);
  ValidateCase(spec);
  EnsureWritableDirectory(dir);
  RemoveCaseTruth(dir);
  RemoveTemporariesInTree(dir, true);  // of a run stopped outright (SIGKILL), in the series folders too
  if (format == CaseFormat::kDicom) RemoveNiftiImages(dir, log);
  const auto start = std::chrono::steady_clock::now();
  // The truth needs no image: computed alongside, written last (a folder with
  // truth.json is a complete case).
  auto truth = std::async(std::launch::async, [&spec] { return ComputeTruth(spec); });
  // The pre scan's files are compressed and written while the post scan renders.
  std::vector<std::future<void>> writes;
  for (bool post : {false, true}) {
    const ImageGeometry& g = post ? spec.post_grid : spec.pre_grid;
    const std::string scan = post ? "post" : "pre";
    log.Progress("phantom", "rendering the " + scan + " CT (" + Describe(g) + ")");
    const Rendered r = Render(spec, g, post);
    const ShortImage::Pointer ct = ToCt(spec, g, r.hu, post ? 2 : 1);
    writes.push_back(std::async(std::launch::async, [&spec, r, ct, dir, scan, post, format] {
      if (format == CaseFormat::kDicom) return WriteDicomScan(spec, r, *ct, dir, post);
      WriteImage(*ct, dir + "/" + scan + "_ct.nii.gz");
      WriteImage(*r.lesions, dir + (post ? "/ablation.nii.gz" : "/tumours.nii.gz"));
      WriteImage(*r.liver, dir + "/" + scan + "_liver.nii.gz");
    }));
  }
  for (auto& w : writes) w.get();
  log.EndProgress();
  log.Info("phantom images written in " + std::to_string(SecondsSince(start)) + " s");
  const std::size_t landmarks = WriteLandmarkPairs(spec.Map(), spec.post_grid, InAbdomenLiver, dir);
  log.Info(std::to_string(landmarks) + " landmark pairs in the liver written (landmarks_pre.csv, landmarks_post.csv)");
  log.Progress("phantom", "computing the truth");
  WriteFileAtomically(dir + "/truth.json", CaseTruthJson(spec, truth.get()));
  log.EndProgress();
  log.Info("phantom '" + spec.preset + "' written to " + dir + " in " + std::to_string(SecondsSince(start)) +
           " s");
}

}  // namespace margo
