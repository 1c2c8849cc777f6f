#include "io/dicom_labels.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <itkImageRegionConstIteratorWithIndex.h>
#include <itkImageRegionIterator.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <utility>

#include "core/error.h"
#include "io/dcmtk_util.h"
#include "io/decimal_string.h"
#include "io/dicom_seg_reader.h"
#include "io/rtstruct_reader.h"

namespace margo {
namespace {

struct NamedMask {
  std::uint16_t label;
  std::string name;  // "segment 2 'Liver'"
  MaskImage::Pointer mask;
};

bool HasVoxel(const MaskImage& mask) {
  const MaskImage::PixelType* begin = mask.GetBufferPointer();
  const MaskImage::PixelType* end = begin + mask.GetLargestPossibleRegion().GetNumberOfPixels();
  return std::any_of(begin, end, [](MaskImage::PixelType v) { return v != 0; });
}

// One label map from masks on one grid; two masks sharing a voxel, or one
// with no voxel, is an error.
LabelImage::Pointer Combine(const std::vector<NamedMask>& masks, const std::string& what,
                            const std::string& role, const std::string& path) {
  if (masks.empty()) {
    throw Error(ErrorKind::kSegmentationInvalid,
                role + " " + path + ": " + what + "; expected at least one structure to measure");
  }
  auto labels = LabelImage::New();
  labels->CopyInformation(masks.front().mask);
  labels->SetRegions(masks.front().mask->GetLargestPossibleRegion());
  labels->Allocate();
  labels->FillBuffer(0);
  for (const NamedMask& m : masks) {
    itk::ImageRegionConstIteratorWithIndex<MaskImage> in(m.mask, m.mask->GetLargestPossibleRegion());
    itk::ImageRegionIterator<LabelImage> out(labels, labels->GetLargestPossibleRegion());
    std::size_t voxels = 0;
    for (; !in.IsAtEnd(); ++in, ++out) {
      if (in.Get() == 0) continue;
      ++voxels;
      if (out.Get() != 0) {
        const auto other = std::find_if(masks.begin(), masks.end(),
                                        [&](const NamedMask& n) { return n.label == out.Get(); });
        const auto i = in.GetIndex();
        throw Error(ErrorKind::kSegmentationInvalid,
                    role + " " + path + ": " + other->name + " and " + m.name + " overlap (voxel " +
                        std::to_string(i[0]) + ", " + std::to_string(i[1]) + ", " + std::to_string(i[2]) +
                        "); expected one structure per voxel (choose structures with --tumour-labels or "
                        "--ablation-labels)");
      }
      out.Set(m.label);
    }
    // An empty structure would vanish from the report without a word.
    if (voxels == 0) {
      throw Error(ErrorKind::kSegmentationInvalid,
                  role + " " + path + ": " + m.name +
                      " has no voxel; expected at least one (leave it out with --tumour-labels or "
                      "--ablation-labels)");
    }
  }
  return labels;
}

// The object's references against the CT's; returns how they were checked.
// `frame_tag` names where the object keeps its Frame of Reference UID. It is
// Type 1 in a SEG (Frame of Reference module, required with Plane Position)
// and in an RTSTRUCT (in Referenced Frame of Reference Sequence): without
// it nothing says which scan the object was drawn on, so against a DICOM CT
// it is refused rather than reported as matching. Referenced series are
// compared when listed, and said to be unchecked when not.
std::string CheckReferences(const std::string& frame_of_reference, const std::string& frame_tag,
                            const std::vector<std::string>& series, const std::string& role,
                            const std::string& path, const LabelReference& ref) {
  if (ref.ct == nullptr) return "not checked (no CT given)";
  const DicomSeriesRef& ct = ref.ct->dicom;
  if (ct.Empty()) return "not checked: the " + ref.ct_role + " is not a DICOM series";
  if (frame_of_reference.empty()) {
    throw Error(ErrorKind::kGeometryInvalid,
                role + " " + path + ": has no " + frame_tag + "; expected '" + ct.frame_of_reference +
                    "' as in the " + ref.ct_role + " " + ref.ct->path +
                    " (Type 1: without it nothing ties the object to the scan it was drawn on)");
  }
  if (frame_of_reference != ct.frame_of_reference) {
    throw Error(ErrorKind::kGeometryInvalid,
                role + " " + path + ": " + frame_tag + " is '" + frame_of_reference + "'; expected '" +
                    ct.frame_of_reference + "' as in the " + ref.ct_role + " " + ref.ct->path);
  }
  if (!series.empty() && std::find(series.begin(), series.end(), ct.series_uid) == series.end()) {
    std::string found;
    for (const std::string& s : series) found += (found.empty() ? "" : ", ") + s;
    throw Error(ErrorKind::kSegmentationInvalid, role + " " + path + ": references series " + found +
                                                     "; expected the " + ref.ct_role + " series " +
                                                     ct.series_uid + " (" + ref.ct->path + ")");
  }
  return series.empty() ? "frame of reference matches the " + ref.ct_role +
                              "; referenced series not checked (the object lists none)"
                        : "frame of reference and referenced series match the " + ref.ct_role;
}

// DCMTK reads the number at the front of a decimal string: Pixel Spacing
// "1,8\\1,8" as 1 mm, a position "-121,5\\..." as -121. The SEG's geometry
// attributes, in every functional group, must be decimal numbers whole.
void CheckSegDecimals(const std::string& path, const std::string& role) {
  static const std::pair<DcmTagKey, const char*> kTags[] = {
      {DCM_ImagePositionPatient, "Image Position (Patient) (0020,0032)"},
      {DCM_ImageOrientationPatient, "Image Orientation (Patient) (0020,0037)"},
      {DCM_PixelSpacing, "Pixel Spacing (0028,0030)"},
      {DCM_SpacingBetweenSlices, "Spacing Between Slices (0018,0088)"},
      {DCM_SliceThickness, "Slice Thickness (0018,0050)"}};
  DcmFileFormat file;
  if (file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, 4096).bad()) return;  // ReadDicomSeg says why
  for (const auto& [tag, name] : kTags) {
    if (const std::optional<MalformedDecimal> bad = FindMalformedDecimal(*file.getDataset(), tag)) {
      throw Error(ErrorKind::kGeometryInvalid,
                  role + " " + path + ": " + name + " is '" + bad->text +
                      "'; expected decimal numbers (DS) separated by backslashes");
    }
  }
}

// The slice planes of `grid` (a CT's), or none.
std::optional<CtSlicePlanes> SlicePlanesOf(const itk::ImageBase<3>* grid) {
  if (grid == nullptr) return std::nullopt;
  const ImageGeometry g = GeometryOf(*grid);
  return CtSlicePlanes{{g.direction[0][2], g.direction[1][2], g.direction[2][2]}, g.spacing_mm[2]};
}

LoadedLabels FromSeg(const std::string& path, const std::string& role, const LabelReference& ref) {
  CheckSegDecimals(path, role);
  // The slices of the CT, not of another label map (`margo margin` places zones on the tumours' grid).
  DicomSegmentation seg = ReadDicomSeg(path, role, ref.only, ref.ct ? SlicePlanesOf(ref.grid) : std::nullopt);
  LoadedLabels out;
  out.report.references = CheckReferences(seg.frame_of_reference, "Frame of Reference UID (0020,0052)",
                                          seg.referenced_series_uids, role, path, ref);
  std::vector<NamedMask> masks;
  for (const DicomSegment& s : seg.segments) {
    masks.push_back({s.number, "segment " + std::to_string(s.number) + " '" + s.label + "'", s.mask});
  }
  out.image = Combine(masks, "holds no segment", role, path);
  out.report.format = seg.fractional ? "DICOM SEG (fractional)" : "DICOM SEG (binary)";
  out.report.series_uid = seg.series_uid;
  out.report.frame_of_reference = seg.frame_of_reference;
  return out;
}

// "; ROI Number (3006,0022) is not one integer for 'couch' ('2a')", or "".
std::string UnnumberedText(const std::vector<std::string>& unnumbered) {
  if (unnumbered.empty()) return "";
  std::string text = "; ROI Number (3006,0022) is not one integer for ";
  for (std::size_t i = 0; i < unnumbered.size(); ++i) text += (i ? ", " : "") + unnumbered[i];
  return text;
}

LoadedLabels FromRtStruct(const std::string& path, const std::string& role, const LabelReference& ref) {
  if (ref.grid == nullptr) {
    throw Error(ErrorKind::kUsage,
                role + " " + path +
                    ": an RTSTRUCT holds contours, which need the grid of the CT they were "
                    "drawn on; use it with `margo assess`, or give a label map");
  }
  const RtStructureSet rt = ReadRtStruct(path, role, ref.only);
  LoadedLabels out;
  out.report.references = CheckReferences(
      rt.frame_of_reference,
      "Frame of Reference UID (0020,0052) (in Referenced Frame of Reference Sequence (3006,0010))",
      rt.referenced_series_uids, role, path, ref);
  std::vector<NamedMask> masks;
  for (const RtRoi& roi : rt.rois) {
    const bool wanted =
        ref.only.empty() || std::find(ref.only.begin(), ref.only.end(), roi.number) != ref.only.end();
    if (!wanted) continue;
    if (roi.number < 1 || roi.number > 65535) {
      throw Error(ErrorKind::kSegmentationInvalid, role + " " + path + ": ROI Number (3006,0022) " +
                                                       std::to_string(roi.number) + " of '" + roi.name +
                                                       "'; expected 1..65535 (it becomes the label value)");
    }
    const std::string name = "ROI " + std::to_string(roi.number) + " '" + roi.name + "'";
    if (roi.contours.empty()) {
      throw Error(ErrorKind::kSegmentationInvalid,
                  role + " " + path + ": " + name +
                      " has no contour; expected CLOSED_PLANAR contours around the structure (leave it out "
                      "with --tumour-labels or --ablation-labels)");
    }
    MaskImage::Pointer mask = RasteriseRoi(roi, *ref.grid, role, path);
    if (!HasVoxel(*mask)) {
      throw Error(ErrorKind::kSegmentationInvalid,
                  role + " " + path + ": " + name + ": its " + std::to_string(roi.contours.size()) +
                      " contours enclose no voxel centre of the " + ref.ct_role +
                      " grid; expected at least one voxel (leave it out with --tumour-labels or "
                      "--ablation-labels)");
    }
    masks.push_back({static_cast<std::uint16_t>(roi.number), name, mask});
  }
  for (std::uint16_t wanted : ref.only) {
    if (std::none_of(rt.rois.begin(), rt.rois.end(),
                     [wanted](const RtRoi& r) { return r.number == wanted; })) {
      std::string numbers;
      for (const RtRoi& r : rt.rois) numbers += (numbers.empty() ? "" : ", ") + std::to_string(r.number);
      throw Error(ErrorKind::kSegmentationInvalid, role + " " + path + ": has no ROI " +
                                                       std::to_string(wanted) + "; its ROI numbers are " +
                                                       numbers + UnnumberedText(rt.unnumbered));
    }
  }
  out.image = Combine(masks, "holds no ROI", role, path);
  out.report.format = "DICOM RTSTRUCT";
  out.report.series_uid = rt.series_uid;
  out.report.frame_of_reference = rt.frame_of_reference;
  return out;
}

// The caller only knows the kind; DCMTK says again what stops it.
[[noreturn]] void RejectCorrupt(const std::string& path, const std::string& role) {
  dcmtk::QuietLogger();
  DcmFileFormat file;
  const OFCondition cond = file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, 1024);
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(path, ec);
  throw Error(ErrorKind::kInputUnreadable, role + " " + path + ": truncated or corrupt DICOM file (" +
                                               std::to_string(bytes) + " bytes, " + cond.text() +
                                               "); expected a complete DICOM SEG or RTSTRUCT file");
}

}  // namespace

LoadedLabels LoadDicomLabels(const std::string& path, const std::string& role, DicomObjectKind kind,
                             const LabelReference& reference) {
  if (kind == DicomObjectKind::kCorrupt) RejectCorrupt(path, role);
  LoadedLabels out;
  if (kind == DicomObjectKind::kSegmentation) {
    out = FromSeg(path, role, reference);
  } else if (kind == DicomObjectKind::kRtStructureSet) {
    out = FromRtStruct(path, role, reference);
  } else {
    throw Error(ErrorKind::kInputUnreadable,
                role + " " + path +
                    ": is a DICOM file but neither a Segmentation (SEG) nor an RT Structure Set "
                    "(RTSTRUCT); expected one of those or a label-map file");
  }
  out.report.path = path;
  out.report.geometry = GeometryOf(*out.image);
  return out;
}

}  // namespace margo
