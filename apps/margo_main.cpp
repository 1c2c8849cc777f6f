#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "apps/cli.h"
#include "core/interrupt.h"

int main(int argc, char** argv) {
  margo::InstallInterruptHandling();  // before any thread starts (core/interrupt.h)
  // Colour on a terminal unless NO_COLOR is set (no-color.org).
  const bool colour = ::isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr;
  return margo::RunCli({argv + 1, argv + argc}, std::cout, std::cerr, ::isatty(STDERR_FILENO) != 0, colour);
}
