// margo_make_phantom DIR [--aligned]: writes the small phantom pair (see
// phantom.h); --aligned writes both scans on the pre grid with no motion.
#include <iostream>
#include <string>

#include "core/error.h"
#include "testdata/generator/phantom.h"

int main(int argc, char** argv) {
  const bool aligned = argc == 3 && std::string(argv[2]) == "--aligned";
  if (argc != 2 && !aligned) {
    std::cerr << "usage: margo_make_phantom OUTPUT_DIR [--aligned]\n";
    return 2;
  }
  margo::PhantomSpec spec = margo::SmallPhantomSpec();
  if (aligned) {
    spec.post_to_pre = margo::RigidTransform{};
    spec.post_grid = spec.pre_grid;
  }
  try {
    margo::WritePhantom(spec, argv[1]);
  } catch (const margo::Error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return margo::ExitCode(e.kind());
  }
  return 0;
}
