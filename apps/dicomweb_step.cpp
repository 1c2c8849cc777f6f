#include "apps/dicomweb_step.h"

#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>

#include "apps/cli_checks.h"
#include "core/error.h"
#include "io/safe_file_name.h"

namespace margo {
namespace {

constexpr char kSeriesUidTag[] = "0020000E";
constexpr char kModalityTag[] = "00080060";
constexpr char kDescriptionTag[] = "0008103E";
constexpr char kInstanceCountTag[] = "00201209";

bool IsUid(const std::string& uid) {
  return !uid.empty() && uid.size() <= 64 && uid.front() != '.' && uid.back() != '.' &&
         uid.find("..") == std::string::npos &&
         std::all_of(uid.begin(), uid.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

std::string Value(const DicomAttributes& a, const char* tag) {
  const auto it = a.find(tag);
  return it == a.end() ? "" : it->second;
}

// An input that may be a dicomweb: reference, with what kind of series it wants.
struct InputSlot {
  std::string* path;
  const char* option;
  const char* role;
  bool ct;  // CT series (a folder); otherwise a segmentation (SEG or RTSTRUCT)
};

std::vector<InputSlot> Slots(AssessParams& p) {
  return {{&p.pre_ct, "--pre-ct", "pre CT", true},
          {&p.post_ct, "--post-ct", "post CT", true},
          {&p.tumours, "--tumours", "tumours", false},
          {&p.ablation, "--ablation", "ablation zone", false},
          {&p.pre_liver, "--pre-liver", "pre liver", false},
          {&p.post_liver, "--post-liver", "post liver", false}};
}

std::string SeriesList(const std::vector<DicomAttributes>& series) {
  std::string list;
  for (const DicomAttributes& s : series) {
    list += (list.empty() ? "" : "; ") + Value(s, kSeriesUidTag) + " (" + Value(s, kModalityTag);
    const std::string description = Value(s, kDescriptionTag);
    if (!description.empty()) list += ", '" + description + "'";
    list += ")";
  }
  return list;
}

// The series of `study` that an input without a series UID means: the only
// one of the wanted modalities.
std::string FindSeries(const DicomWebClient& client, const std::string& study, const InputSlot& slot,
                       Log& log) {
  const std::string path = "studies/" + UrlEncode(study) + "/series";
  const std::vector<std::pair<std::string, std::string>> fields = {{"includefield", kDescriptionTag},
                                                                   {"includefield", kInstanceCountTag}};
  const std::vector<DicomAttributes> all = client.Search(path, fields);
  if (all.empty()) {
    throw Error(ErrorKind::kInputUnreadable,
                std::string(slot.option) + " dicomweb:" + study + ": the archive " +
                    client.config().base_url +
                    " has no series in this study; expected a study with a CT series");
  }
  const std::set<std::string> wanted =
      slot.ct ? std::set<std::string>{"CT"} : std::set<std::string>{"SEG", "RTSTRUCT"};
  std::vector<DicomAttributes> matches;
  std::set<std::string> modalities;
  for (const DicomAttributes& s : all) {
    modalities.insert(Value(s, kModalityTag).empty() ? "(none)" : Value(s, kModalityTag));
    if (wanted.count(Value(s, kModalityTag))) matches.push_back(s);
  }
  const std::string expected = slot.ct ? "CT" : "SEG or RTSTRUCT";
  if (matches.empty()) {
    std::string found;
    for (const std::string& m : modalities) found += (found.empty() ? "" : ", ") + m;
    throw Error(ErrorKind::kInputUnreadable, std::string(slot.option) + " dicomweb:" + study +
                                                 ": the study has no " + expected + " series; found " +
                                                 std::to_string(all.size()) + " series of modality " + found +
                                                 "; expected one " + expected + " series");
  }
  if (matches.size() > 1) {
    throw Error(ErrorKind::kUsage, std::string(slot.option) + " dicomweb:" + study + ": the study has " +
                                       std::to_string(matches.size()) + " " + expected + " series (" +
                                       SeriesList(matches) + "); name one as dicomweb:" + study +
                                       "/SERIES_UID");
  }
  log.Info(std::string(slot.role) + ": series " + SeriesList(matches) + " of study " + study);
  return Value(matches.front(), kSeriesUidTag);
}

}  // namespace

void AddDicomWebOptions(CLI::App& cmd, DicomWebOptions& o) {
  const char* group = "PACS (DICOMweb, docs/PACS.md)";
  cmd.add_option(
         "--dicomweb-url", o.url,
         "DICOMweb root of the archive, e.g. https://pacs.example/dicom-web; inputs may then be "
         "dicomweb:STUDY_UID[/SERIES_UID]. Credentials: MARGO_DICOMWEB_USER and MARGO_DICOMWEB_PASSWORD "
         "or --dicomweb-credentials")
      ->group(group);
  cmd.add_option("--dicomweb-credentials", o.credentials_file,
                 "File holding user:password (readable by its owner only)")
      ->group(group);
  cmd.add_flag("--dicomweb-insecure", o.insecure, "Do not check the archive's TLS certificate (warned)")
      ->group(group);
  o.timeout_given =
      cmd.add_option("--dicomweb-timeout-s", o.timeout_s,
                     "Seconds to connect; a transfer that moves nothing for 6 times this long is aborted")
          ->check(WholeNumber(1, 600, "seconds"))
          ->capture_default_str()
          ->group(group);
  cmd.add_flag("--store", o.store, "Store the DICOM outputs in the archive (STOW-RS) after the report")
      ->group(group);
}

std::optional<DicomWebReference> ParseDicomWebReference(const std::string& text, const std::string& option) {
  const std::string prefix = kDicomWebPrefix;
  if (text.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  const std::string rest = text.substr(prefix.size());
  const std::size_t slash = rest.find('/');
  DicomWebReference ref{rest.substr(0, slash), slash == std::string::npos ? "" : rest.substr(slash + 1)};
  if (!IsUid(ref.study_uid) || (slash != std::string::npos && !IsUid(ref.series_uid))) {
    throw Error(ErrorKind::kUsage,
                option + " '" + text +
                    "': expected dicomweb:STUDY_UID or dicomweb:STUDY_UID/SERIES_UID, each UID "
                    "digits and dots, at most 64 characters");
  }
  return ref;
}

DicomWebCredentials ReadCredentialsFile(const std::filesystem::path& file) {
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0) {
    throw Error(ErrorKind::kInputUnreadable, "--dicomweb-credentials " + file.string() + ": no such file");
  }
  if (info.st_mode & 077) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", unsigned(info.st_mode & 07777));
    throw Error(ErrorKind::kUsage, "--dicomweb-credentials " + file.string() + ": mode " + mode +
                                       " lets group or others read the password; expected 0600 or 0400 "
                                       "(chmod 600 " +
                                       file.string() + ")");
  }
  std::ifstream in(file);
  std::string line;
  if (!in || !std::getline(in, line)) {
    throw Error(ErrorKind::kInputUnreadable, "--dicomweb-credentials " + file.string() + ": cannot read it");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  const std::size_t colon = line.find(':');
  if (colon == std::string::npos || colon == 0) {
    throw Error(ErrorKind::kUsage, "--dicomweb-credentials " + file.string() +
                                       ": first line has no 'user:password'; expected user:password");
  }
  return {line.substr(0, colon), line.substr(colon + 1)};
}

DicomWebConfig MakeDicomWebConfig(const DicomWebOptions& o, Log& log) {
  DicomWebConfig config;
  config.base_url = o.url;
  CheckDicomWebUrl(o.url);
  config.verify_tls = !o.insecure;
  config.connect_timeout_s = o.timeout_s;
  config.stall_timeout_s = 6 * o.timeout_s;
  if (o.insecure) log.Warn("--dicomweb-insecure: the archive's TLS certificate is not checked");
  if (!o.credentials_file.empty()) {
    const DicomWebCredentials c = ReadCredentialsFile(o.credentials_file);
    config.user = c.user;
    config.password = c.password;
    return config;
  }
  const char* user = std::getenv(kDicomWebUserVariable);
  const char* password = std::getenv(kDicomWebPasswordVariable);
  if ((user && *user) != (password != nullptr)) {
    throw Error(ErrorKind::kUsage,
                std::string(user && *user ? kDicomWebPasswordVariable : kDicomWebUserVariable) +
                    " is not set; expected both " + kDicomWebUserVariable + " and " +
                    kDicomWebPasswordVariable + ", or neither");
  }
  if (user && *user) {
    config.user = user;
    config.password = password;
  }
  return config;
}

bool UsesDicomWeb(const AssessParams& params, const DicomWebOptions& o, Log& log) {
  AssessParams copy = params;
  bool references = false;
  for (const InputSlot& slot : Slots(copy)) {
    if (ParseDicomWebReference(*slot.path, slot.option)) {
      references = true;
      if (o.url.empty()) {
        throw Error(ErrorKind::kUsage, std::string(slot.option) + " " + *slot.path +
                                           " is a DICOMweb reference; expected --dicomweb-url with it");
      }
    }
  }
  if (o.url.empty()) {
    // Each of these would otherwise be dropped without a word.
    std::vector<std::string> alone;
    if (o.store) alone.push_back("--store");
    if (!o.credentials_file.empty()) alone.push_back("--dicomweb-credentials " + o.credentials_file);
    if (o.insecure) alone.push_back("--dicomweb-insecure");
    if (o.timeout_given != nullptr && o.timeout_given->count() > 0)
      alone.push_back("--dicomweb-timeout-s " + std::to_string(o.timeout_s));
    if (!alone.empty()) throw Error(ErrorKind::kUsage, alone.front() + " needs --dicomweb-url; none given");
  }
  if (!o.url.empty() && !references && !o.store) {
    log.Warn("--dicomweb-url has no effect: no input is dicomweb:... and --store is not given");
    return false;
  }
  return references || o.store;
}

void RetrieveDicomWebInputs(AssessParams& params, const DicomWebClient& client,
                            const std::filesystem::path& out_dir, Log& log) {
  bool first = true;
  for (const InputSlot& slot : Slots(params)) {
    const std::optional<DicomWebReference> ref = ParseDicomWebReference(*slot.path, slot.option);
    if (!ref) continue;
    if (first) {  // no series of an earlier run stays behind (nor mixes with this one's)
      std::error_code ec;
      std::filesystem::remove_all(out_dir / kDicomWebInputFolder, ec);
      first = false;
    }
    const std::string series =
        ref->series_uid.empty() ? FindSeries(client, ref->study_uid, slot, log) : ref->series_uid;
    const std::filesystem::path folder =
        out_dir / kDicomWebInputFolder / SafeFileName(ref->study_uid) / SafeFileName(series);
    log.Info("retrieving " + std::string(slot.role) + " series " + series + " from " +
             client.config().base_url);
    const std::vector<std::filesystem::path> files = client.RetrieveSeries(ref->study_uid, series, folder);
    log.Info(std::string(slot.role) + ": " + std::to_string(files.size()) + " instances retrieved into " +
             folder.string());
    *slot.path = slot.ct || files.size() > 1 ? folder.string() : files.front().string();
  }
}

void StoreDicomOutputs(const std::vector<std::string>& outputs, const std::filesystem::path& out_dir,
                       const DicomWebClient& client, Log& log) {
  std::vector<std::filesystem::path> files;
  for (const std::string& name : outputs) {
    if (std::filesystem::path(name).extension() == ".dcm") files.push_back(out_dir / name);
  }
  if (files.empty()) {
    log.Warn("--store: this run wrote no DICOM output; nothing stored in " + client.config().base_url);
    return;
  }
  const std::size_t stored = client.Store(files);
  std::string names;
  for (const std::filesystem::path& f : files) names += (names.empty() ? "" : ", ") + f.filename().string();
  log.Info("stored " + std::to_string(stored) + " instances (" + names + ") in " + client.config().base_url);
}

}  // namespace margo
