// DICOM SEG -> one mask per segment (DCMTK dcmseg for segments, frames and
// functional groups; dcmdata for the few attributes dcmseg does not expose).
#include "io/dicom_seg_reader.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmfg/fgpixmsr.h>
#include <dcmtk/dcmfg/fgplanor.h>
#include <dcmtk/dcmfg/fgplanpo.h>
#include <dcmtk/dcmfg/fgseg.h>
#include <dcmtk/dcmseg/segdoc.h>
#include <dcmtk/dcmseg/segment.h>
#include <dcmtk/dcmseg/segutils.h>

#include <algorithm>
#include <memory>

#include "core/allocate_on.h"
#include "core/error.h"
#include "io/dcmtk_util.h"
#include "io/frame_grid.h"

namespace margo {
namespace {

struct SegFrame {
  std::uint16_t segment = 0;
  PlanarFrame plane;
};

[[noreturn]] void Reject(ErrorKind kind, const std::string& role, const std::string& path,
                         const std::string& what) {
  throw Error(kind, role + " " + path + ": " + what);
}

template <typename Group>
Group* FrameGroup(FGInterface& groups, std::size_t frame, DcmFGTypes::E_FGType type) {
  return dynamic_cast<Group*>(groups.get(static_cast<Uint32>(frame), type));
}

std::vector<SegFrame> ReadFrames(DcmSegmentation& seg, const std::string& role, const std::string& path) {
  FGInterface& groups = seg.getFunctionalGroups();
  std::vector<SegFrame> frames(seg.getNumberOfFrames());
  for (std::size_t f = 0; f < frames.size(); ++f) {
    const std::string frame = "frame " + std::to_string(f + 1);
    auto* segment = FrameGroup<FGSegmentation>(groups, f, DcmFGTypes::EFG_SEGMENTATION);
    auto* position = FrameGroup<FGPlanePosPatient>(groups, f, DcmFGTypes::EFG_PLANEPOSPATIENT);
    auto* orientation = FrameGroup<FGPlaneOrientationPatient>(groups, f, DcmFGTypes::EFG_PLANEORIENTPATIENT);
    auto* measures = FrameGroup<FGPixelMeasures>(groups, f, DcmFGTypes::EFG_PIXELMEASURES);
    if (segment == nullptr || segment->getReferencedSegmentNumber(frames[f].segment).bad()) {
      Reject(ErrorKind::kSegmentationInvalid, role, path,
             frame + " has no Referenced Segment Number (0062,000B); expected one per frame");
    }
    PlanarFrame& p = frames[f].plane;
    if (position == nullptr ||
        position->getImagePositionPatient(p.position_mm[0], p.position_mm[1], p.position_mm[2]).bad()) {
      Reject(ErrorKind::kGeometryInvalid, role, path,
             frame + " has no Plane Position (Patient) (0020,0032); expected one per frame");
    }
    Float64 o[6] = {};
    if (orientation == nullptr ||
        orientation->getImageOrientationPatient(o[0], o[1], o[2], o[3], o[4], o[5]).bad()) {
      Reject(ErrorKind::kGeometryInvalid, role, path,
             frame + " has no Plane Orientation (Patient) (0020,0037); expected shared or per frame");
    }
    std::copy(o, o + 6, p.orientation.begin());
    if (measures == nullptr || measures->getPixelSpacing(p.pixel_spacing_mm[0], 0).bad() ||
        measures->getPixelSpacing(p.pixel_spacing_mm[1], 1).bad()) {
      Reject(ErrorKind::kGeometryInvalid, role, path,
             frame + " has no Pixel Spacing (0028,0030) in Pixel Measures; expected shared or per frame");
    }
    Float64 v = 0.0;
    if (measures->getSpacingBetweenSlices(v).good()) p.spacing_between_slices_mm = v;
    if (measures->getSliceThickness(v).good()) p.slice_thickness_mm = v;
  }
  return frames;
}

MaskImage::Pointer EmptyMask(const ImageGeometry& g) {
  auto mask = AllocateOn<MaskImage>(g);
  mask->FillBuffer(0);
  return mask;
}

std::string CodeMeaning(CodeSequenceMacro& code) {
  OFString meaning;
  code.getCodeMeaning(meaning);
  return meaning.c_str();
}

std::vector<std::string> ReferencedSeries(DcmDataset& ds) {
  std::vector<std::string> uids;
  DcmItem* item = nullptr;
  for (long i = 0; ds.findAndGetSequenceItem(DCM_ReferencedSeriesSequence, item, i).good(); ++i) {
    const std::string uid = dcmtk::Text(*item, DCM_SeriesInstanceUID);
    if (!uid.empty()) uids.push_back(uid);
  }
  return uids;
}

}  // namespace

DicomSegmentation ReadDicomSeg(const std::string& path, const std::string& role,
                               const std::vector<std::uint16_t>& only,
                               const std::optional<CtSlicePlanes>& ct) {
  std::unique_ptr<DcmFileFormat> file = dcmtk::LoadFile(path, role);
  DcmDataset& ds = *file->getDataset();
  const std::string sop_class = dcmtk::Text(ds, DCM_SOPClassUID);
  if (sop_class != UID_SegmentationStorage) {
    Reject(ErrorKind::kInputUnreadable, role, path,
           "SOP Class UID (0008,0016) is '" + sop_class + "'; expected Segmentation Storage (" +
               UID_SegmentationStorage + ")");
  }
  DicomSegmentation out;
  out.sop_instance_uid = dcmtk::Text(ds, DCM_SOPInstanceUID);
  out.series_uid = dcmtk::Text(ds, DCM_SeriesInstanceUID);
  out.study_uid = dcmtk::Text(ds, DCM_StudyInstanceUID);
  out.frame_of_reference = dcmtk::Text(ds, DCM_FrameOfReferenceUID);
  out.referenced_series_uids = ReferencedSeries(ds);
  out.fractional = dcmtk::Text(ds, DCM_SegmentationType) == "FRACTIONAL";
  Uint16 max_fraction = 255, rows = 0, columns = 0;
  ds.findAndGetUint16(DCM_MaximumFractionalValue, max_fraction);
  ds.findAndGetUint16(DCM_Rows, rows);
  ds.findAndGetUint16(DCM_Columns, columns);

  DcmSegmentation* raw = nullptr;
  const OFCondition cond = DcmSegmentation::loadDataset(ds, raw);
  std::unique_ptr<DcmSegmentation> seg(raw);
  if (cond.bad() || !seg) {
    Reject(ErrorKind::kInputUnreadable, role, path,
           std::string("cannot read the segmentation: ") + cond.text());
  }
  const std::vector<SegFrame> frames = ReadFrames(*seg, role, path);
  std::vector<PlanarFrame> planes;
  for (const SegFrame& f : frames) planes.push_back(f.plane);
  const FrameGrid grid = GridOfFrames(planes, rows, columns, role, path, ct);
  out.grid = grid.geometry;

  for (std::size_t n = 1; n <= seg->getNumberOfSegments(); ++n) {
    DcmSegment* segment = seg->getSegment(n);
    if (segment == nullptr) continue;
    const std::uint16_t number = static_cast<std::uint16_t>(n);
    if (!only.empty() && std::find(only.begin(), only.end(), number) == only.end()) continue;
    DicomSegment s;
    s.number = number;
    OFString label;
    segment->getSegmentLabel(label);
    s.label = label.c_str();
    s.type_meaning = CodeMeaning(segment->getSegmentedPropertyTypeCode());
    s.mask = EmptyMask(out.grid);
    out.segments.push_back(std::move(s));
  }
  for (std::uint16_t wanted : only) {
    const bool found = std::any_of(out.segments.begin(), out.segments.end(),
                                   [wanted](const DicomSegment& s) { return s.number == wanted; });
    if (!found) {
      Reject(ErrorKind::kSegmentationInvalid, role, path,
             "has no segment " + std::to_string(wanted) + "; it holds segments 1.." +
                 std::to_string(seg->getNumberOfSegments()));
    }
  }

  const std::size_t pixels = std::size_t(rows) * columns;
  for (std::size_t f = 0; f < frames.size(); ++f) {
    auto target = std::find_if(out.segments.begin(), out.segments.end(),
                               [&](const DicomSegment& s) { return s.number == frames[f].segment; });
    if (target == out.segments.end()) continue;  // not selected (or no such segment)
    const DcmIODTypes::Frame* frame = seg->getFrame(f);
    std::unique_ptr<DcmIODTypes::Frame> unpacked;
    if (frame != nullptr && !out.fractional) {
      unpacked.reset(DcmSegUtils::unpackBinaryFrame(frame, rows, columns));
      frame = unpacked.get();
    }
    if (frame == nullptr || frame->length < pixels) {
      Reject(ErrorKind::kInputUnreadable, role, path,
             "frame " + std::to_string(f + 1) + " has no or too little pixel data; expected " +
                 std::to_string(pixels) + " pixels");
    }
    MaskImage& mask = *target->mask;
    const itk::IndexValueType k = static_cast<itk::IndexValueType>(grid.slice_of_frame[f]);
    for (unsigned r = 0; r < rows; ++r) {
      for (unsigned c = 0; c < columns; ++c) {
        const Uint8 v = frame->pixData[std::size_t(r) * columns + c];
        const bool in = out.fractional ? v > 0 && 2u * v >= max_fraction : v != 0;
        if (in) mask.SetPixel({{itk::IndexValueType(c), itk::IndexValueType(r), k}}, 1);
      }
    }
  }
  return out;
}

}  // namespace margo
