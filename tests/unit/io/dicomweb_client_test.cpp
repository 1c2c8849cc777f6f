// The DICOMweb client's guards that need no archive: URLs without credentials,
// percent-encoding, and bounded waits (a server that accepts the connection but
// never answers must not hang margo).
#include "io/dicomweb_client.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "tests/support/expect_error.h"

namespace margo {
namespace {

using testing::ExpectError;

TEST(DicomWebUrl, AcceptsHttpAndHttpsOnly) {
  CheckDicomWebUrl("http://127.0.0.1:8042/dicom-web");
  CheckDicomWebUrl("https://pacs.example/dicom-web/");
  ExpectError([] { CheckDicomWebUrl("ftp://pacs/dicom-web"); }, ErrorKind::kUsage,
              {"'ftp://pacs/dicom-web'"});
  ExpectError([] { CheckDicomWebUrl("pacs:8042"); }, ErrorKind::kUsage, {"expected http://"});
  ExpectError([] { CheckDicomWebUrl("http:///dicom-web"); }, ErrorKind::kUsage, {"no host"});
}

TEST(DicomWebUrl, RefusesCredentialsInTheUrl) {
  ExpectError([] { CheckDicomWebUrl("https://user:secret@pacs/dicom-web"); }, ErrorKind::kUsage,
              {"never on the command line"});
  // An '@' in the path is not userinfo.
  CheckDicomWebUrl("https://pacs/dicom-web/@studies");
}

TEST(DicomWebUrl, EncodesEverythingButUnreservedCharacters) {
  EXPECT_EQ(UrlEncode("1.2.840.10008"), "1.2.840.10008");
  EXPECT_EQ(UrlEncode("a b/c?d&e=f"), "a%20b%2Fc%3Fd%26e%3Df");
}

// A loopback socket that accepts connections (the kernel does, from the
// backlog) but never reads or answers.
class SilentServer {
 public:
  SilentServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(fd_, 4);
    socklen_t length = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~SilentServer() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(DicomWebClient, ServerThatNeverAnswersTimesOutWithArchiveError) {
  SilentServer server;
  DicomWebConfig config;
  config.base_url = "http://127.0.0.1:" + std::to_string(server.port()) + "/dicom-web";
  config.connect_timeout_s = 1;
  config.stall_timeout_s = 1;
  const DicomWebClient client(config);
  const auto start = std::chrono::steady_clock::now();
  ExpectError(
      [&] { client.Search("studies", {}); }, ErrorKind::kArchiveFailed,
      {"DICOMweb GET " + config.base_url + "/studies", "cannot reach the archive", "no answer within"});
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GT(s, 0.9);
  EXPECT_LT(s, 4.0);
}

}  // namespace
}  // namespace margo
