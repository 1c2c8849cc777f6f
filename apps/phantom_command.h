// The `margo phantom` and `margo regress` subcommands: declared on the CLI11
// app by cli.cpp, run here so cli.cpp only dispatches.
#pragma once

#include <ostream>
#include <string>

#include "apps/regress.h"
#include "core/log.h"

namespace CLI {
class App;
}

namespace margo {

struct PhantomParams {
  std::string out_dir;           // REQUIRED: case folder to write (created if needed)
  std::string preset = "small";  // Default: small. One of PresetNames() (testdata/generator/phantom_case.h)
  unsigned seed = 1;             // Default: 1. Noise and gas bubbles only; the truth does not depend on it
  std::string format = "nifti";  // Default: nifti. "dicom": CT series and SEG files (testdata/generator/case_writer.h)
  // Hybrid mode (both or neither): real CT and its label map; --preset then only chooses the motion.
  std::string hybrid_ct, hybrid_labels;
  unsigned liver_label = 1;  // Default: 1 (3D-IRCADb)
};

CLI::App* AddPhantomCommand(CLI::App& app, PhantomParams& params);
int RunPhantomCommand(const PhantomParams& params, std::ostream& out, Log& log);

struct RegressOptions {
  RegressParams params;
  std::string registration = "deformable";
  std::string json;  // Default: none. File for the machine-readable result (RegressJson)
};

CLI::App* AddRegressCommand(CLI::App& app, RegressOptions& options);
// Prints the table on `out`, each case's rows as the case ends, and writes
// --json when given; exit code 0 when every case passes, else 9 (3 when
// SUITE cannot be read, 7 when --json cannot be written).
int RunRegressCommand(RegressOptions& options, std::ostream& out, Log& log);

}  // namespace margo
