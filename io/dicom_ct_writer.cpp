#include "io/dicom_ct_writer.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/geometry.h"
#include "io/dcmtk_util.h"
#include "io/dicom_object.h"

namespace margo {
namespace {

using dcmtk::Decimal;

void Put(DcmItem& ds, const DcmTagKey& tag, const std::string& value, const std::string& file) {
  dcmtk::Check(ds.putAndInsertString(tag, value.c_str()), file + ": cannot set " + DcmTag(tag).getTagName());
}

void PutUs(DcmItem& ds, const DcmTagKey& tag, Uint16 value, const std::string& file) {
  dcmtk::Check(ds.putAndInsertUint16(tag, value), file + ": cannot set " + DcmTag(tag).getTagName());
}

}  // namespace

DicomSeriesRef WriteDicomCtSeries(const itk::Image<std::int16_t, 3>& image, const std::string& folder,
                                  const DicomCtSpec& spec) {
  auto hu = CtImage::New();
  hu->CopyInformation(&image);
  hu->SetRegions(image.GetLargestPossibleRegion());
  hu->Allocate();
  std::copy_n(image.GetBufferPointer(), image.GetLargestPossibleRegion().GetNumberOfPixels(),
              hu->GetBufferPointer());
  return WriteDicomCtSeries(*hu, folder, spec);
}

DicomSeriesRef WriteDicomCtSeries(const CtImage& image, const std::string& folder, const DicomCtSpec& spec) {
  dcmtk::QuietLogger();
  EnsureWritableDirectory(folder);
  const ImageGeometry g = GeometryOf(image);
  if (g.size[0] > 65535 || g.size[1] > 65535) {
    throw Error(ErrorKind::kOutputFailed, folder + ": slices of " + std::to_string(g.size[0]) + " x " +
                                              std::to_string(g.size[1]) +
                                              " pixels; DICOM allows at most 65535");
  }
  const std::string orientation = Decimal(g.direction[0][0]) + "\\" + Decimal(g.direction[1][0]) + "\\" +
                                  Decimal(g.direction[2][0]) + "\\" + Decimal(g.direction[0][1]) + "\\" +
                                  Decimal(g.direction[1][1]) + "\\" + Decimal(g.direction[2][1]);
  const std::string pixel_spacing = Decimal(g.spacing_mm[1]) + "\\" + Decimal(g.spacing_mm[0]);
  DicomSeriesRef ref;
  ref.study_uid = spec.study_uid;
  ref.series_uid = spec.series_uid;
  ref.frame_of_reference = spec.frame_of_reference;
  ref.sop_class_uid = UID_CTImageStorage;
  const CtImage::PixelType* voxels = image.GetBufferPointer();
  const std::size_t per_slice = g.size[0] * g.size[1];
  std::vector<Sint16> pixels(per_slice);
  for (std::size_t k = 0; k < g.size[2]; ++k) {
    char name[32];
    std::snprintf(name, sizeof name, "slice_%04zu.dcm", k);
    const std::string file = (std::filesystem::path(folder) / name).string();
    const std::string sop_uid = DerivedUid(spec.series_uid + "/slice/" + std::to_string(k));
    const Vec3 position = g.IndexToPoint({0.0, 0.0, double(k)});
    DcmFileFormat ff;
    DcmDataset& ds = *ff.getDataset();
    Put(ds, DCM_SpecificCharacterSet, "ISO_IR 100", file);
    Put(ds, DCM_ImageType, "DERIVED\\SECONDARY\\AXIAL", file);
    Put(ds, DCM_SOPClassUID, UID_CTImageStorage, file);
    Put(ds, DCM_SOPInstanceUID, sop_uid, file);
    Put(ds, DCM_StudyDate, spec.study_date, file);
    Put(ds, DCM_StudyTime, spec.study_time, file);
    Put(ds, DCM_ContentDate, spec.study_date, file);
    Put(ds, DCM_ContentTime, spec.study_time, file);
    Put(ds, DCM_AccessionNumber, "", file);
    Put(ds, DCM_Modality, "CT", file);
    Put(ds, DCM_Manufacturer, "margo", file);
    Put(ds, DCM_ReferringPhysicianName, "", file);
    Put(ds, DCM_SeriesDescription, spec.series_description, file);
    Put(ds, DCM_BodyPartExamined, "ABDOMEN", file);  // unpaired: no Laterality (0020,0060)
    Put(ds, DCM_PatientName, spec.patient_name, file);
    Put(ds, DCM_PatientID, spec.patient_id, file);
    Put(ds, DCM_PatientBirthDate, "", file);
    Put(ds, DCM_PatientSex, "O", file);
    Put(ds, DCM_KVP, "", file);
    Put(ds, DCM_SliceThickness, Decimal(g.spacing_mm[2]), file);
    Put(ds, DCM_PatientPosition, "HFS", file);
    Put(ds, DCM_StudyInstanceUID, spec.study_uid, file);
    Put(ds, DCM_SeriesInstanceUID, spec.series_uid, file);
    Put(ds, DCM_StudyID, "1", file);
    Put(ds, DCM_SeriesNumber, std::to_string(spec.series_number), file);
    Put(ds, DCM_AcquisitionNumber, "1", file);
    Put(ds, DCM_InstanceNumber, std::to_string(k + 1), file);
    Put(ds, DCM_ImagePositionPatient,
        Decimal(position[0]) + "\\" + Decimal(position[1]) + "\\" + Decimal(position[2]), file);
    Put(ds, DCM_ImageOrientationPatient, orientation, file);
    Put(ds, DCM_FrameOfReferenceUID, spec.frame_of_reference, file);
    Put(ds, DCM_PositionReferenceIndicator, "", file);
    PutUs(ds, DCM_SamplesPerPixel, 1, file);
    Put(ds, DCM_PhotometricInterpretation, "MONOCHROME2", file);
    PutUs(ds, DCM_Rows, static_cast<Uint16>(g.size[1]), file);
    PutUs(ds, DCM_Columns, static_cast<Uint16>(g.size[0]), file);
    Put(ds, DCM_PixelSpacing, pixel_spacing, file);
    PutUs(ds, DCM_BitsAllocated, 16, file);
    PutUs(ds, DCM_BitsStored, 16, file);
    PutUs(ds, DCM_HighBit, 15, file);
    PutUs(ds, DCM_PixelRepresentation, 1, file);
    Put(ds, DCM_RescaleIntercept, "0", file);
    Put(ds, DCM_RescaleSlope, "1", file);
    Put(ds, DCM_RescaleType, "HU", file);
    Put(ds, DCM_WindowCenter, "40", file);
    Put(ds, DCM_WindowWidth, "400", file);
    for (std::size_t p = 0; p < per_slice; ++p) {
      const double hu = std::round(double(voxels[k * per_slice + p]));
      pixels[p] = static_cast<Sint16>(std::clamp(hu, -32768.0, 32767.0));
    }
    dcmtk::Check(ds.putAndInsertUint16Array(DCM_PixelData, reinterpret_cast<const Uint16*>(pixels.data()),
                                            static_cast<unsigned long>(per_slice)),
                 file + ": cannot set the pixel data");
    dcmtk::SaveAtomically(ff, file);
    ref.sop_instance_uids.push_back(sop_uid);
    ref.files.push_back(file);
  }
  return ref;
}

}  // namespace margo
