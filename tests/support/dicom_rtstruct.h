// Small RT Structure Sets for unit tests, written with DCMTK's dcmdata so
// that every attribute can be broken on purpose: two ROIs with one number,
// open contours, an ROI without contours, text in Contour Data, no Frame of
// Reference.
#pragma once

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "core/geometry.h"

namespace margo::testing {

struct SyntheticContour {
  std::vector<Vec3> points_mm;
  std::string type = "CLOSED_PLANAR";  // Contour Geometric Type (3006,0042)
  std::string data_text;               // when not empty: Contour Data written as given
};

struct SyntheticRoi {
  std::string number;  // ROI Number (3006,0022), as written ("1")
  std::string name;
  std::vector<SyntheticContour> contours;  // none: the ROI has no ROI Contour Sequence item
};

struct SyntheticRtStruct {
  std::string frame_of_reference = "1.2.826.0.1.3680043.10.1234.9.1";  // empty: not written
  std::string referenced_series;                                       // empty: not written
  std::vector<SyntheticRoi> rois;
};

// A square contour of side `side_mm` in the plane z = `z_mm`, its lower
// corner at (x_mm, y_mm).
inline SyntheticContour SquareContour(double x_mm, double y_mm, double z_mm, double side_mm) {
  SyntheticContour c;
  c.points_mm = {{x_mm, y_mm, z_mm},
                 {x_mm + side_mm, y_mm, z_mm},
                 {x_mm + side_mm, y_mm + side_mm, z_mm},
                 {x_mm, y_mm + side_mm, z_mm}};
  return c;
}

inline std::string ContourDataText(const std::vector<Vec3>& points) {
  std::string text;
  for (const Vec3& p : points) {
    for (double v : p) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.6g", v);
      text += (text.empty() ? "" : "\\") + std::string(buf);
    }
  }
  return text;
}

inline void WriteRtStruct(const std::string& path, const SyntheticRtStruct& rt) {
  DcmFileFormat file;
  DcmDataset& ds = *file.getDataset();
  char uid[100];
  ds.putAndInsertString(DCM_SOPClassUID, UID_RTStructureSetStorage);
  ds.putAndInsertString(DCM_SOPInstanceUID, dcmGenerateUniqueIdentifier(uid, SITE_INSTANCE_UID_ROOT));
  ds.putAndInsertString(DCM_StudyInstanceUID, "1.2.826.0.1.3680043.10.1234.2.1");
  ds.putAndInsertString(DCM_SeriesInstanceUID, dcmGenerateUniqueIdentifier(uid, SITE_SERIES_UID_ROOT));
  ds.putAndInsertString(DCM_Modality, "RTSTRUCT");
  ds.putAndInsertString(DCM_PatientID, "MARGO-TEST");
  ds.putAndInsertString(DCM_StructureSetLabel, "test");
  if (!rt.frame_of_reference.empty()) {
    DcmItem* frame = nullptr;
    ds.findOrCreateSequenceItem(DCM_ReferencedFrameOfReferenceSequence, frame, -2);
    frame->putAndInsertString(DCM_FrameOfReferenceUID, rt.frame_of_reference.c_str());
    if (!rt.referenced_series.empty()) {
      DcmItem *study = nullptr, *series = nullptr;
      frame->findOrCreateSequenceItem(DCM_RTReferencedStudySequence, study, -2);
      study->putAndInsertString(DCM_ReferencedSOPClassUID, UID_RETIRED_DetachedStudyManagementSOPClass);
      study->putAndInsertString(DCM_ReferencedSOPInstanceUID, "1.2.826.0.1.3680043.10.1234.2.1");
      study->findOrCreateSequenceItem(DCM_RTReferencedSeriesSequence, series, -2);
      series->putAndInsertString(DCM_SeriesInstanceUID, rt.referenced_series.c_str());
    }
  }
  for (const SyntheticRoi& roi : rt.rois) {
    DcmItem* item = nullptr;
    ds.findOrCreateSequenceItem(DCM_StructureSetROISequence, item, -2);
    item->putAndInsertString(DCM_ROINumber, roi.number.c_str());
    item->putAndInsertString(DCM_ROIName, roi.name.c_str());
    if (!rt.frame_of_reference.empty()) {
      item->putAndInsertString(DCM_ReferencedFrameOfReferenceUID, rt.frame_of_reference.c_str());
    }
    item->putAndInsertString(DCM_ROIGenerationAlgorithm, "MANUAL");
    if (roi.contours.empty()) continue;
    DcmItem* contours = nullptr;
    ds.findOrCreateSequenceItem(DCM_ROIContourSequence, contours, -2);
    contours->putAndInsertString(DCM_ReferencedROINumber, roi.number.c_str());
    for (const SyntheticContour& c : roi.contours) {
      DcmItem* contour = nullptr;
      contours->findOrCreateSequenceItem(DCM_ContourSequence, contour, -2);
      contour->putAndInsertString(DCM_ContourGeometricType, c.type.c_str());
      contour->putAndInsertString(DCM_NumberOfContourPoints, std::to_string(c.points_mm.size()).c_str());
      const std::string data = c.data_text.empty() ? ContourDataText(c.points_mm) : c.data_text;
      contour->putAndInsertString(DCM_ContourData, data.c_str());
    }
  }
  ASSERT_TRUE(file.saveFile(path.c_str(), EXS_LittleEndianExplicit).good()) << path;
}

}  // namespace margo::testing
