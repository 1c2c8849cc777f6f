// The I/O floor of `margo assess`: decodes each input file given on the
// command line into memory, in the pixel type it is stored in, and nothing
// else (no conversion, no checks, no hashing). Usage: margo_bench_read FILE...
// Prints one line per file: voxels and seconds.
#include <itkImageFileReader.h>
#include <itkImageIOFactory.h>
#include <itkMetaImageIOFactory.h>
#include <itkNiftiImageIOFactory.h>
#include <itkNrrdImageIOFactory.h>

#include <chrono>
#include <cstdio>
#include <memory>

int main(int argc, char** argv) {
  itk::NiftiImageIOFactory::RegisterOneFactory();  // the formats margo reads
  itk::NrrdImageIOFactory::RegisterOneFactory();
  itk::MetaImageIOFactory::RegisterOneFactory();
  if (argc < 2) {
    std::fprintf(stderr, "usage: margo_bench_read FILE...\n");
    return 2;
  }
  for (int i = 1; i < argc; ++i) {
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
    std::unique_ptr<char[]> buffer(new char[bytes]);
    io->Read(buffer.get());
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%s: %zu bytes decoded in %.3f s\n", argv[i], bytes, s);
  }
  return 0;
}
