// margo_slice_png CT OUT.png [S_MM]: one axial slice of a CT (the slice
// nearest S_MM, default the middle one) as an 8-bit PNG in a soft-tissue
// window (level 50, width 400 HU), for the documentation. ITK's PNG writer:
// no VTK rendering, which needs a display.
#include <itkExtractImageFilter.h>
#include <itkImageFileWriter.h>
#include <itkIntensityWindowingImageFilter.h>
#include <itkPNGImageIO.h>

#include <cmath>
#include <iostream>
#include <string>

#include "core/error.h"
#include "io/image_reader.h"

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::cerr << "usage: margo_slice_png CT OUT.png [S_MM]\n";
    return 2;
  }
  try {
    const margo::LoadedCt ct = margo::LoadCt(argv[1], "CT");
    auto region = ct.image->GetLargestPossibleRegion();
    long k = static_cast<long>(region.GetSize(2) / 2);
    if (argc == 4) {
      margo::CtImage::PointType p;
      p.Fill(0.0);
      p[2] = std::stod(argv[3]);
      itk::ContinuousIndex<double, 3> index;
      ct.image->TransformPhysicalPointToContinuousIndex(p, index);
      k = std::lround(index[2]);
    }
    region.SetIndex(2, k);
    region.SetSize(2, 0);
    using Slice = itk::Image<float, 2>;
    auto extract = itk::ExtractImageFilter<margo::CtImage, Slice>::New();
    extract->SetInput(ct.image);
    extract->SetExtractionRegion(region);
    extract->SetDirectionCollapseToSubmatrix();
    auto window = itk::IntensityWindowingImageFilter<Slice, itk::Image<unsigned char, 2>>::New();
    window->SetInput(extract->GetOutput());
    window->SetWindowMinimum(50.0 - 200.0);
    window->SetWindowMaximum(50.0 + 200.0);
    window->SetOutputMinimum(0);
    window->SetOutputMaximum(255);
    auto writer = itk::ImageFileWriter<itk::Image<unsigned char, 2>>::New();
    writer->SetInput(window->GetOutput());
    writer->SetImageIO(itk::PNGImageIO::New());
    writer->SetFileName(argv[2]);
    writer->Update();
  } catch (const margo::Error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return margo::ExitCode(e.kind());
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
