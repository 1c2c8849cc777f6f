// The peer pipeline's margin step, as a researcher would script it after
// elastix + transformix: a voxel distance transform of the ablation zone on
// the post CT grid, read at the border voxels of each tumour label that
// transformix carried onto that grid (nearest neighbour).
//
//   zone   = ablation label map > 0 (post grid)
//   d      = itk::SignedMaurerDistanceMapImageFilter(zone): UseImageSpacing on
//            (mm), SquaredDistance off, InsideIsPositive on (a tumour voxel
//            inside the zone has a positive margin), BackgroundValue 0
//   border = voxels of label L with a face neighbour (6-connectivity) that is
//            not L, or on the image edge
//   minimal margin of L = min over its border voxels of d
//
// Usage: margo_bench_peer_margin ABLATION.nii.gz WARPED_TUMOURS.nii.gz
// Prints one JSON object: {"label": minimal margin in mm, ...}.
#include <itkBinaryThresholdImageFilter.h>
#include <itkImageFileReader.h>
#include <itkMetaImageIOFactory.h>
#include <itkNiftiImageIOFactory.h>
#include <itkNrrdImageIOFactory.h>
#include <itkSignedMaurerDistanceMapImageFilter.h>

#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>

namespace {

using Labels = itk::Image<std::uint16_t, 3>;
using Mask = itk::Image<std::uint8_t, 3>;
using Distance = itk::Image<float, 3>;

Labels::Pointer Read(const char* path) {
  auto reader = itk::ImageFileReader<Labels>::New();
  reader->SetFileName(path);
  reader->Update();
  return reader->GetOutput();
}

}  // namespace

int main(int argc, char** argv) {
  itk::NiftiImageIOFactory::RegisterOneFactory();  // the formats margo reads
  itk::NrrdImageIOFactory::RegisterOneFactory();
  itk::MetaImageIOFactory::RegisterOneFactory();
  if (argc != 3) {
    std::fprintf(stderr, "usage: margo_bench_peer_margin ABLATION WARPED_TUMOURS\n");
    return 2;
  }
  try {
    const Labels::Pointer ablation = Read(argv[1]);
    const Labels::Pointer tumours = Read(argv[2]);
    if (ablation->GetLargestPossibleRegion() != tumours->GetLargestPossibleRegion()) {
      std::fprintf(stderr, "%s and %s: the tumour labels are not on the ablation zone's grid\n", argv[1],
                   argv[2]);
      return 4;
    }
    auto zone = itk::BinaryThresholdImageFilter<Labels, Mask>::New();
    zone->SetInput(ablation);
    zone->SetLowerThreshold(1);
    zone->SetInsideValue(1);
    zone->SetOutsideValue(0);
    auto distance = itk::SignedMaurerDistanceMapImageFilter<Mask, Distance>::New();
    distance->SetInput(zone->GetOutput());
    distance->SetBackgroundValue(0);
    distance->SetUseImageSpacing(true);
    distance->SetSquaredDistance(false);
    distance->SetInsideIsPositive(true);
    distance->Update();
    const Distance::Pointer d = distance->GetOutput();

    const auto size = tumours->GetLargestPossibleRegion().GetSize();
    std::map<int, float> minimum;
    Labels::IndexType i;
    for (i[2] = 0; i[2] < long(size[2]); ++i[2]) {
      for (i[1] = 0; i[1] < long(size[1]); ++i[1]) {
        for (i[0] = 0; i[0] < long(size[0]); ++i[0]) {
          const std::uint16_t label = tumours->GetPixel(i);
          if (label == 0) continue;
          bool border = false;
          for (int a = 0; a < 3 && !border; ++a) {
            for (int step : {-1, 1}) {
              Labels::IndexType n = i;
              n[a] += step;
              if (n[a] < 0 || n[a] >= long(size[a]) || tumours->GetPixel(n) != label) border = true;
            }
          }
          if (!border) continue;
          auto it = minimum.emplace(label, std::numeric_limits<float>::infinity()).first;
          it->second = std::min(it->second, d->GetPixel(i));
        }
      }
    }
    std::printf("{");
    const char* sep = "";
    for (const auto& [label, value] : minimum) {
      std::printf("%s\"%d\": %.4f", sep, label, double(value));
      sep = ", ";
    }
    std::printf("}\n");
  } catch (const itk::ExceptionObject& e) {
    std::fprintf(stderr, "ITK: %s\n", e.GetDescription());
    return 3;
  }
  return 0;
}
