// A plain RGB picture drawn by margo itself (no display, no render window:
// it works on a PACS node without X), and its PNG encoding.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "apps/margin_colours.h"

namespace margo {

class Picture {
 public:
  Picture(int width, int height, Rgb background = {0, 0, 0});
  int width() const { return width_; }
  int height() const { return height_; }
  Rgb Get(int x, int y) const;
  void Set(int x, int y, Rgb c);  // ignored outside the picture
  // c over the pixel with opacity alpha (0..1).
  void Blend(int x, int y, Rgb c, double alpha);
  // A filled disc and a ring (the minimal-margin point marker).
  void Disc(double cx, double cy, double radius, Rgb c);
  void Ring(double cx, double cy, double radius, double thickness, Rgb c);
  // Each pixel repeated `factor` times in both directions.
  Picture Enlarged(int factor) const;
  const std::vector<std::uint8_t>& rgb() const { return rgb_; }

 private:
  int width_, height_;
  std::vector<std::uint8_t> rgb_;
};

// PNG file content (VTK's PNG writer, in memory). Throws Error(kOutputFailed).
std::string EncodePng(const Picture& picture);
std::string Base64(const std::string& bytes);
// "data:image/png;base64,..." for an <img> that needs no other file.
std::string PngDataUri(const Picture& picture);

}  // namespace margo
