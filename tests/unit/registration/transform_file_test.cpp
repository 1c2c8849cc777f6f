// The transform file margo writes: byte for byte what ITK's own text writer
// writes (what 3D Slicer and ITK tools load), and, unlike ITK's writer, an
// Error(kOutputFailed) naming the file when the disk is full, with nothing
// left behind (ITK's TxtTransformIO never checks its stream: a 0-byte .tfm
// came out of a run that exited 0).
#include "registration/transform_file.h"

#include <gtest/gtest.h>
#include <itkBSplineTransform.h>
#include <itkCompositeTransform.h>
#include <itkTransformFileWriter.h>
#include <itkTxtTransformIOFactory.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "registration/itk_transform.h"
#include "tests/support/expect_error.h"
#include "tests/support/file_size_limit.h"
#include "tests/support/temp_dir.h"

namespace margo {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

int FilesIn(const std::filesystem::path& dir) {
  int n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

RigidTransform SomeRigid() {
  RigidTransform rigid;
  rigid.angles_rad = {0.051207690537973034, -0.025, 1.0 / 3.0};
  rigid.translation_mm = {7.94, -1.6103578917703414, 1e-7};
  rigid.centre_mm = {-14.400002837181091, -0.000005602836608886719, 0.0};
  return rigid;
}

// margo's composite: the rigid map, then a B-spline on a small grid with
// coefficients of every magnitude (ITK applies the last added first).
itk::CompositeTransform<double, 3>::Pointer SomeComposite() {
  using BSpline = itk::BSplineTransform<double, 3, 3>;
  auto bspline = BSpline::New();
  BSpline::MeshSizeType mesh;
  mesh.Fill(2);
  BSpline::PhysicalDimensionsType size;
  size.Fill(120.0);
  BSpline::OriginType origin;
  origin.Fill(-60.25);
  bspline->SetTransformDomainMeshSize(mesh);
  bspline->SetTransformDomainPhysicalDimensions(size);
  bspline->SetTransformDomainOrigin(origin);
  BSpline::ParametersType parameters(bspline->GetNumberOfParameters());
  std::mt19937 random(3);
  std::normal_distribution<double> mm(0.0, 2.0);
  for (unsigned i = 0; i < parameters.size(); ++i) {
    parameters[i] = i % 7 == 0 ? 0.0 : mm(random) * std::pow(10.0, i % 5 - 2.0);
  }
  bspline->SetParametersByValue(parameters);
  auto composite = itk::CompositeTransform<double, 3>::New();
  composite->AddTransform(ToItk(SomeRigid()));
  composite->AddTransform(bspline);
  return composite;
}

std::string WrittenByItk(const itk::TransformBaseTemplate<double>* transform, const std::string& path) {
  itk::TxtTransformIOFactory::RegisterOneFactory();
  auto writer = itk::TransformFileWriterTemplate<double>::New();
  writer->SetInput(transform);
  writer->SetFileName(path);
  writer->Update();
  return Slurp(path);
}

TEST(TransformFileTest, SameBytesAsItksWriter) {
  testing::TempDir dir;
  WriteTransformFile(ScanMap(SomeRigid()), dir / "rigid.tfm");
  EXPECT_EQ(Slurp(dir / "rigid.tfm"), WrittenByItk(ToItk(SomeRigid()), dir / "rigid_itk.tfm"));
  const auto composite = SomeComposite();
  WriteItkTransformText(*composite, dir / "composite.tfm");
  EXPECT_EQ(Slurp(dir / "composite.tfm"), WrittenByItk(composite, dir / "composite_itk.tfm"));
  WriteItkTransformText(*composite, dir / "composite.txt");
  EXPECT_EQ(Slurp(dir / "composite.txt"), Slurp(dir / "composite.tfm"));
}

TEST(TransformFileTest, AFullDiskIsAnErrorNamingTheFile) {
  testing::TempDir dir;
  const std::string rigid = dir / "transform_post_to_pre.tfm", composite = dir / "composite.tfm";
  {
    const testing::FileSizeLimit full_disk(100);  // a rigid map takes some 300 bytes, the composite 8 KiB
    testing::ExpectError([&] { WriteTransformFile(ScanMap(SomeRigid()), rigid); }, ErrorKind::kOutputFailed,
                         {rigid, "cannot write"});
    testing::ExpectError([&] { WriteItkTransformText(*SomeComposite(), composite); },
                         ErrorKind::kOutputFailed, {composite, "cannot write"});
  }
  EXPECT_EQ(FilesIn(dir.path()), 0) << "neither the output nor a temporary is left";
}

TEST(TransformFileTest, RefusesAFormatItDoesNotWrite) {
  testing::TempDir dir;
  const std::string h5 = dir / "map.h5";
  testing::ExpectError([&] { WriteItkTransformText(*SomeComposite(), h5); }, ErrorKind::kUsage, {h5, ".tfm"});
  EXPECT_EQ(FilesIn(dir.path()), 0);
}

}  // namespace
}  // namespace margo
