#include <unistd.h>

#include <iostream>

#include "apps/cli.h"

int main(int argc, char** argv) {
  return margo::RunCli({argv + 1, argv + argc}, std::cout, std::cerr, ::isatty(STDERR_FILENO) != 0,
                        ::isatty(STDOUT_FILENO) != 0);
}
