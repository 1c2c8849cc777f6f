// margo as one step of a research PACS workflow (docs/PACS.md): inputs given
// as DICOMweb references ("dicomweb:STUDY_UID[/SERIES_UID]") are found with
// QIDO-RS and retrieved with WADO-RS into the output folder; afterwards the
// DICOM outputs go back to the archive with STOW-RS (--store).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "apps/assess.h"
#include "core/log.h"
#include "io/dicomweb_client.h"

namespace CLI {
class App;
class Option;
}

namespace margo {

inline constexpr const char* kDicomWebPrefix = "dicomweb:";
inline constexpr const char* kDicomWebUserVariable = "MARGO_DICOMWEB_USER";
inline constexpr const char* kDicomWebPasswordVariable = "MARGO_DICOMWEB_PASSWORD";
// Where retrieved series go, inside --out.
inline constexpr const char* kDicomWebInputFolder = "dicomweb_inputs";

struct DicomWebOptions {
  std::string url;               // --dicomweb-url: the archive's DICOMweb root
  std::string credentials_file;  // --dicomweb-credentials: "user:password", owner-only permissions
  bool insecure = false;         // --dicomweb-insecure: no TLS certificate checks (warned)
  bool store = false;            // --store: STOW-RS the DICOM outputs after the report
  long timeout_s = 10;           // --dicomweb-timeout-s: to connect; 6x this for a stalled transfer
  // Set by AddDicomWebOptions: whether --dicomweb-timeout-s was given (it has a default).
  const CLI::Option* timeout_given = nullptr;
};

void AddDicomWebOptions(CLI::App& cmd, DicomWebOptions& options);

struct DicomWebReference {
  std::string study_uid;
  std::string series_uid;  // empty: find it by QIDO-RS (the study's one CT series)
};

// "dicomweb:1.2.3" or "dicomweb:1.2.3/4.5.6"; nullopt when `text` does not start
// with "dicomweb:". Throws Error(kUsage) when a UID is not a DICOM UID (digits
// and dots, at most 64 characters), naming `option`.
std::optional<DicomWebReference> ParseDicomWebReference(const std::string& text, const std::string& option);

struct DicomWebCredentials {
  std::string user, password;
};

// "user:password" on the file's first line. Throws Error(kUsage) when the file
// can be read by group or others (naming its mode), or has no ':'; and
// Error(kInputUnreadable) when it cannot be read.
DicomWebCredentials ReadCredentialsFile(const std::filesystem::path& file);

// The client configuration: URL checked, credentials from --dicomweb-credentials
// or else from MARGO_DICOMWEB_USER / MARGO_DICOMWEB_PASSWORD (both or neither).
DicomWebConfig MakeDicomWebConfig(const DicomWebOptions& options, Log& log);

// Checks the options together; true when the run talks to an archive.
// Throws Error(kUsage) for a reference, --store, --dicomweb-credentials,
// --dicomweb-insecure or --dicomweb-timeout-s without --dicomweb-url: each
// means nothing without an archive.
bool UsesDicomWeb(const AssessParams& params, const DicomWebOptions& options, Log& log);

// Replaces every dicomweb: reference among the inputs by the local folder (CT)
// or file it was retrieved to, under <out_dir>/dicomweb_inputs/<study>/<series>/.
// A CT reference without a series takes the study's only CT series; a study
// without one throws Error(kInputUnreadable) naming the study and the
// modalities it holds; several CT series throw Error(kUsage) listing them.
void RetrieveDicomWebInputs(AssessParams& params, const DicomWebClient& client,
                            const std::filesystem::path& out_dir, Log& log);

// STOW-RS of the DICOM files among `outputs` (names inside `out_dir`); logs
// what was stored. Nothing to store is a warning, not an error.
void StoreDicomOutputs(const std::vector<std::string>& outputs, const std::filesystem::path& out_dir,
                       const DicomWebClient& client, Log& log);

}  // namespace margo
