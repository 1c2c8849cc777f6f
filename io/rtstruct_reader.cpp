// RTSTRUCT -> contours (DCMTK dcmrt), and contours -> voxels.
#include "io/rtstruct_reader.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmrt/drtstrct.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>

#include "core/error.h"
#include "io/dcmtk_util.h"
#include "io/decimal_string.h"

namespace margo {
namespace {

constexpr double kPlaneToleranceSlices = 0.25;

std::string Str(const OFString& s) { return s.c_str(); }

[[noreturn]] void Reject(ErrorKind kind, const std::string& role, const std::string& path,
                         const std::string& what) {
  throw Error(kind, role + " " + path + ": " + what);
}

void ReadReferences(DRTStructureSetIOD& rt, RtStructureSet& out) {
  DRTReferencedFrameOfReferenceSequence& fors = rt.getReferencedFrameOfReferenceSequence();
  for (std::size_t i = 0; i < fors.getNumberOfItems(); ++i) {
    DRTReferencedFrameOfReferenceSequence::Item& f = fors.getItem(i);
    OFString uid;
    f.getFrameOfReferenceUID(uid);
    if (out.frame_of_reference.empty()) out.frame_of_reference = Str(uid);
    DRTRTReferencedStudySequence& studies = f.getRTReferencedStudySequence();
    for (std::size_t s = 0; s < studies.getNumberOfItems(); ++s) {
      DRTRTReferencedSeriesSequence& series = studies.getItem(s).getRTReferencedSeriesSequence();
      for (std::size_t r = 0; r < series.getNumberOfItems(); ++r) {
        OFString series_uid;
        series.getItem(r).getSeriesInstanceUID(series_uid);
        if (!series_uid.empty()) out.referenced_series_uids.push_back(Str(series_uid));
      }
    }
  }
}

std::vector<RtContour> ReadContours(DRTROIContourSequence::Item& item, const std::string& role,
                                    const std::string& path, const std::string& roi) {
  std::vector<RtContour> contours;
  DRTContourSequence& seq = item.getContourSequence();
  for (std::size_t c = 0; c < seq.getNumberOfItems(); ++c) {
    DRTContourSequence::Item& contour = seq.getItem(c);
    const std::string where = "ROI " + roi + ", contour " + std::to_string(c + 1);
    OFString type, text;
    contour.getContourGeometricType(type);
    contour.getContourData(text, -1);
    // DCMTK reads the number at the front of each value ("1,5" as 1).
    const std::optional<std::vector<double>> data = ParseDecimalString(Str(text));
    if (!data) {
      const std::string shown = text.size() > 60 ? Str(text).substr(0, 60) + "..." : Str(text);
      Reject(ErrorKind::kGeometryInvalid, role, path,
             where + ": Contour Data (3006,0050) is '" + shown +
                 "'; expected decimal numbers (DS) separated by backslashes");
    }
    const std::size_t needed = type == "CLOSED_PLANAR" ? 9 : 3;
    if (data->size() % 3 != 0 || data->size() < needed) {
      Reject(ErrorKind::kSegmentationInvalid, role, path,
             where + ": Contour Data (3006,0050) holds " + std::to_string(data->size()) +
                 " values; expected x\\y\\z triplets for at least " + std::to_string(needed / 3) + " point" +
                 (needed > 3 ? "s" : ""));
    }
    RtContour out;
    out.type = Str(type);
    for (std::size_t i = 0; i < data->size(); i += 3)
      out.points_mm.push_back({(*data)[i], (*data)[i + 1], (*data)[i + 2]});
    contours.push_back(std::move(out));
  }
  return contours;
}

// An IS attribute as one integer; refused otherwise ("1a" was read as 1).
int IntegerOrReject(const OFString& text, const std::string& what, const std::string& role,
                    const std::string& path) {
  const std::optional<int> n = ParseIntegerString(Str(text));
  if (!n) {
    Reject(ErrorKind::kSegmentationInvalid, role, path,
           what + " is '" + Str(text) + "'; expected one integer");
  }
  return *n;
}

}  // namespace

RtStructureSet ReadRtStruct(const std::string& path, const std::string& role,
                            const std::vector<std::uint16_t>& only) {
  const auto wanted = [&only](int number) {
    return only.empty() || std::find(only.begin(), only.end(), number) != only.end();
  };
  std::unique_ptr<DcmFileFormat> file = dcmtk::LoadFile(path, role);
  DRTStructureSetIOD rt;
  const OFCondition cond = rt.read(*file->getDataset());
  OFString sop_class;
  rt.getSOPClassUID(sop_class);
  if (sop_class != UID_RTStructureSetStorage) {
    Reject(ErrorKind::kInputUnreadable, role, path,
           "SOP Class UID (0008,0016) is '" + Str(sop_class) + "'; expected RT Structure Set Storage (" +
               UID_RTStructureSetStorage + ")");
  }
  if (cond.bad()) Reject(ErrorKind::kInputUnreadable, role, path, std::string("cannot read: ") + cond.text());
  RtStructureSet out;
  OFString v;
  rt.getSOPInstanceUID(v);
  out.sop_instance_uid = Str(v);
  rt.getSeriesInstanceUID(v);
  out.series_uid = Str(v);
  rt.getStudyInstanceUID(v);
  out.study_uid = Str(v);
  ReadReferences(rt, out);

  DRTStructureSetROISequence& rois = rt.getStructureSetROISequence();
  std::map<int, std::size_t> by_number;
  for (std::size_t i = 0; i < rois.getNumberOfItems(); ++i) {
    DRTStructureSetROISequence::Item& item = rois.getItem(i);
    RtRoi roi;
    OFString number, name;
    item.getROINumber(number, -1);
    item.getROIName(name);
    roi.name = Str(name);
    const std::string what = "ROI '" + roi.name + "': ROI Number (3006,0022)";
    // An ROI left out by the selection is not checked: it cannot be read
    // as any label, whatever its defects.
    if (!only.empty() && !ParseIntegerString(Str(number))) {
      out.unnumbered.push_back("'" + roi.name + "' ('" + Str(number) + "')");
      continue;
    }
    roi.number = IntegerOrReject(number, what, role, path);
    const auto [at, added] = by_number.emplace(roi.number, out.rois.size());
    if (!added && wanted(roi.number)) {
      // Their contours would merge into one structure (one label).
      Reject(ErrorKind::kSegmentationInvalid, role, path,
             "ROI Number (3006,0022) " + std::to_string(roi.number) + " is given to two ROIs, '" +
                 out.rois[at->second].name + "' and '" + roi.name +
                 "'; expected one number per ROI in the Structure Set ROI Sequence (3006,0020)");
    }
    if (added) out.rois.push_back(std::move(roi));
  }
  DRTROIContourSequence& contours = rt.getROIContourSequence();
  for (std::size_t i = 0; i < contours.getNumberOfItems(); ++i) {
    DRTROIContourSequence::Item& item = contours.getItem(i);
    OFString number_text;
    item.getReferencedROINumber(number_text, -1);
    const std::optional<int> parsed = ParseIntegerString(Str(number_text));
    if (!only.empty() && (!parsed || !wanted(*parsed))) continue;
    const int number = IntegerOrReject(
        number_text,
        "ROI Contour Sequence item " + std::to_string(i + 1) + ": Referenced ROI Number (3006,0084)", role,
        path);
    const auto found = by_number.find(number);
    if (found == by_number.end()) {
      Reject(ErrorKind::kSegmentationInvalid, role, path,
             "ROI Contour Sequence item " + std::to_string(i + 1) + " refers to ROI " +
                 std::to_string(number) +
                 ", which the Structure Set ROI Sequence (3006,0020) does not define");
    }
    RtRoi& roi = out.rois[found->second];
    std::vector<RtContour> read =
        ReadContours(item, role, path, std::to_string(number) + " '" + roi.name + "'");
    roi.contours.insert(roi.contours.end(), read.begin(), read.end());
  }
  return out;
}

namespace {

// A contour in continuous index coordinates of the grid, with its extent
// along the slice axis (k) and in patient z (mm, for messages).
struct GridContour {
  std::vector<std::array<double, 3>> poly;
  double k_min = HUGE_VAL, k_max = -HUGE_VAL, z_min_mm = HUGE_VAL, z_max_mm = -HUGE_VAL;
  double i_min = HUGE_VAL, i_max = -HUGE_VAL, j_min = HUGE_VAL, j_max = -HUGE_VAL;
  double KRound() const { return std::round(0.5 * (k_min + k_max)); }
};

// The bounds of all `contours` together (no points).
GridContour Span(const std::vector<GridContour>& contours) {
  GridContour all;
  for (const GridContour& c : contours) {
    all.i_min = std::min(all.i_min, c.i_min), all.i_max = std::max(all.i_max, c.i_max);
    all.j_min = std::min(all.j_min, c.j_min), all.j_max = std::max(all.j_max, c.j_max);
    all.k_min = std::min(all.k_min, c.k_min), all.k_max = std::max(all.k_max, c.k_max);
    all.z_min_mm = std::min(all.z_min_mm, c.z_min_mm), all.z_max_mm = std::max(all.z_max_mm, c.z_max_mm);
  }
  return all;
}

GridContour ToGrid(const RtContour& contour, const itk::ImageBase<3>& grid) {
  GridContour out;
  for (const Vec3& p : contour.points_mm) {
    itk::Point<double, 3> point;
    for (int a = 0; a < 3; ++a) point[a] = p[a];
    const auto index = grid.TransformPhysicalPointToContinuousIndex<double, double>(point);
    out.poly.push_back({index[0], index[1], index[2]});
    out.i_min = std::min(out.i_min, index[0]);
    out.i_max = std::max(out.i_max, index[0]);
    out.j_min = std::min(out.j_min, index[1]);
    out.j_max = std::max(out.j_max, index[1]);
    out.k_min = std::min(out.k_min, index[2]);
    out.k_max = std::max(out.k_max, index[2]);
    out.z_min_mm = std::min(out.z_min_mm, p[2]);
    out.z_max_mm = std::max(out.z_max_mm, p[2]);
  }
  return out;
}

bool OutsideSlices(const GridContour& c, std::size_t slices) {
  return c.KRound() < 0 || c.KRound() >= double(slices);
}

// Contours are drawn on the slices of their CT: one beyond its first or
// last slice means the ROI was drawn on another CT (or in another frame).
// Say that, rather than how far its points are from slice planes.
void CheckRoiWithinCt(const std::vector<GridContour>& contours, const itk::ImageBase<3>& grid,
                      const std::string& name, const std::string& role, const std::string& path) {
  const std::size_t slices = grid.GetLargestPossibleRegion().GetSize()[2];
  const auto outside = [slices](const GridContour& c) { return OutsideSlices(c, slices); };
  if (std::none_of(contours.begin(), contours.end(), outside)) return;
  const GridContour all = Span(contours);
  const long last = long(slices) - 1;
  itk::Point<double, 3> first_mm, last_mm;
  grid.TransformIndexToPhysicalPoint(itk::Index<3>{{0, 0, 0}}, first_mm);
  grid.TransformIndexToPhysicalPoint(itk::Index<3>{{0, 0, last}}, last_mm);
  const bool all_outside = std::all_of(contours.begin(), contours.end(), outside);
  char buf[400];
  std::snprintf(
      buf, sizeof buf,
      " lies %s the CT: its contours span z %.1f to %.1f mm (slices %.1f to %.1f on the CT grid); the CT "
      "covers z %.1f to %.1f mm (slices 0 to %ld); expected contours within the CT they were drawn on",
      all_outside ? "outside" : "partly outside", all.z_min_mm, all.z_max_mm, all.k_min, all.k_max,
      std::min(first_mm[2], last_mm[2]), std::max(first_mm[2], last_mm[2]), last);
  Reject(ErrorKind::kGeometryInvalid, role, path, name + buf);
}

// Beyond the outermost voxels' outer faces, in-plane.
bool OutsideInPlane(const GridContour& c, const itk::Size<3>& size) {
  return c.i_min < -0.5 || c.j_min < -0.5 || c.i_max > double(size[0]) - 0.5 ||
         c.j_max > double(size[1]) - 0.5;
}

// The same in-plane: FillContour clips to the grid, so a contour beyond the
// CT's edge lost its outer part and one wholly beyond it all its voxels,
// without a word.
void CheckRoiWithinCtInPlane(const std::vector<GridContour>& contours, const itk::ImageBase<3>& grid,
                             const std::string& name, const std::string& role, const std::string& path) {
  const itk::Size<3> size = grid.GetLargestPossibleRegion().GetSize();
  const auto outside = [&size](const GridContour& c) { return OutsideInPlane(c, size); };
  if (std::none_of(contours.begin(), contours.end(), outside)) return;
  const GridContour all = Span(contours);
  const bool all_outside = std::all_of(contours.begin(), contours.end(), [&size](const GridContour& c) {
    return c.i_max < -0.5 || c.j_max < -0.5 || c.i_min > double(size[0]) - 0.5 ||
           c.j_min > double(size[1]) - 0.5;
  });
  char buf[400];
  std::snprintf(
      buf, sizeof buf,
      " lies %s the CT in-plane: its contours span columns %.1f to %.1f and rows %.1f to %.1f on the "
      "CT grid; the CT has columns 0 to %lu and rows 0 to %lu; expected contours within the CT they "
      "were drawn on",
      all_outside ? "outside" : "partly outside", all.i_min, all.i_max, all.j_min, all.j_max,
      static_cast<unsigned long>(size[0] - 1), static_cast<unsigned long>(size[1] - 1));
  Reject(ErrorKind::kGeometryInvalid, role, path, name + buf);
}

// Toggles the voxels of slice k whose centres lie inside the contour.
void FillContour(const GridContour& contour, double k_round, MaskImage& mask) {
  const std::vector<std::array<double, 3>>& poly = contour.poly;
  const auto size = mask.GetLargestPossibleRegion().GetSize();
  const itk::IndexValueType k = static_cast<itk::IndexValueType>(k_round);
  double i_lo = HUGE_VAL, i_hi = -HUGE_VAL, j_lo = HUGE_VAL, j_hi = -HUGE_VAL;
  for (const auto& q : poly) {
    i_lo = std::min(i_lo, q[0]);
    i_hi = std::max(i_hi, q[0]);
    j_lo = std::min(j_lo, q[1]);
    j_hi = std::max(j_hi, q[1]);
  }
  const long j0 = std::max(0L, long(std::ceil(j_lo))),
             j1 = std::min(long(size[1]) - 1, long(std::floor(j_hi)));
  const long i0 = std::max(0L, long(std::ceil(i_lo))),
             i1 = std::min(long(size[0]) - 1, long(std::floor(i_hi)));
  // Scan lines through voxel centres; even-odd crossings, toggling so that
  // contours of one ROI in one slice combine into holes.
  std::vector<double> crossings;
  for (long j = j0; j <= j1; ++j) {
    crossings.clear();
    for (std::size_t e = 0; e < poly.size(); ++e) {
      const auto& a = poly[e];
      const auto& b = poly[(e + 1) % poly.size()];
      if ((a[1] <= j) == (b[1] <= j)) continue;  // edge does not cross this scan line
      crossings.push_back(a[0] + (j - a[1]) * (b[0] - a[0]) / (b[1] - a[1]));
    }
    std::sort(crossings.begin(), crossings.end());
    for (std::size_t x = 0; x + 1 < crossings.size(); x += 2) {
      const long from = std::max(i0, long(std::ceil(crossings[x])));
      const long to = std::min(i1, long(std::ceil(crossings[x + 1])) - 1);
      for (long i = from; i <= to; ++i) {
        const MaskImage::IndexType index{{i, j, k}};
        mask.SetPixel(index, mask.GetPixel(index) ^ 1);
      }
    }
  }
}

}  // namespace

MaskImage::Pointer RasteriseRoi(const RtRoi& roi, const itk::ImageBase<3>& grid, const std::string& role,
                                const std::string& path) {
  auto mask = MaskImage::New();
  mask->CopyInformation(&grid);
  mask->SetRegions(grid.GetLargestPossibleRegion());
  mask->Allocate();
  mask->FillBuffer(0);
  const std::string name = "ROI " + std::to_string(roi.number) + " '" + roi.name + "'";
  std::size_t open = 0;
  for (const RtContour& c : roi.contours) open += c.type != "CLOSED_PLANAR";
  if (open > 0) {
    const auto first = std::find_if(roi.contours.begin(), roi.contours.end(),
                                    [](const RtContour& c) { return c.type != "CLOSED_PLANAR"; });
    Reject(ErrorKind::kSegmentationInvalid, role, path,
           name + ": " + std::to_string(open) + " of its " + std::to_string(roi.contours.size()) +
               " contours are not CLOSED_PLANAR (first: contour " +
               std::to_string(first - roi.contours.begin() + 1) + ", Contour Geometric Type (3006,0042) '" +
               first->type +
               "'); expected only CLOSED_PLANAR contours: an open line or a point encloses no volume, and "
               "leaving it out would cut the structure short (leave the ROI out with --tumour-labels or "
               "--ablation-labels)");
  }
  std::vector<GridContour> contours;
  for (const RtContour& c : roi.contours) contours.push_back(ToGrid(c, grid));
  CheckRoiWithinCt(contours, grid, name, role, path);
  CheckRoiWithinCtInPlane(contours, grid, name, role, path);
  for (std::size_t c = 0; c < contours.size(); ++c) {
    const double k_round = contours[c].KRound();
    const double off = std::max(std::abs(contours[c].k_max - k_round), std::abs(contours[c].k_min - k_round));
    if (off > kPlaneToleranceSlices) {
      char buf[260];
      std::snprintf(
          buf, sizeof buf,
          ", contour %zu: its points lie up to %.2f slices off grid slice %.0f; expected a contour in "
          "one slice plane of the CT (at most %.2f slices off)",
          c + 1, off, k_round, kPlaneToleranceSlices);
      Reject(ErrorKind::kGeometryInvalid, role, path, name + buf);
    }
    FillContour(contours[c], k_round, *mask);
  }
  return mask;
}

}  // namespace margo
