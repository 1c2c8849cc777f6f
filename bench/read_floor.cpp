// The I/O floor of `margo assess`: decodes each input file given on the
// command line into memory, in the pixel type it is stored in, and nothing
// else (no conversion, no hashing), one file after another. By default with
// ITK's readers; with --margo, NIfTI files as margo itself reads them
// (io/nifti_voxels.h: ITK for the header, one libdeflate pass for the
// voxels, its length and CRC checked), which is faster.
// Usage: margo_bench_read [--margo] FILE...
// Prints one line per file: bytes and seconds.
#include <itkImageFileReader.h>
#include <itkImageIOFactory.h>
#include <itkMetaImageIOFactory.h>
#include <itkNiftiImageIOFactory.h>
#include <itkNrrdImageIOFactory.h>

#include <optional>
#include <string>

#include "io/nifti_voxels.h"

#include <chrono>
#include <cstdio>
#include <memory>

int main(int argc, char** argv) {
  itk::NiftiImageIOFactory::RegisterOneFactory();  // the formats margo reads
  itk::NrrdImageIOFactory::RegisterOneFactory();
  itk::MetaImageIOFactory::RegisterOneFactory();
  const bool margo_reader = argc > 1 && std::string(argv[1]) == "--margo";
  if (argc < 2 + (margo_reader ? 1 : 0)) {
    std::fprintf(stderr, "usage: margo_bench_read [--margo] FILE...\n");
    return 2;
  }
  for (int i = margo_reader ? 2 : 1; i < argc; ++i) {
    const auto start = std::chrono::steady_clock::now();
    itk::ImageIOBase::Pointer io =
        itk::ImageIOFactory::CreateImageIO(argv[i], itk::ImageIOFactory::IOFileModeEnum::ReadMode);
    if (!io) {
      std::fprintf(stderr, "%s: no ITK reader for this file\n", argv[i]);
      return 3;
    }
    io->SetFileName(argv[i]);
    io->ReadImageInformation();
    itk::ImageIORegion region(io->GetNumberOfDimensions());
    for (unsigned d = 0; d < io->GetNumberOfDimensions(); ++d) {
      region.SetIndex(d, 0);
      region.SetSize(d, io->GetDimensions(d));
    }
    io->SetIORegion(region);
    const std::size_t bytes = io->GetImageSizeInBytes();
    const std::string name = argv[i];
    const bool nifti = name.size() > 7 && (name.substr(name.size() - 4) == ".nii" ||
                                           name.substr(name.size() - 7) == ".nii.gz");
    if (margo_reader && nifti) {
      const std::optional<margo::NiftiVoxels> v = margo::ReadNiftiVoxels(name, "input", io->GetImageSizeInPixels());
      if (v) {
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("%s: %zu bytes decoded by margo's reader in %.3f s\n", argv[i], v->bytes.size() - v->offset, s);
        continue;
      }
    }
    std::unique_ptr<char[]> buffer(new char[bytes]);
    io->Read(buffer.get());
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%s: %zu bytes decoded in %.3f s\n", argv[i], bytes, s);
  }
  return 0;
}
