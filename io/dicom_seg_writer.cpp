// DICOM SEG through DCMTK dcmseg: segments, shared and per-frame functional
// groups, dimensions (segment number, then position) and derivation references.
#include "io/dicom_seg_writer.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmfg/fgderimg.h>
#include <dcmtk/dcmfg/fgfracon.h>
#include <dcmtk/dcmfg/fgpixmsr.h>
#include <dcmtk/dcmfg/fgplanor.h>
#include <dcmtk/dcmfg/fgplanpo.h>
#include <dcmtk/dcmiod/iodreferences.h>
#include <dcmtk/dcmseg/segdoc.h>
#include <dcmtk/dcmseg/segment.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include "core/error.h"
#include "core/geometry.h"
#include "io/dcmtk_util.h"
#include "io/dicom_object.h"

namespace margo {
namespace {

using dcmtk::Decimal;

void Check(const OFCondition& cond, const std::string& path, const std::string& what) {
  dcmtk::Check(cond, path + ": cannot write the segmentation (" + what + ")");
}

DcmSegment* MakeSegment(const SegmentSpec& s, const std::string& path) {
  const bool liver = s.kind == SegmentKind::kLiver;
  const CodeSequenceMacro category =
      liver ? CodeSequenceMacro("91723000", "SCT", "Anatomical structure")
            : CodeSequenceMacro("49755003", "SCT", "Morphologically abnormal structure");
  const CodeSequenceMacro type = liver ? CodeSequenceMacro("10200004", "SCT", "Liver")
                                 : s.kind == SegmentKind::kTumour
                                     ? CodeSequenceMacro("108369006", "SCT", "Neoplasm")
                                     : CodeSequenceMacro("6574001", "SCT", "Necrosis");
  DcmSegment* segment = nullptr;
  Check(DcmSegment::create(segment, s.label.c_str(), category, type, DcmSegTypes::SAT_AUTOMATIC, "margo"),
        path, "segment " + s.label);
  if (!s.description.empty()) segment->setSegmentDescription(s.description.c_str());
  if (!liver) segment->getGeneralAnatomyCode().getAnatomicRegion().set("10200004", "SCT", "Liver");
  return segment;
}

void CheckGrid(const SegSpec& spec) {
  const ImageGeometry g = GeometryOf(*spec.grid);
  if (spec.ct.sop_instance_uids.size() != g.size[2]) {
    throw Error(ErrorKind::kInternal, "DICOM SEG: the CT reference lists " +
                                          std::to_string(spec.ct.sop_instance_uids.size()) +
                                          " slices; its grid has " + std::to_string(g.size[2]));
  }
  for (const SegmentSpec& s : spec.segments) {
    if (s.labels == nullptr || !SameGrid(GeometryOf(*s.labels), g)) {
      throw Error(ErrorKind::kInternal, "DICOM SEG: segment '" + s.label + "' is not on the CT's grid");
    }
  }
}

}  // namespace

WrittenSeg WriteDicomSeg(const SegSpec& spec, const std::string& path) {
  dcmtk::QuietLogger();
  CheckGrid(spec);
  const ImageGeometry g = GeometryOf(*spec.grid);
  const Uint16 rows = static_cast<Uint16>(g.size[1]), columns = static_cast<Uint16>(g.size[0]);
  const IODGeneralEquipmentModule::EquipmentInfo equipment("margo", "margo", "0",
                                                           spec.software_version.c_str());
  const ContentIdentificationMacro content("1", "MARGO_SEG", spec.series_description.c_str(), "margo^");
  DcmSegmentation* raw = nullptr;
  Check(DcmSegmentation::createBinarySegmentation(raw, rows, columns, equipment, content), path, "create");
  std::unique_ptr<DcmSegmentation> seg(raw);
  WrittenSeg out;
  DcmFileFormat source;
  Check(source.loadFile(spec.ct.files.front().c_str(), EXS_Unknown, EGL_noChange, 1024), path,
        "reading " + spec.ct.files.front());  // large values (the pixels) are not read
  out.repaired_source_values = dcmtk::MakeStringsWritable(*source.getDataset());
  Check(seg->importFromSourceImage(*source.getDataset(), OFTrue), path,
        "patient and study from " + spec.ct.files.front());

  out.series_uid = DerivedUid(spec.uid_seed + "/seg-series");
  out.sop_instance_uid = DerivedUid(spec.uid_seed + "/seg-instance");
  out.study_uid = spec.ct.study_uid;
  Check(seg->getSeries().setSeriesInstanceUID(out.series_uid.c_str()), path, "series UID");
  Check(seg->getSeries().setSeriesNumber(std::to_string(spec.series_number).c_str()), path, "series number");
  Check(seg->getSeries().setSeriesDescription(spec.series_description.c_str()), path, "series description");
  Check(seg->getSOPCommon().setSOPInstanceUID(out.sop_instance_uid.c_str()), path, "SOP instance UID");
  Check(seg->getFrameOfReference().setFrameOfReferenceUID(spec.ct.frame_of_reference.c_str()), path,
        "frame of reference");

  // Geometry shared by all frames: the CT's in-plane grid.
  FGPixelMeasures measures;
  Check(measures.setPixelSpacing((Decimal(g.spacing_mm[1]) + "\\" + Decimal(g.spacing_mm[0])).c_str()), path,
        "pixel spacing");
  Check(measures.setSliceThickness(Decimal(g.spacing_mm[2]).c_str()), path, "slice thickness");
  Check(measures.setSpacingBetweenSlices(Decimal(g.spacing_mm[2]).c_str()), path, "spacing between slices");
  Check(seg->addForAllFrames(measures), path, "pixel measures");
  std::unique_ptr<FGPlaneOrientationPatient> orientation(FGPlaneOrientationPatient::createMinimal(
      Decimal(g.direction[0][0]).c_str(), Decimal(g.direction[1][0]).c_str(),
      Decimal(g.direction[2][0]).c_str(), Decimal(g.direction[0][1]).c_str(),
      Decimal(g.direction[1][1]).c_str(), Decimal(g.direction[2][1]).c_str()));
  Check(seg->addForAllFrames(*orientation), path, "plane orientation");

  IODMultiframeDimensionModule& dims = seg->getDimensions();
  const std::string dimension_uid = DerivedUid(spec.uid_seed + "/dimensions");
  Check(dims.addDimensionIndex(DCM_ReferencedSegmentNumber, dimension_uid.c_str(),
                               DCM_SegmentIdentificationSequence, "ReferencedSegmentNumber"),
        path, "dimension segment number");
  Check(dims.addDimensionIndex(DCM_ImagePositionPatient, dimension_uid.c_str(), DCM_PlanePositionSequence,
                               "ImagePositionPatient"),
        path, "dimension position");

  const std::size_t per_slice = std::size_t(rows) * columns;
  std::vector<Uint8> frame(per_slice);
  IODReferences references;
  std::vector<bool> referenced(g.size[2], false);
  for (const SegmentSpec& s : spec.segments) {
    Uint16 number = 0;
    Check(seg->addSegment(MakeSegment(s, path), number), path, "segment " + s.label);
    out.segment_numbers.push_back(number);
    const LabelImage::PixelType* voxels = s.labels->GetBufferPointer();
    std::size_t written_for_segment = 0;
    for (std::size_t k = 0; k < g.size[2]; ++k) {
      bool any = false;
      for (std::size_t p = 0; p < per_slice; ++p) {
        const auto v = voxels[k * per_slice + p];
        frame[p] = v != 0 && std::find(s.values.begin(), s.values.end(), v) != s.values.end() ? 1 : 0;
        any |= frame[p] != 0;
      }
      const bool last_chance = k + 1 == g.size[2] && written_for_segment == 0;
      if (!any && !last_chance) continue;
      const Vec3 position = g.IndexToPoint({0.0, 0.0, double(k)});
      std::unique_ptr<FGPlanePosPatient> plane(FGPlanePosPatient::createMinimal(
          Decimal(position[0]).c_str(), Decimal(position[1]).c_str(), Decimal(position[2]).c_str()));
      FGFrameContent frame_content;
      Check(frame_content.setDimensionIndexValues(number, 0), path, "frame content");
      Check(frame_content.setDimensionIndexValues(static_cast<Uint32>(k + 1), 1), path, "frame content");
      ImageSOPInstanceReferenceMacro source;
      Check(source.setReferencedSOPClassUID(spec.ct.sop_class_uid.c_str()), path, "source class");
      Check(source.setReferencedSOPInstanceUID(spec.ct.sop_instance_uids[k].c_str()), path,
            "source instance");
      std::unique_ptr<FGDerivationImage> derivation(DcmSegmentation::createDerivationImageFG(
          {source}, "Segmentation by margo, on the CT slice it references"));
      if (!derivation) Check(EC_IllegalCall, path, "derivation image");
      Check(seg->addFrame(frame.data(), number, {plane.get(), &frame_content, derivation.get()}), path,
            "frame " + std::to_string(out.frames + 1));
      if (!referenced[k]) {
        references.add(new IODImageReference("", spec.ct.study_uid.c_str(), spec.ct.series_uid.c_str(),
                                             spec.ct.sop_instance_uids[k].c_str(),
                                             spec.ct.sop_class_uid.c_str()));
        referenced[k] = true;
      }
      ++out.frames;
      ++written_for_segment;
    }
  }
  seg->getCommonInstanceReference().addReferences(references, spec.ct.study_uid.c_str());

  DcmFileFormat file;
  Check(seg->writeDataset(*file.getDataset()), path, "data set");
  // A segmentation drawn on lossy-compressed slices is derived from lossy
  // data, which the standard says it must declare (found by a review).
  if (spec.ct.lossy) {
    Check(file.getDataset()->putAndInsertString(DCM_LossyImageCompression, "01"), path, "lossy compression");
  }
  dcmtk::SaveAtomically(file, path);
  return out;
}

}  // namespace margo
