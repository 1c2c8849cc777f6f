#include "io/dicomweb_client.h"

#include <curl/curl.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/error.h"
#include "io/multipart.h"

namespace margo {
namespace {

constexpr char kDicomType[] = "application/dicom";
constexpr char kDicomJson[] = "application/dicom+json";

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::size_t AppendBody(char* data, std::size_t size, std::size_t count, void* answer) {
  static_cast<HttpAnswer*>(answer)->body.append(data, size * count);
  return size * count;
}

std::string Joined(const std::string& base, const std::string& path) {
  std::string url = base;
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url + "/" + path;
}

std::string StatusText(long status) {
  switch (status) {
    case 400:
      return " Bad Request";
    case 401:
      return " Unauthorized";
    case 403:
      return " Forbidden";
    case 404:
      return " Not Found";
    case 409:
      return " Conflict";
    case 415:
      return " Unsupported Media Type";
    case 500:
      return " Internal Server Error";
    case 503:
      return " Service Unavailable";
    default:
      return "";
  }
}

// The first line of an error answer, shortened: archives put the reason there.
std::string Excerpt(const std::string& body) {
  std::string line = body.substr(0, body.find_first_of("\r\n"));
  if (line.size() > 200) line = line.substr(0, 200) + "...";
  return line.empty() ? "" : " (" + line + ")";
}

void CheckStatus(const HttpAnswer& a, const std::string& method, const std::string& url, bool authenticated) {
  if (a.status < 400) return;
  std::string message =
      "DICOMweb " + method + " " + url + ": HTTP " + std::to_string(a.status) + StatusText(a.status);
  if (a.status == 401 || a.status == 403) {
    message += authenticated ? "; the archive refused the user name or password"
                             : "; the archive wants credentials and none were given";
    message += " (MARGO_DICOMWEB_USER and MARGO_DICOMWEB_PASSWORD, or --dicomweb-credentials FILE)";
  } else {
    message += Excerpt(a.body) + "; expected a status below 400";
  }
  throw Error(ErrorKind::kArchiveFailed, message);
}

// The DICOM JSON model (PS3.18 F.2) of one attribute, as one text value.
std::string FirstValue(const nlohmann::json& attribute) {
  const auto values = attribute.find("Value");
  if (values == attribute.end() || !values->is_array() || values->empty()) return "";
  const nlohmann::json& v = (*values)[0];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number()) {
    std::ostringstream s;
    s << v.get<double>();
    return s.str();
  }
  if (v.is_object() && v.contains("Alphabetic") && v["Alphabetic"].is_string()) {
    return v["Alphabetic"].get<std::string>();
  }
  return "";
}

nlohmann::json ParseJson(const HttpAnswer& a, const std::string& url) {
  if (a.body.empty()) return nlohmann::json::array();
  try {
    return nlohmann::json::parse(a.body);
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::kArchiveFailed, "DICOMweb " + url + ": answer is not JSON (" + e.what() +
                                               "); expected DICOM JSON (" + kDicomJson + ")");
  }
}

bool IsDicomFile(const std::string& bytes) {
  return bytes.size() > 132 && bytes.compare(128, 4, "DICM") == 0;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::kOutputFailed, path.string() + ": cannot read the file to store");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteFile(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw Error(ErrorKind::kOutputFailed, path.string() + ": cannot write the retrieved instance");
}

}  // namespace

void CheckDicomWebUrl(const std::string& url) {
  const std::size_t scheme_end = url.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    throw Error(ErrorKind::kUsage,
                "--dicomweb-url '" + url + "': expected http://host[:port]/path or https://host[:port]/path");
  }
  const std::string authority = url.substr(scheme_end + 3, url.find('/', scheme_end + 3) - scheme_end - 3);
  if (authority.find('@') != std::string::npos) {
    throw Error(ErrorKind::kUsage,
                "--dicomweb-url holds a user name or password; give credentials with "
                "MARGO_DICOMWEB_USER and MARGO_DICOMWEB_PASSWORD or --dicomweb-credentials "
                "FILE, never on the command line");
  }
  if (authority.empty()) throw Error(ErrorKind::kUsage, "--dicomweb-url '" + url + "': no host");
}

std::string UrlEncode(const std::string& text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                            c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out.push_back(char(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

DicomWebClient::DicomWebClient(DicomWebConfig config) : config_(std::move(config)) {
  CheckDicomWebUrl(config_.base_url);
  GlobalInit();
}

HttpAnswer DicomWebClient::Request(const std::string& method, const std::string& url,
                                   const std::string& accept, const std::string& content_type,
                                   const std::string& body) const {
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) throw Error(ErrorKind::kInternal, "libcurl could not start a transfer");
  CURL* h = curl.get();
  HttpAnswer answer;
  char curl_error[CURL_ERROR_SIZE] = "";
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, ("Accept: " + accept).c_str());
  if (!content_type.empty()) headers = curl_slist_append(headers, ("Content-Type: " + content_type).c_str());
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip for STOW
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> header_list(headers, curl_slist_free_all);

  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect could carry the credentials elsewhere
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, config_.connect_timeout_s);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, config_.stall_timeout_s);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, config_.verify_tls ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, config_.verify_tls ? 2L : 0L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_error);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "margo");
  if (!config_.user.empty()) {
    curl_easy_setopt(h, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(h, CURLOPT_USERNAME, config_.user.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, config_.password.c_str());
  }
  if (method == "POST") {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  const CURLcode code = curl_easy_perform(h);
  if (code != CURLE_OK) {
    const std::string detail = curl_error[0] ? curl_error : curl_easy_strerror(code);
    std::string hint;
    if (code == CURLE_OPERATION_TIMEDOUT) {
      hint = "; no answer within " + std::to_string(config_.connect_timeout_s) + " s to connect or " +
             std::to_string(config_.stall_timeout_s) + " s of a stalled transfer";
    } else if (code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE) {
      hint = "; the server's TLS certificate did not verify (--dicomweb-insecure turns the check off)";
    }
    throw Error(ErrorKind::kArchiveFailed,
                "DICOMweb " + method + " " + url + ": cannot reach the archive (" + detail + ")" + hint);
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &answer.status);
  const char* type = nullptr;
  curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &type);
  if (type) answer.content_type = type;
  CheckStatus(answer, method, url, !config_.user.empty());
  return answer;
}

HttpAnswer DicomWebClient::Get(const std::string& url, const std::string& accept) const {
  return Request("GET", url, accept, "", "");
}

std::vector<DicomAttributes> DicomWebClient::Search(
    const std::string& path, const std::vector<std::pair<std::string, std::string>>& query) const {
  std::string url = Joined(config_.base_url, path);
  for (std::size_t i = 0; i < query.size(); ++i) {
    url += (i ? "&" : "?") + UrlEncode(query[i].first) + "=" + UrlEncode(query[i].second);
  }
  const nlohmann::json results = ParseJson(Request("GET", url, kDicomJson, "", ""), url);
  if (!results.is_array()) {
    throw Error(ErrorKind::kArchiveFailed, "DICOMweb GET " + url + ": answer is a JSON " +
                                               std::string(results.type_name()) + "; expected an array");
  }
  std::vector<DicomAttributes> records;
  for (const nlohmann::json& item : results) {
    DicomAttributes record;
    if (item.is_object()) {
      for (const auto& [tag, attribute] : item.items()) {
        const std::string value = FirstValue(attribute);
        if (!value.empty()) record[tag] = value;
      }
    }
    records.push_back(std::move(record));
  }
  return records;
}

std::vector<std::filesystem::path> DicomWebClient::RetrieveSeries(const std::string& study_uid,
                                                                  const std::string& series_uid,
                                                                  const std::filesystem::path& folder) const {
  const std::string url =
      Joined(config_.base_url, "studies/" + UrlEncode(study_uid) + "/series/" + UrlEncode(series_uid));
  const HttpAnswer answer =
      Request("GET", url, std::string("multipart/related; type=\"") + kDicomType + "\"", "", "");
  const std::vector<MimePart> parts =
      ParseMultipart(answer.body, MultipartBoundary(answer.content_type), url);
  if (parts.empty()) {
    throw Error(ErrorKind::kInputUnreadable, "DICOMweb GET " + url + ": the series holds no instance");
  }
  std::error_code ec;
  std::filesystem::remove_all(folder, ec);
  std::filesystem::create_directories(folder, ec);
  if (ec)
    throw Error(ErrorKind::kOutputFailed,
                folder.string() + ": cannot create the folder (" + ec.message() + ")");
  std::vector<std::filesystem::path> files;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (!IsDicomFile(parts[i].body)) {
      throw Error(ErrorKind::kArchiveFailed, "DICOMweb GET " + url + ": part " + std::to_string(i + 1) +
                                                 " ('" + parts[i].content_type +
                                                 "') is not a DICOM file; expected application/dicom with a "
                                                 "'DICM' preamble");
    }
    char name[48];
    std::snprintf(name, sizeof name, "instance_%05zu.dcm", i + 1);
    files.push_back(folder / name);
    WriteFile(files.back(), parts[i].body);
  }
  return files;
}

std::size_t DicomWebClient::Store(const std::vector<std::filesystem::path>& files) const {
  std::vector<MimePart> parts;
  for (const std::filesystem::path& f : files) parts.push_back({kDicomType, ReadFile(f)});
  const std::string boundary = MakeBoundary(parts);
  const std::string url = Joined(config_.base_url, "studies");
  const std::string type =
      std::string("multipart/related; type=\"") + kDicomType + "\"; boundary=" + boundary;
  const HttpAnswer answer = Request("POST", url, kDicomJson, type, BuildMultipart(parts, boundary));
  const nlohmann::json result = ParseJson(answer, url);
  // PS3.18 10.5.3: Failed SOP Sequence (0008,1198), Referenced SOP Sequence (0008,1199).
  const auto failed = result.is_object() ? result.find("00081198") : result.end();
  if (failed != result.end() && failed->contains("Value") && !(*failed)["Value"].empty()) {
    throw Error(ErrorKind::kArchiveFailed,
                "DICOMweb POST " + url + ": the archive rejected " +
                    std::to_string((*failed)["Value"].size()) + " of " + std::to_string(files.size()) +
                    " instances (" + result.dump().substr(0, 300) + "); expected every instance stored");
  }
  const auto stored = result.is_object() ? result.find("00081199") : result.end();
  const std::size_t count =
      stored != result.end() && stored->contains("Value") ? (*stored)["Value"].size() : 0;
  if (count != files.size()) {
    throw Error(ErrorKind::kArchiveFailed, "DICOMweb POST " + url + ": the archive acknowledged " +
                                               std::to_string(count) + " of " + std::to_string(files.size()) +
                                               " instances; expected all");
  }
  return count;
}

}  // namespace margo
