// A small DICOMweb client (PS3.18): QIDO-RS to search, WADO-RS to retrieve a
// series, STOW-RS to store instances. libcurl stays inside dicomweb_client.cpp.
// Every failure throws Error(kArchiveFailed) naming the method, the URL (never
// the credentials) and the HTTP status or the transport error; nothing hangs:
// connecting and stalled transfers are bounded by the timeouts below.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace margo {

struct DicomWebConfig {
  std::string base_url;         // REQUIRED: http(s)://host:port/dicom-web (no credentials in it)
  std::string user, password;   // HTTP basic authentication; empty user: none
  bool verify_tls = true;       // certificate and host name checks (https)
  long connect_timeout_s = 10;  // Default: 10 s to connect
  long stall_timeout_s = 60;    // Default: abort a transfer that moves no byte for 60 s
};

// One QIDO-RS result: attribute tag ("0020000E") -> its first value as text
// (a person name's Alphabetic form); attributes without a value are absent.
using DicomAttributes = std::map<std::string, std::string>;

struct HttpAnswer {
  long status = 0;
  std::string content_type;
  std::string body;
};

class DicomWebClient {
 public:
  explicit DicomWebClient(DicomWebConfig config);

  const DicomWebConfig& config() const { return config_; }

  // QIDO-RS: GET <base>/<path>?<query>, e.g. path "studies/1.2.3/series" with
  // {{"Modality", "CT"}}. No match gives an empty list.
  std::vector<DicomAttributes> Search(const std::string& path,
                                      const std::vector<std::pair<std::string, std::string>>& query) const;

  // WADO-RS: every instance of one series, written to `folder` (created; files
  // it held before are removed) as instance_00001.dcm, ... Returns the paths.
  std::vector<std::filesystem::path> RetrieveSeries(const std::string& study_uid,
                                                    const std::string& series_uid,
                                                    const std::filesystem::path& folder) const;

  // STOW-RS: POST <base>/studies with every file as one part. Throws when the
  // archive rejects any instance (its Failed SOP Sequence), naming the file.
  // Returns the number of instances stored.
  std::size_t Store(const std::vector<std::filesystem::path>& files) const;

  // A plain GET of a full URL (e.g. an archive's own REST API), with the same
  // credentials, checks and timeouts; a status of 400 or more throws.
  HttpAnswer Get(const std::string& url, const std::string& accept) const;

 private:
  HttpAnswer Request(const std::string& method, const std::string& url, const std::string& accept,
                     const std::string& content_type, const std::string& body) const;

  DicomWebConfig config_;
};

// Throws Error(kUsage) unless `url` is http:// or https:// with a host and no
// user name or password in it (credentials never go on the command line).
void CheckDicomWebUrl(const std::string& url);

// Percent-encodes a query value or path segment (RFC 3986 unreserved kept).
std::string UrlEncode(const std::string& text);

}  // namespace margo
