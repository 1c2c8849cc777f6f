#include "tests/support/dicom_writer.h"

#include <gdcmDataElement.h>
#include <gdcmDataSet.h>
#include <gdcmFile.h>
#include <gdcmFileMetaInformation.h>
#include <gdcmTransferSyntax.h>
#include <gdcmUIDGenerator.h>
#include <gdcmWriter.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

namespace margo::testing {
namespace {

constexpr char kCtImageStorage[] = "1.2.840.10008.5.1.4.1.1.2";

// Puts a text value into the data set, padded to even length as DICOM wants
// (UIs with '\0', other text with ' '). The value is written exactly as given.
void SetText(gdcm::DataSet& ds, const gdcm::Tag& tag, gdcm::VR vr, std::string value) {
  if (value.size() % 2 == 1) value.push_back(vr == gdcm::VR::UI ? '\0' : ' ');
  gdcm::DataElement element(tag);
  element.SetVR(vr);
  element.SetByteValue(value.data(), static_cast<uint32_t>(value.size()));
  ds.Replace(element);
}

std::string Decimal(double v) {
  if (std::abs(v) < 1e-12) v = 0.0;  // no "6.1e-17" from cos(90 degrees)
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);  // at most 16 characters, as DS allows
  return buf;
}

template <std::size_t N>
std::string Decimals(const std::array<double, N>& values) {
  std::string s;
  for (std::size_t i = 0; i < N; ++i) s += (i ? "\\" : "") + Decimal(values[i]);
  return s;
}

void SetUnsignedShort(gdcm::DataSet& ds, const gdcm::Tag& tag, std::uint16_t value) {
  gdcm::DataElement element(tag);
  element.SetVR(gdcm::VR::US);
  element.SetByteValue(reinterpret_cast<const char*>(&value), 2);  // little endian host
  ds.Replace(element);
}

void SetPixelModule(gdcm::DataSet& ds, const SyntheticSlice& s) {
  SetUnsignedShort(ds, gdcm::Tag(0x0028, 0x0002), 1);  // Samples per Pixel
  SetText(ds, gdcm::Tag(0x0028, 0x0004), gdcm::VR::CS, "MONOCHROME2");
  SetUnsignedShort(ds, gdcm::Tag(0x0028, 0x0010), static_cast<std::uint16_t>(s.rows));
  SetUnsignedShort(ds, gdcm::Tag(0x0028, 0x0011), static_cast<std::uint16_t>(s.columns));
  SetUnsignedShort(ds, gdcm::Tag(0x0028, 0x0100), 16);  // Bits Allocated
  SetUnsignedShort(ds, gdcm::Tag(0x0028, 0x0101), 16);  // Bits Stored
  SetUnsignedShort(ds, gdcm::Tag(0x0028, 0x0102), 15);  // High Bit
  SetUnsignedShort(ds, gdcm::Tag(0x0028, 0x0103), 1);   // Pixel Representation: signed
  SetText(ds, gdcm::Tag(0x0028, 0x1052), gdcm::VR::DS, Decimal(s.rescale_intercept));
  SetText(ds, gdcm::Tag(0x0028, 0x1053), gdcm::VR::DS, Decimal(s.rescale_slope));
  SetText(ds, gdcm::Tag(0x0028, 0x1054), gdcm::VR::LO, "HU");
  if (!s.lossy_image_compression.empty()) {
    SetText(ds, gdcm::Tag(0x0028, 0x2110), gdcm::VR::CS, s.lossy_image_compression);
  }

  std::vector<std::int16_t> pixels = s.pixels;
  if (pixels.empty()) {
    pixels.resize(std::size_t(s.rows) * s.columns);
    for (unsigned r = 0; r < s.rows; ++r) {
      for (unsigned c = 0; c < s.columns; ++c) {
        pixels[std::size_t(r) * s.columns + c] = SyntheticStoredValue(s.pixel_label, r, c);
      }
    }
  }
  gdcm::DataElement pixel_data(gdcm::Tag(0x7fe0, 0x0010));
  pixel_data.SetVR(gdcm::VR::OW);
  pixel_data.SetByteValue(reinterpret_cast<const char*>(pixels.data()),
                          static_cast<uint32_t>(pixels.size() * sizeof(std::int16_t)));
  ds.Replace(pixel_data);
}

void SetIdentity(gdcm::DataSet& ds, const SyntheticSlice& s, const std::string& sop_instance_uid) {
  SetText(ds, gdcm::Tag(0x0008, 0x0016), gdcm::VR::UI, kCtImageStorage);
  SetText(ds, gdcm::Tag(0x0008, 0x0018), gdcm::VR::UI, sop_instance_uid);
  SetText(ds, gdcm::Tag(0x0008, 0x0060), gdcm::VR::CS, s.modality);
  SetText(ds, gdcm::Tag(0x0008, 0x103e), gdcm::VR::LO, s.description);
  SetText(ds, gdcm::Tag(0x0010, 0x0010), gdcm::VR::PN, s.patient_name);
  SetText(ds, gdcm::Tag(0x0010, 0x0020), gdcm::VR::LO, s.patient_id);
  SetText(ds, gdcm::Tag(0x0020, 0x000d), gdcm::VR::UI, s.study_uid);
  SetText(ds, gdcm::Tag(0x0020, 0x000e), gdcm::VR::UI, s.series_uid);
  SetText(ds, gdcm::Tag(0x0020, 0x0011), gdcm::VR::IS, "1");
  SetText(ds, gdcm::Tag(0x0020, 0x0013), gdcm::VR::IS, std::to_string(s.instance));
  SetText(ds, gdcm::Tag(0x0020, 0x0052), gdcm::VR::UI, s.frame_of_reference);
}

void SetGeometry(gdcm::DataSet& ds, const SyntheticSlice& s) {
  if (s.write_position) {
    SetText(ds, gdcm::Tag(0x0020, 0x0032), gdcm::VR::DS, Decimals(s.position_mm));
  }
  if (s.write_orientation) {
    SetText(ds, gdcm::Tag(0x0020, 0x0037), gdcm::VR::DS, Decimals(s.orientation));
  }
  if (s.write_pixel_spacing) {
    SetText(ds, gdcm::Tag(0x0028, 0x0030), gdcm::VR::DS, Decimals(s.pixel_spacing_mm));
  }
  SetText(ds, gdcm::Tag(0x0018, 0x0050), gdcm::VR::DS, Decimal(s.slice_thickness_mm));
}

}  // namespace

std::int16_t SyntheticStoredValue(int label, unsigned row, unsigned column) {
  return static_cast<std::int16_t>(1024 * label + 32 * int(row) + int(column));
}

std::vector<SyntheticSlice> MakeSeries(const SeriesSpec& spec) {
  const Vec3 row{spec.orientation[0], spec.orientation[1], spec.orientation[2]};
  const Vec3 col{spec.orientation[3], spec.orientation[4], spec.orientation[5]};
  const Vec3 normal{row[1] * col[2] - row[2] * col[1], row[2] * col[0] - row[0] * col[2],
                    row[0] * col[1] - row[1] * col[0]};
  std::vector<SyntheticSlice> slices(spec.slices);
  for (std::size_t k = 0; k < spec.slices; ++k) {
    SyntheticSlice& s = slices[k];
    s.file_name = "slice_" + std::to_string(k) + ".dcm";
    s.series_uid = spec.series_uid;
    s.instance = static_cast<int>(k) + 1;
    for (int a = 0; a < 3; ++a) {
      s.position_mm[a] = spec.origin_mm[a] + double(k) * spec.slice_spacing_mm * normal[a];
    }
    s.orientation = spec.orientation;
    s.pixel_spacing_mm = spec.pixel_spacing_mm;
    s.slice_thickness_mm = std::abs(spec.slice_spacing_mm);
    s.rows = spec.rows;
    s.columns = spec.columns;
    s.rescale_slope = spec.rescale_slope;
    s.rescale_intercept = spec.rescale_intercept;
    s.pixel_label = static_cast<int>(k);
  }
  return slices;
}

std::string WriteDicomSlice(const std::string& folder, const SyntheticSlice& slice) {
  if (!slice.pixels.empty()) {
    if (slice.pixels.size() != std::size_t(slice.rows) * slice.columns) {
      throw std::runtime_error("WriteDicomSlice: pixels must hold rows x columns values");
    }
  } else if (slice.rows >= 32 || slice.columns >= 32 || slice.pixel_label < 0 || slice.pixel_label >= 32) {
    throw std::runtime_error("WriteDicomSlice: rows, columns and pixel_label must be below 32");
  }
  gdcm::UIDGenerator uids;
  const std::string sop_instance_uid = uids.Generate();

  // The writer owns its File (SetFile would take a stack object's address).
  gdcm::Writer writer;
  gdcm::File& file = writer.GetFile();
  gdcm::DataSet& ds = file.GetDataSet();
  SetIdentity(ds, slice, sop_instance_uid);
  SetGeometry(ds, slice);
  SetPixelModule(ds, slice);
  for (const auto& [tag, value] : slice.raw_text) {
    const gdcm::Tag t(tag.first, tag.second);
    if (!ds.FindDataElement(t)) throw std::runtime_error("WriteDicomSlice: raw_text for a tag not written");
    if (value) {
      SetText(ds, t, ds.GetDataElement(t).GetVR(), *value);
    } else {
      ds.Remove(t);
    }
  }
  file.GetHeader().SetDataSetTransferSyntax(gdcm::TransferSyntax::ExplicitVRLittleEndian);

  const std::string path = (std::filesystem::path(folder) / slice.file_name).string();
  writer.SetFileName(path.c_str());
  if (!writer.Write()) throw std::runtime_error("WriteDicomSlice: GDCM cannot write " + path);
  return path;
}

void WriteDicomSeries(const std::string& folder, const std::vector<SyntheticSlice>& slices) {
  std::filesystem::create_directories(folder);
  for (const SyntheticSlice& s : slices) WriteDicomSlice(folder, s);
}

}  // namespace margo::testing
