// TID 1500 through DCMTK's dcmsr/cmr template classes. margo's own concepts
// (minimal margin, margin percentile, coverage, category, verdict) are coded
// in the private scheme 99MARGO (docs/REPORT.md lists them).
#include "apps/dicom_sr_writer.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmsr/cmr/tid1500.h>
#include <dcmtk/dcmsr/dsrdoc.h>
#include <dcmtk/oflog/oflog.h>

#include <cstdio>
#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "io/dicom_object.h"

namespace margo {
namespace {

using Measurements = TID1500_MeasurementReport::TID1411_Measurements;

constexpr char kScheme[] = "99MARGO";

void Check(const OFCondition& cond, const std::string& path, const std::string& what) {
  if (cond.bad())
    throw Error(ErrorKind::kOutputFailed,
                path + ": cannot write the structured report (" + what + "): " + cond.text());
}

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

DSRCodedEntryValue Margo(const char* value, const char* meaning) {
  return DSRCodedEntryValue(value, kScheme, meaning);
}

void AddNumber(Measurements& m, const char* code, const char* meaning, double value, const char* unit,
               const char* unit_meaning, const std::string& path) {
  const Measurements::MeasurementValue v(Number(value).c_str(),
                                         CID7181_AbstractMultiDimensionalImageModelComponentUnits(
                                             DSRCodedEntryValue(unit, "UCUM", unit_meaning)));
  Check(m.addMeasurement(CID7469_GenericIntensityAndSizeMeasurements(Margo(code, meaning)), v), path,
        meaning);
}

DSRCodedEntryValue CategoryCode(const std::string& category) {
  if (category == "A0") return Margo("A0", "Ablative margin above 10 mm");
  if (category == "A1") return Margo("A1", "Ablative margin 5 to 10 mm");
  if (category == "A2") return Margo("A2", "Ablative margin 0 to 5 mm");
  return Margo("INCOMPLETE", "Tumour not completely ablated");
}

void AddTumour(TID1500_MeasurementReport& report, const SrSpec& spec, DcmItem& seg, const SrTumour& t,
               const std::string& path) {
  Check(report.addVolumetricROIMeasurements(), path, "measurement group");
  Measurements& m = report.getVolumetricROIMeasurements();
  const std::string name = "Tumour " + std::to_string(t.label);
  Check(m.setTrackingIdentifier(name.c_str()), path, "tracking identifier");
  Check(m.setTrackingUniqueIdentifier(
            DerivedUid(spec.uid_seed + "/tracking/" + std::to_string(t.label)).c_str()),
        path, "tracking UID");
  Check(m.setFinding(DSRCodedEntryValue("108369006", "SCT", "Neoplasm")), path, "finding");
  Check(m.setReferencedSegment(seg, t.segment_number, OFFalse), path, "referenced segment");
  Check(m.setSourceSeriesForSegmentation(spec.ct.series_uid.c_str()), path, "source series");
  Check(m.addFindingSite(DSRCodedEntryValue("10200004", "SCT", "Liver")), path, "finding site");
  if (t.assessable) {
    AddNumber(m, "MAM", "Minimal ablative margin", t.min_margin_mm, "mm", "millimeter", path);
    AddNumber(m, "MARGINP5", "Ablative margin 5th percentile", t.p5_mm, "mm", "millimeter", path);
    if (t.coverage_5mm_percent) {
      AddNumber(m, "COV5", "Tumour surface with margin at least 5 mm", *t.coverage_5mm_percent, "%",
                "percent", path);
    }
    if (t.coverage_10mm_percent) {
      AddNumber(m, "COV10", "Tumour surface with margin at least 10 mm", *t.coverage_10mm_percent, "%",
                "percent", path);
    }
    Check(m.addQualitativeEvaluation(Margo("CATEGORY", "Ablative margin category"), CategoryCode(t.category)),
          path, "category");
    if (!t.category_reason.empty()) {
      Check(m.addQualitativeEvaluation(Margo("CATEGORYREASON", "Reason for the category"),
                                       t.category_reason.c_str()),
            path, "category reason");
    }
  } else {
    Check(
        m.addQualitativeEvaluation(Margo("NOTASSESSABLE", "Not assessable"), t.not_assessable_reason.c_str()),
        path, "not assessable");
  }
  if (!spec.registration_verdict.empty()) {
    Check(m.addQualitativeEvaluation(Margo("REGVERDICT", "Registration verdict"),
                                     spec.registration_verdict.c_str()),
          path, "registration verdict");
  }
}

// Patient and study attributes, copied from the SEG (which took them from
// the CT, made writable) so the report files beside it; with the CT's
// character set, in which the patient's name is written (the SR declared
// Latin-1 over a UTF-8 name: "Müller" read "MÃ¼ller"; found by a review).
// What the SEG lacks of the optional ones is left out, not written empty.
void CopyPatientAndStudy(DcmItem& from, DcmItem& to) {
  for (const DcmTagKey& tag :
       {DCM_PatientName, DCM_PatientID, DCM_PatientBirthDate, DCM_PatientSex, DCM_StudyDate, DCM_StudyTime,
        DCM_StudyID, DCM_AccessionNumber, DCM_ReferringPhysicianName, DCM_StudyInstanceUID}) {
    OFString value;
    from.findAndGetOFStringArray(tag, value);
    to.putAndInsertOFStringArray(tag, value);
  }
  for (const DcmTagKey& tag : {DCM_SpecificCharacterSet, DCM_StudyDescription}) {
    OFString value;
    if (from.findAndGetOFStringArray(tag, value).good() && !value.empty()) {
      to.putAndInsertOFStringArray(tag, value);
    } else {
      to.findAndDeleteElement(tag);
    }
  }
}

}  // namespace

WrittenSr WriteMeasurementReport(const SrSpec& spec, const std::string& path) {
  OFLog::configure(OFLogger::OFF_LOG_LEVEL);
  DcmFileFormat seg_file;
  Check(seg_file.loadFile(spec.seg_path.c_str()), path, "reading " + spec.seg_path);
  DcmDataset& seg = *seg_file.getDataset();

  TID1500_MeasurementReport report(CID7021_MeasurementReportDocumentTitles::ImagingMeasurementReport);
  Check(report.setLanguage(CID5000_Languages::English), path, "language");
  Check(
      report.getObservationContext().addDeviceObserver(DerivedUid("margo device"), "margo", "margo", "margo"),
      path, "observer");
  Check(report.addProcedureReported(DSRCodedEntryValue("363679005", "SCT", "Imaging procedure")), path,
        "procedure");
  for (const SrTumour& t : spec.tumours) AddTumour(report, spec, seg, t, path);
  if (!report.isValid()) Check(SR_EC_InvalidTemplateStructure, path, "TID 1500 incomplete");

  DSRDocument doc;
  Check(doc.setTreeFromRootTemplate(report, OFTrue), path, "document tree");
  Check(doc.setManufacturer("margo"), path, "manufacturer");
  Check(doc.setSeriesDescription("margo ablative margins"), path, "series description");
  // Beside the SEG's 900, away from the scanner's own series (DCMTK's default 1).
  Check(doc.setSeriesNumber("901"), path, "series number");
  doc.setSpecificCharacterSetType(DSRTypes::CS_Latin1);
  OFString seg_class, seg_instance, seg_series;
  seg.findAndGetOFString(DCM_SOPClassUID, seg_class);
  seg.findAndGetOFString(DCM_SOPInstanceUID, seg_instance);
  seg.findAndGetOFString(DCM_SeriesInstanceUID, seg_series);
  DSRSOPInstanceReferenceList& evidence = doc.getCurrentRequestedProcedureEvidence();
  Check(evidence.addItem(spec.ct.study_uid.c_str(), seg_series, seg_class, seg_instance), path,
        "evidence (SEG)");
  for (const std::string& uid : spec.ct.sop_instance_uids) {
    Check(evidence.addItem(spec.ct.study_uid.c_str(), spec.ct.series_uid.c_str(),
                           spec.ct.sop_class_uid.c_str(), uid.c_str()),
          path, "evidence (CT)");
  }

  WrittenSr out;
  out.series_uid = DerivedUid(spec.uid_seed + "/sr-series");
  out.sop_instance_uid = DerivedUid(spec.uid_seed + "/sr-instance");
  DcmFileFormat file;
  DcmDataset& ds = *file.getDataset();
  Check(doc.write(ds), path, "data set");
  CopyPatientAndStudy(seg, ds);
  Check(ds.putAndInsertString(DCM_SeriesInstanceUID, out.series_uid.c_str()), path, "series UID");
  Check(ds.putAndInsertString(DCM_SOPInstanceUID, out.sop_instance_uid.c_str()), path, "SOP instance UID");
  Check(ds.putAndInsertString(DCM_SoftwareVersions, spec.software_version.c_str()), path, "software version");

  const std::filesystem::path temporary = TemporarySibling(path);
  const OFCondition saved = file.saveFile(temporary.c_str(), EXS_LittleEndianExplicit);
  if (saved.bad()) {
    std::error_code ec;
    std::filesystem::remove(temporary, ec);
    Check(saved, path, "saving");
  }
  CommitTemporary(temporary, path);
  return out;
}

}  // namespace margo
