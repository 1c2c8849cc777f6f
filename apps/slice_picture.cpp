#include "apps/slice_picture.h"

#include <itkLinearInterpolateImageFunction.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

namespace margo {
namespace {

// Soft-tissue window (W 400, L 40).
constexpr double kWindowLowHu = -160.0, kWindowHighHu = 240.0;

// The world point of pixel (x, y).
struct PlaneFrame {
  Vec3 origin{}, right{}, down{};  // origin = pixel (0, 0)'s centre; steps per pixel

  Vec3 At(int x, int y) const {
    return {origin[0] + x * right[0] + y * down[0], origin[1] + x * right[1] + y * down[1],
            origin[2] + x * right[2] + y * down[2]};
  }
};

PlaneFrame FrameOf(const SliceView& v) {
  const double step = v.field_mm / v.pixels;
  PlaneFrame f;
  // LPS: +L is the patient's left (shown on the right); +P is posterior
  // (down in axial); +S is superior (up in coronal).
  f.right = {step, 0, 0};
  f.down = v.plane == SlicePlane::kAxial ? Vec3{0, step, 0} : Vec3{0, 0, -step};
  const double half = 0.5 * (v.pixels - 1);
  for (int a = 0; a < 3; ++a) f.origin[a] = v.centre_mm[a] - half * (f.right[a] + f.down[a]);
  return f;
}

std::uint8_t Grey(double hu) {
  const double t = std::clamp((hu - kWindowLowHu) / (kWindowHighHu - kWindowLowHu), 0.0, 1.0);
  return std::uint8_t(std::lround(255.0 * t));
}

// Carries the points of one row of pixels (count of them) into another
// space at once: `out[i]` for `in[i]`.
using RowMap = std::function<void(const Vec3* in, std::size_t count, Vec3* out)>;

void Identity(const Vec3* in, std::size_t count, Vec3* out) { std::copy(in, in + count, out); }

RowMap PostToPre(const ScanMap& map) {
  return [&map](const Vec3* in, std::size_t count, Vec3* out) { map.Apply(in, count, out); };
}

// The world points of row y of the picture, carried by `map`.
std::vector<Vec3> RowPoints(const PlaneFrame& f, int pixels, int y, const RowMap& map) {
  std::vector<Vec3> row(std::size_t(pixels), Vec3{}), mapped(std::size_t(pixels), Vec3{});
  for (int x = 0; x < pixels; ++x) row[std::size_t(x)] = f.At(x, y);
  map(row.data(), row.size(), mapped.data());
  return mapped;
}

// CT values on the plane, each pixel's world point carried by `map` first.
std::vector<double> SampleCt(const CtImage* ct, const SliceView& view, const RowMap& map) {
  std::vector<double> hu(std::size_t(view.pixels) * std::size_t(view.pixels), -1000.0);
  if (ct == nullptr) return hu;
  auto interpolate = itk::LinearInterpolateImageFunction<CtImage, double>::New();
  interpolate->SetInputImage(ct);
  const PlaneFrame f = FrameOf(view);
  for (int y = 0; y < view.pixels; ++y) {
    const std::vector<Vec3> row = RowPoints(f, view.pixels, y, map);
    for (int x = 0; x < view.pixels; ++x) {
      const CtImage::PointType q(row[std::size_t(x)].data());
      if (interpolate->IsInsideBuffer(q))
        hu[std::size_t(y) * std::size_t(view.pixels) + std::size_t(x)] = interpolate->Evaluate(q);
    }
  }
  return hu;
}

// 1 where the label image (nearest voxel) holds a wanted value.
template <typename Wanted>
std::vector<std::uint8_t> SampleMask(const LabelImage& labels, const SliceView& view, const RowMap& map,
                                     Wanted wanted) {
  std::vector<std::uint8_t> mask(std::size_t(view.pixels) * std::size_t(view.pixels), 0);
  const PlaneFrame f = FrameOf(view);
  const auto region = labels.GetLargestPossibleRegion();
  for (int y = 0; y < view.pixels; ++y) {
    const std::vector<Vec3> row = RowPoints(f, view.pixels, y, map);
    for (int x = 0; x < view.pixels; ++x) {
      const itk::Index<3> index =
          labels.TransformPhysicalPointToIndex(LabelImage::PointType(row[std::size_t(x)].data()));
      if (region.IsInside(index) && wanted(labels.GetPixel(index))) {
        mask[std::size_t(y) * std::size_t(view.pixels) + std::size_t(x)] = 1;
      }
    }
  }
  return mask;
}

// Pixels of the mask with a pixel outside it within one pixel: a 2-3 pixel line.
void DrawContour(Picture& picture, const std::vector<std::uint8_t>& mask, Rgb colour) {
  const int n = picture.width();
  auto at = [&](int x, int y) {
    return x >= 0 && y >= 0 && x < n && y < n && mask[std::size_t(y * n + x)] != 0;
  };
  for (int y = 0; y < n; ++y) {
    for (int x = 0; x < n; ++x) {
      bool edge = false;
      for (int dy = -1; dy <= 1 && !edge; ++dy) {
        for (int dx = -1; dx <= 1 && !edge; ++dx) edge = at(x, y) != at(x + dx, y + dy);
      }
      if (edge && at(x, y)) picture.Set(x, y, colour);
    }
  }
}

Picture GreyPicture(const std::vector<double>& hu, int pixels) {
  Picture picture(pixels, pixels);
  for (int y = 0; y < pixels; ++y) {
    for (int x = 0; x < pixels; ++x) {
      const std::uint8_t g = Grey(hu[std::size_t(y) * std::size_t(pixels) + std::size_t(x)]);
      picture.Set(x, y, {g, g, g});
    }
  }
  return picture;
}

}  // namespace

Picture TumourSlice(const ReportImages& images, std::uint16_t label, const SliceView& view,
                    const Vec3& marker_mm) {
  Picture picture = GreyPicture(SampleCt(images.post_ct.GetPointer(), view, Identity), view.pixels);
  const RowMap to_pre = PostToPre(images.post_to_pre);
  DrawContour(picture, SampleMask(*images.zones, view, Identity, [](std::uint16_t v) { return v != 0; }),
              kZoneContour);
  DrawContour(picture,
              SampleMask(*images.tumours, view, to_pre, [label](std::uint16_t v) { return v == label; }),
              kTumourContour);
  // The marker in pixels, drawn when it lies within 1 mm of the plane.
  const PlaneFrame f = FrameOf(view);
  const Vec3 d{marker_mm[0] - f.origin[0], marker_mm[1] - f.origin[1], marker_mm[2] - f.origin[2]};
  auto along = [&d](const Vec3& step) {
    return (d[0] * step[0] + d[1] * step[1] + d[2] * step[2]) /
           (step[0] * step[0] + step[1] * step[1] + step[2] * step[2]);
  };
  const int normal_axis = view.plane == SlicePlane::kAxial ? 2 : 1;
  if (std::abs(marker_mm[normal_axis] - view.centre_mm[normal_axis]) < 1.0) {
    const double x = along(f.right) + 0.5, y = along(f.down) + 0.5;
    picture.Ring(x, y, 7.0, 3.5, {0, 0, 0});
    picture.Ring(x, y, 7.0, 1.5, kMinPointMarker);
    picture.Disc(x, y, 1.5, kMinPointMarker);
  }
  return picture;
}

Picture RegistrationCheckerboard(const ReportImages& images, const SliceView& view, double square_mm) {
  const std::vector<double> post = SampleCt(images.post_ct.GetPointer(), view, Identity);
  const std::vector<double> pre = SampleCt(images.pre_ct.GetPointer(), view, PostToPre(images.post_to_pre));
  const double step = view.field_mm / view.pixels;
  Picture picture = GreyPicture(post, view.pixels);
  // The pre CT's squares in a warm tint, so the squares can be told apart
  // where the two scans agree.
  for (int y = 0; y < view.pixels; ++y) {
    for (int x = 0; x < view.pixels; ++x) {
      if ((int(std::floor(x * step / square_mm)) + int(std::floor(y * step / square_mm))) % 2 == 0) continue;
      const std::uint8_t g = Grey(pre[std::size_t(y) * std::size_t(view.pixels) + std::size_t(x)]);
      picture.Set(x, y, {g, std::uint8_t(0.9 * g), std::uint8_t(0.75 * g)});
    }
  }
  return picture;
}

}  // namespace margo
