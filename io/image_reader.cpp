#include "io/image_reader.h"

#include <itkImageFileReader.h>
#include <itkImageRegionIterator.h>
#include <itkMetaImageIO.h>
#include <itkNiftiImageIO.h>
#include <itkNrrdImageIO.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <optional>

#include "core/error.h"
#include "io/cerr_capture.h"
#include "io/dcmtk_util.h"
#include "io/dicom_labels.h"
#include "io/file_completeness.h"
#include "io/itk_message.h"
#include "io/memory_budget.h"
#include "io/nifti_header.h"
#include "io/nifti_voxels.h"

namespace fs = std::filesystem;

namespace margo {
namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  if (s.size() < suffix.size()) return false;
  std::string tail = s.substr(s.size() - suffix.size());
  for (char& c : tail) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return tail == suffix;
}

struct FileFormat {
  std::string name;
  itk::ImageIOBase::Pointer io;
};

// The volume format the file name says, if any.
// ITK 5.2's file readers are not safe to run on two threads at once: a run
// on the full phantom aborted ("malloc(): unaligned tcache chunk detected")
// while its four label maps were read on two threads, as SimpleITK users
// report for concurrent NIfTI reads (SimpleITK issue 74). So ITK's
// part of every read (creating its reader, the header, and the voxels of
// files margo does not decode itself) runs under this one lock; margo's own
// pass over NIfTI voxels (io/nifti_voxels.h), the long part, runs outside it.
std::mutex& ItkReadLock() {
  static std::mutex lock;
  return lock;
}

std::optional<FileFormat> KnownFormat(const std::string& path) {
  const std::lock_guard<std::mutex> itk(ItkReadLock());
  if (EndsWith(path, ".nii") || EndsWith(path, ".nii.gz")) return FileFormat{"NIfTI", itk::NiftiImageIO::New()};
  if (EndsWith(path, ".nrrd") || EndsWith(path, ".nhdr")) return FileFormat{"NRRD", itk::NrrdImageIO::New()};
  if (EndsWith(path, ".mha") || EndsWith(path, ".mhd")) return FileFormat{"MetaImage", itk::MetaImageIO::New()};
  return std::nullopt;
}

FileFormat FormatOf(const std::string& path, const std::string& role) {
  if (std::optional<FileFormat> format = KnownFormat(path)) return *format;
  throw Error(ErrorKind::kInputUnreadable,
              role + " " + path + ": unsupported file type; expected .nii, .nii.gz, .nrrd, .nhdr, "
                                  ".mha, .mhd or a DICOM series folder (labels: also a DICOM SEG or RTSTRUCT file)");
}

}  // namespace

bool ReadableAlongsideOthers(const std::string& path) {
  const std::optional<FileFormat> format = KnownFormat(path);
  if (!format || format->name == "MetaImage") return false;
  // By content too: a DICOM SEG or RTSTRUCT named .nii is read as DICOM
  // (LoadLabels probes first), with DCMTK and against its CT. Only a
  // regular file is opened: a FIFO would block here, and its loader
  // refuses it.
  std::error_code ec;
  return !fs::is_regular_file(path, ec) || !dcmtk::HasDicomPreamble(path);
}

namespace {

const char* FileTypeName(fs::file_type type) {
  switch (type) {
    case fs::file_type::fifo:
      return "a FIFO";
    case fs::file_type::socket:
      return "a socket";
    case fs::file_type::block:
      return "a block device";
    case fs::file_type::character:
      return "a character device";
    default:
      return "of an unknown type";
  }
}

// Before any read: opening a FIFO blocks until a writer comes, and reading a
// device may never end.
void RequireFileOrFolder(const std::string& path, const std::string& role) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);  // follows symlinks
  if (!fs::exists(status)) {
    throw Error(ErrorKind::kInputUnreadable, role + " " + path + ": no such file or folder");
  }
  if (fs::is_regular_file(status) || fs::is_directory(status)) return;
  throw Error(ErrorKind::kInputUnreadable, role + " " + path + ": is " + FileTypeName(status.type()) +
                                               ", not a regular file or folder; expected an image file or a "
                                               "DICOM series folder");
}

itk::IOComponentEnum ComponentOf(NiftiType t) {
  using C = itk::IOComponentEnum;
  switch (t) {
    case NiftiType::kUInt8: return C::UCHAR;
    case NiftiType::kInt8: return C::CHAR;
    case NiftiType::kUInt16: return C::USHORT;
    case NiftiType::kInt16: return C::SHORT;
    case NiftiType::kUInt32: return C::UINT;
    case NiftiType::kInt32: return C::INT;
    case NiftiType::kFloat32: return C::FLOAT;
    case NiftiType::kFloat64: return C::DOUBLE;
  }
  return C::UNKNOWNCOMPONENTTYPE;
}

// The image `reader` would read (its geometry as ITK gives it, after
// UpdateOutputInformation), with margo's own pass over the voxels
// (io/nifti_voxels.h); null when that pass leaves the file to ITK.
template <typename TImage>
typename TImage::Pointer ReadNiftiOwnPass(itk::ImageFileReader<TImage>& reader, const itk::ImageIOBase& io,
                                          const std::string& path, const std::string& role) {
  typename TImage::Pointer image = reader.GetOutput();
  const std::uint64_t voxels = image->GetLargestPossibleRegion().GetNumberOfPixels();
  const std::optional<NiftiVoxels> v = ReadNiftiVoxels(path, role, voxels);
  if (!v || ComponentOf(v->type) != io.GetComponentType()) return nullptr;
  image->DisconnectPipeline();
  image->SetBufferedRegion(image->GetLargestPossibleRegion());
  image->Allocate();
  CastNiftiVoxels(*v, image->GetBufferPointer(), voxels);
  return image;
}

// `printed`: what the reader printed on std::cerr meanwhile (CerrCapture).
[[noreturn]] void RethrowItk(const itk::ExceptionObject& e, const std::string& path, const std::string& role,
                             const std::string& format, const std::string& printed = "") {
  const std::string what = e.GetDescription();
  std::string message = PlainItkMessage(what);
  if (!printed.empty()) message += " (" + format + " reader: " + printed + ")";
  throw Error(ItkRefusedGeometry(what) ? ErrorKind::kGeometryInvalid : ErrorKind::kInputUnreadable,
              role + " " + path + ": cannot read as " + format + ": " + message);
}

// MetaIO prints on std::cerr; margo reads MetaImage files on one thread
// (apps/assess.cpp) and keeps what it prints for its own message.
bool PrintsOnCerr(const FileFormat& format) { return format.name == "MetaImage"; }

void RequireNotEmpty(const std::string& path, const std::string& role, const std::string& format) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec) && fs::file_size(path, ec) == 0 && !ec) {
    throw Error(ErrorKind::kInputUnreadable,
                role + " " + path + ": file is empty (0 bytes); expected a " + format + " image");
  }
}

void RequireScalarVolume(const itk::ImageIOBase& io, const std::string& path, const std::string& role) {
  const unsigned dims = io.GetNumberOfDimensions();
  bool extra_axes = false;
  for (unsigned d = 3; d < dims; ++d) extra_axes |= io.GetDimensions(d) > 1;
  const unsigned components = io.GetNumberOfComponents();
  if (dims < 3 || extra_axes || components != 1) {
    throw Error(ErrorKind::kInputUnreadable, role + " " + path + ": image has " + std::to_string(dims) +
                                                 " dimensions and " + std::to_string(components) +
                                                 (components == 1 ? " component" : " components") +
                                                 " per voxel; expected a 3D scalar volume");
  }
  if (io.GetComponentType() == itk::IOComponentEnum::UNKNOWNCOMPONENTTYPE) {
    throw Error(ErrorKind::kInputUnreadable,
                role + " " + path +
                    ": voxel type is not recognised; expected 8- to 64-bit integers "
                    "or 32- or 64-bit floating point");
  }
}

// The grid as the file states it, before ITK's reader turns a negative
// spacing into a flipped axis or refuses a zero one with its own words.
ImageGeometry StatedGeometry(const itk::ImageIOBase& io) {
  ImageGeometry g;
  for (unsigned c = 0; c < 3; ++c) {
    g.size[c] = io.GetDimensions(c);
    g.spacing_mm[c] = io.GetSpacing(c);
    g.origin_mm[c] = io.GetOrigin(c);
    const std::vector<double> axis = io.GetDirection(c);
    for (unsigned r = 0; r < 3 && r < axis.size(); ++r) g.direction[r][c] = axis[r];
  }
  return g;
}

// The format of `path` with its header read (by margo first for NIfTI):
// a 3D scalar volume on a grid margo trusts.
FileFormat ReadHeader(const std::string& path, const std::string& role) {
  FileFormat format = FormatOf(path, role);
  RequireNotEmpty(path, role, format.name);
  if (format.name == "NIfTI") CheckNiftiHeader(path, role);
  format.io->SetFileName(path);
  const CerrCapture quiet(PrintsOnCerr(format));
  try {
    const std::lock_guard<std::mutex> itk(ItkReadLock());
    format.io->ReadImageInformation();
  } catch (const itk::ExceptionObject& e) {
    RethrowItk(e, path, role, format.name, quiet.FirstLine());
  }
  RequireScalarVolume(*format.io, path, role);
  CheckGeometry(StatedGeometry(*format.io), role, path);
  return format;
}

// Refuses, before anything is allocated, an image that cannot fit in memory;
// one whose file is far too small for it is cut short instead, and said so.
void RequireImageFitsInMemory(const itk::ImageIOBase& io, const std::string& path, const std::string& role,
                              const std::string& format, std::uint64_t bytes_per_voxel) {
  const std::array<std::uint64_t, 3> size = {io.GetDimensions(0), io.GetDimensions(1), io.GetDimensions(2)};
  const std::uint64_t stored = io.GetImageSizeInBytes(), budget = MemoryBudgetBytes();
  if (BytesToRead(size, stored, bytes_per_voxel) <= budget) return;
  std::error_code ec;
  const std::uint64_t file_bytes = fs::file_size(path, ec);
  if (!ec && stored / kDeflateMaxRatio > file_bytes) CheckVoxelDataComplete(path, role, format, stored);
  RequireFitsInMemory(path, role, size, stored, bytes_per_voxel, budget);
}

// Reads a 3D scalar image file, its header already read (ReadHeader), as
// TImage's pixel type (ITK casts).
template <typename TImage>
typename TImage::Pointer ReadFile(const FileFormat& format, const std::string& path, const std::string& role,
                                  LoadReport& report) {
  report.format = format.name;
  RequireImageFitsInMemory(*format.io, path, role, format.name, sizeof(typename TImage::PixelType));
  auto reader = itk::ImageFileReader<TImage>::New();
  reader->SetImageIO(format.io);
  reader->SetFileName(path);
  const CerrCapture quiet(PrintsOnCerr(format));
  try {
    {
      const std::lock_guard<std::mutex> itk(ItkReadLock());
      reader->UpdateOutputInformation();
    }
    if (format.name == "NIfTI") {
      if (typename TImage::Pointer image = ReadNiftiOwnPass<TImage>(*reader, *format.io, path, role)) return image;
    }
    CompletenessCheck complete(path, role, format.name, format.io->GetImageSizeInBytes());
    try {
      const std::lock_guard<std::mutex> itk(ItkReadLock());
      reader->Update();
    } catch (const itk::ExceptionObject&) {
      complete.Wait();  // a cut-short file explains a failed read best
      throw;
    }
    complete.Wait();
  } catch (const itk::ExceptionObject& e) {
    RethrowItk(e, path, role, format.name, quiet.FirstLine());
  }
  // MetaIO reports some failures only on stderr and returns the image (a
  // slice file of an ElementDataFile LIST cut short or missing): voxels it
  // complained about are not measured.
  if (const std::string printed = quiet.FirstLine(); !printed.empty()) {
    throw Error(ErrorKind::kInputUnreadable, role + " " + path + ": the " + format.name +
                                                 " reader reported a problem with the voxel data (" + printed +
                                                 "); expected a complete file");
  }
  typename TImage::Pointer image = reader->GetOutput();
  image->DisconnectPipeline();
  return image;
}

// True when the file stores unsigned integers of at most 16 bits, one per
// voxel: values a label map may hold as they are.
bool StoredAsSmallUnsigned(const itk::ImageIOBase& io) {
  using IOComponent = itk::IOComponentEnum;
  const IOComponent c = io.GetComponentType();
  return c == IOComponent::UCHAR || c == IOComponent::USHORT;
}

// True when the file stores floating-point values (ITK also reports a
// NIfTI with scl_slope/scl_inter so): the only ones that can be NaN or Inf.
bool StoredAsFloatingPoint(const itk::ImageIOBase& io) {
  using IOComponent = itk::IOComponentEnum;
  return io.GetComponentType() == IOComponent::FLOAT || io.GetComponentType() == IOComponent::DOUBLE;
}

// NaN or Inf in a CT reaches registration's metric and crashes it.
void RequireFiniteVoxels(const CtImage& image, const std::string& path, const std::string& role) {
  const float* voxels = image.GetBufferPointer();
  const std::size_t n = image.GetBufferedRegion().GetNumberOfPixels();
  const float* bad = std::find_if_not(voxels, voxels + n, [](float v) { return std::isfinite(v); });
  if (bad == voxels + n) return;
  const auto index = image.ComputeIndex(itk::OffsetValueType(bad - voxels));
  char buf[200];
  std::snprintf(buf, sizeof buf, ": voxel (%ld, %ld, %ld) is %g; expected finite HU", long(index[0]),
                long(index[1]), long(index[2]), double(*bad));
  throw Error(ErrorKind::kInputUnreadable, role + " " + path + buf);
}

LoadedCt LoadDicomStack(const std::string& folder, const DicomSelection& selection);

LoadedCt LoadDicomCt(const std::string& folder, const std::string& role, const DicomSelection& selection) {
  try {
    return LoadDicomStack(folder, selection);
  } catch (const Error& e) {
    throw Error(e.kind(), role + " " + e.what());  // "pre CT DICOM series /path: ..."
  }
}

LoadedCt LoadDicomStack(const std::string& folder, const DicomSelection& selection) {
  const std::vector<DicomSlice> slices = SelectSeries(ScanDicomFolder(folder), selection, folder);
  const SliceStack stack = CheckSliceStack(slices, folder);
  LoadedCt out;
  out.image = ReadSliceStack(stack, folder);
  out.report.path = folder;
  out.report.format = "DICOM series";
  out.report.series_uid = stack.series_uid;
  out.report.frame_of_reference = stack.frame_of_reference;
  out.report.file_count = stack.files.size();
  out.report.slice_spacing_min_mm = stack.slice_spacing_min_mm;
  out.report.slice_spacing_max_mm = stack.slice_spacing_max_mm;
  out.report.dicom = stack.reference;
  out.report.notes = stack.notes;
  return out;
}

LabelImage::Pointer ToLabels(const CtImage& values, const std::string& role, const std::string& path) {
  auto labels = LabelImage::New();
  labels->CopyInformation(&values);
  labels->SetRegions(values.GetLargestPossibleRegion());
  labels->Allocate();
  itk::ImageRegionConstIterator<CtImage> in(&values, values.GetLargestPossibleRegion());
  itk::ImageRegionIterator<LabelImage> out(labels, labels->GetLargestPossibleRegion());
  for (; !in.IsAtEnd(); ++in, ++out) {
    const float v = in.Get();
    if (!(v >= 0.0f && v <= 65535.0f && v == std::round(v))) {
      const auto index = in.GetIndex();
      char buf[200];
      std::snprintf(buf, sizeof buf, ": voxel (%ld, %ld, %ld) holds %g; expected whole numbers 0..65535",
                    long(index[0]), long(index[1]), long(index[2]), double(v));
      throw Error(ErrorKind::kSegmentationInvalid, role + " " + path + buf);
    }
    out.Set(static_cast<LabelImage::PixelType>(v));
  }
  return labels;
}

}  // namespace

void CheckGeometry(const ImageGeometry& g, const std::string& role, const std::string& path) {
  for (int a = 0; a < 3; ++a) {
    const double s = g.spacing_mm[a];
    if (!(s >= kMinSpacingMm && s <= kMaxSpacingMm)) {
      char buf[200];
      std::snprintf(buf, sizeof buf, ": voxel spacing along axis %d is %g mm; expected %g to %g mm", a,
                    s, kMinSpacingMm, kMaxSpacingMm);
      throw Error(ErrorKind::kGeometryInvalid, role + " " + path + buf);
    }
  }
  const double error = DirectionOrthogonalityError(g);
  if (error > kDirectionTolerance) {
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  ": direction matrix is not orthonormal (deviation %.4f); expected a rotation "
                  "(sheared or tilted grids are not supported)", error);
    throw Error(ErrorKind::kGeometryInvalid, role + " " + path + buf);
  }
}

LoadedCt LoadCt(const std::string& path, const std::string& role, const DicomSelection& selection) {
  RequireFileOrFolder(path, role);
  LoadedCt out;
  if (fs::is_directory(path)) {
    out = LoadDicomCt(path, role, selection);
  } else {
    const FileFormat format = ReadHeader(path, role);
    out.image = ReadFile<CtImage>(format, path, role, out.report);
    if (StoredAsFloatingPoint(*format.io)) RequireFiniteVoxels(*out.image, path, role);
  }
  out.report.path = path;
  out.report.geometry = GeometryOf(*out.image);
  CheckGeometry(out.report.geometry, role, path);
  return out;
}

LoadedLabels LoadLabels(const std::string& path, const std::string& role, const LabelReference& reference) {
  RequireFileOrFolder(path, role);
  if (fs::is_directory(path)) {
    throw Error(ErrorKind::kInputUnreadable,
                role + " " + path + ": is a folder; expected a label-map file (.nii, .nii.gz, .nrrd, "
                                    ".nhdr, .mha, .mhd) or a DICOM SEG or RTSTRUCT file");
  }
  const DicomObjectInfo dicom = ProbeDicomFile(path);
  if (dicom.kind != DicomObjectKind::kNotDicom) {
    LoadedLabels out = LoadDicomLabels(path, role, dicom.kind, reference);
    CheckGeometry(out.report.geometry, role, path);
    return out;
  }
  LoadedLabels out;
  out.report.path = path;
  const FileFormat format = ReadHeader(path, role);
  if (StoredAsSmallUnsigned(*format.io)) {
    // Every stored value is a valid label: read straight into the label
    // type (no float copy of the volume, no per-voxel check).
    out.image = ReadFile<LabelImage>(format, path, role, out.report);
    out.report.geometry = GeometryOf(*out.image);
    CheckGeometry(out.report.geometry, role, path);
    return out;
  }
  CtImage::Pointer values = ReadFile<CtImage>(format, path, role, out.report);
  out.report.geometry = GeometryOf(*values);
  CheckGeometry(out.report.geometry, role, path);
  out.image = ToLabels(*values, role, path);
  return out;
}

}  // namespace margo
