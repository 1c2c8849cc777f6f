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

#include "core/error.h"
#include "io/dcmtk_util.h"

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
    OFString type;
    contour.getContourGeometricType(type);
    if (type != "CLOSED_PLANAR") continue;  // points and open lines enclose no volume
    OFVector<Float64> data;
    contour.getContourData(data);
    if (data.size() % 3 != 0 || data.size() < 9) {
      Reject(ErrorKind::kSegmentationInvalid, role, path,
             "ROI " + roi + ", contour " + std::to_string(c + 1) + ": Contour Data (3006,0050) holds " +
                 std::to_string(data.size()) + " values; expected x\\y\\z triplets for at least 3 points");
    }
    RtContour out;
    for (std::size_t i = 0; i < data.size(); i += 3)
      out.points_mm.push_back({data[i], data[i + 1], data[i + 2]});
    contours.push_back(std::move(out));
  }
  return contours;
}

}  // namespace

RtStructureSet ReadRtStruct(const std::string& path, const std::string& role) {
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
    item.getROINumber(number);
    item.getROIName(name);
    roi.number = std::atoi(number.c_str());
    roi.name = Str(name);
    by_number[roi.number] = out.rois.size();
    out.rois.push_back(std::move(roi));
  }
  DRTROIContourSequence& contours = rt.getROIContourSequence();
  for (std::size_t i = 0; i < contours.getNumberOfItems(); ++i) {
    DRTROIContourSequence::Item& item = contours.getItem(i);
    Sint32 number = 0;
    item.getReferencedROINumber(number);
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

MaskImage::Pointer RasteriseRoi(const RtRoi& roi, const itk::ImageBase<3>& grid, const std::string& role,
                                const std::string& path) {
  auto mask = MaskImage::New();
  mask->CopyInformation(&grid);
  mask->SetRegions(grid.GetLargestPossibleRegion());
  mask->Allocate();
  mask->FillBuffer(0);
  const auto size = grid.GetLargestPossibleRegion().GetSize();
  const std::string name = "ROI " + std::to_string(roi.number) + " '" + roi.name + "'";
  for (std::size_t c = 0; c < roi.contours.size(); ++c) {
    // The contour in continuous index coordinates of the grid.
    std::vector<std::array<double, 3>> poly;
    double k_min = HUGE_VAL, k_max = -HUGE_VAL;
    for (const Vec3& p : roi.contours[c].points_mm) {
      itk::Point<double, 3> point;
      for (int a = 0; a < 3; ++a) point[a] = p[a];
      const auto index = grid.TransformPhysicalPointToContinuousIndex<double, double>(point);
      poly.push_back({index[0], index[1], index[2]});
      k_min = std::min(k_min, index[2]);
      k_max = std::max(k_max, index[2]);
    }
    const double k_round = std::round(0.5 * (k_min + k_max));
    const double off = std::max(std::abs(k_max - k_round), std::abs(k_min - k_round));
    if (off > kPlaneToleranceSlices) {
      char buf[260];
      std::snprintf(
          buf, sizeof buf,
          ", contour %zu: its points lie up to %.2f slices off grid slice %.0f; expected a contour in "
          "one slice plane of the CT (at most %.2f slices off)",
          c + 1, off, k_round, kPlaneToleranceSlices);
      Reject(ErrorKind::kGeometryInvalid, role, path, name + buf);
    }
    if (k_round < 0 || k_round >= double(size[2])) continue;  // outside the CT: nothing to fill
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
          mask->SetPixel(index, mask->GetPixel(index) ^ 1);
        }
      }
    }
  }
  return mask;
}

}  // namespace margo
