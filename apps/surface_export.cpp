#include "apps/surface_export.h"

#include <vtkCellArray.h>
#include <vtkDoubleArray.h>
#include <vtkErrorCode.h>
#include <vtkFieldData.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkSmartPointer.h>
#include <vtkStringArray.h>
#include <vtkUnsignedCharArray.h>
#include <vtkUnsignedShortArray.h>
#include <vtkXMLPolyDataWriter.h>

#include "apps/margin_colours.h"
#include "core/atomic_file.h"
#include "core/error.h"

namespace margo {
namespace {

struct Arrays {
  vtkSmartPointer<vtkPoints> points = vtkSmartPointer<vtkPoints>::New();
  vtkSmartPointer<vtkCellArray> polys = vtkSmartPointer<vtkCellArray>::New();
  vtkSmartPointer<vtkDoubleArray> margin = vtkSmartPointer<vtkDoubleArray>::New();
  vtkSmartPointer<vtkUnsignedCharArray> rgb = vtkSmartPointer<vtkUnsignedCharArray>::New();
  vtkSmartPointer<vtkUnsignedShortArray> label = vtkSmartPointer<vtkUnsignedShortArray>::New();

  Arrays() {
    points->SetDataTypeToDouble();
    margin->SetName("margin_mm");
    rgb->SetName("margin_rgb");
    rgb->SetNumberOfComponents(3);
    label->SetName("tumour_label");
  }
};

void Append(const MarginMesh& mesh, const CategoryThresholds& thresholds, Arrays& out) {
  const vtkIdType first = out.points->GetNumberOfPoints();
  const bool has_margin = mesh.margin_mm.size() == mesh.points_mm.size();
  for (std::size_t i = 0; i < mesh.points_mm.size(); ++i) {
    const Vec3& p = mesh.points_mm[i];
    out.points->InsertNextPoint(p[0], p[1], p[2]);
    out.label->InsertNextValue(mesh.label);
    if (!has_margin) continue;
    out.margin->InsertNextValue(mesh.margin_mm[i]);
    const Rgb c = MarginColour(mesh.margin_mm[i], thresholds);
    const unsigned char rgb[3] = {c.r, c.g, c.b};
    out.rgb->InsertNextTypedTuple(rgb);
  }
  for (const auto& t : mesh.triangles) {
    const vtkIdType ids[3] = {first + vtkIdType(t[0]), first + vtkIdType(t[1]), first + vtkIdType(t[2])};
    out.polys->InsertNextCell(3, ids);
  }
}

void Write(const Arrays& arrays, bool with_labels, const std::filesystem::path& path) {
  auto poly = vtkSmartPointer<vtkPolyData>::New();
  poly->SetPoints(arrays.points);
  poly->SetPolys(arrays.polys);
  if (arrays.margin->GetNumberOfTuples() == arrays.points->GetNumberOfPoints()) {
    poly->GetPointData()->AddArray(arrays.margin);
    poly->GetPointData()->AddArray(arrays.rgb);
    poly->GetPointData()->SetActiveScalars("margin_mm");
  }
  if (with_labels) poly->GetPointData()->AddArray(arrays.label);
  // 3D Slicer reads a .vtp's coordinate system from this field (its model
  // storage node writes the same); without it Slicer guesses.
  auto space = vtkSmartPointer<vtkStringArray>::New();
  space->SetName("SPACE");
  space->InsertNextValue("LPS");
  poly->GetFieldData()->AddArray(space);
  const std::filesystem::path temporary = TemporarySibling(path);
  auto writer = vtkSmartPointer<vtkXMLPolyDataWriter>::New();
  writer->SetInputData(poly);
  writer->SetFileName(temporary.c_str());
  writer->SetDataModeToAppended();
  // zlib's fastest level: on the IRCAD hybrid 0.20 s instead of 0.66 s
  // (VTK's default 5), for files 2 % larger.
  writer->SetCompressionLevel(1);
  // VTK's own report of a failed write (off unless --verbose, apps/cli.cpp)
  // would be a multi-line block; the error code says what failed.
  const bool written = writer->Write() == 1 && writer->GetErrorCode() == vtkErrorCode::NoError;
  if (!written) {
    const unsigned long code = writer->GetErrorCode();
    std::error_code ec;
    std::filesystem::remove(temporary, ec);
    throw Error(ErrorKind::kOutputFailed, "output " + path.string() + ": cannot write the surface (" +
                                              (code == vtkErrorCode::NoError
                                                   ? std::string("VTK's writer failed")
                                                   : std::string(vtkErrorCode::GetStringFromErrorCode(code))) +
                                              ")");
  }
  CommitTemporary(temporary, path);
}

}  // namespace

void WriteTumourSurfaces(const MarginMaps& maps, const CategoryThresholds& thresholds,
                         const std::filesystem::path& path) {
  Arrays arrays;
  for (const MarginMesh& mesh : maps.tumours) Append(mesh, thresholds, arrays);
  Write(arrays, true, path);
}

void WriteZoneSurface(const MarginMaps& maps, const CategoryThresholds& thresholds,
                      const std::filesystem::path& path) {
  Arrays arrays;
  Append(*maps.zone, thresholds, arrays);
  Write(arrays, false, path);
}

}  // namespace margo
