// The PACS step's option handling without an archive: dicomweb: references,
// the credentials file and its permissions, the environment variables.
#include "apps/dicomweb_step.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/support/expect_error.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;

namespace margo {
namespace {

using testing::ExpectError;

TEST(DicomWebReference, StudyAndOptionalSeries) {
  EXPECT_FALSE(ParseDicomWebReference("/data/pre_ct", "--pre-ct").has_value());
  const auto study = ParseDicomWebReference("dicomweb:1.2.840.1", "--pre-ct");
  ASSERT_TRUE(study.has_value());
  EXPECT_EQ(study->study_uid, "1.2.840.1");
  EXPECT_EQ(study->series_uid, "");
  const auto series = ParseDicomWebReference("dicomweb:1.2.840.1/1.2.840.1.7", "--pre-ct");
  ASSERT_TRUE(series.has_value());
  EXPECT_EQ(series->series_uid, "1.2.840.1.7");
}

TEST(DicomWebReference, RefusesAnythingButUids) {
  for (const std::string& bad : std::vector<std::string>{
           "dicomweb:", "dicomweb:1.2/", "dicomweb:../1.2", "dicomweb:1.2/3/4", "dicomweb:1..2",
           "dicomweb:1.2.", "dicomweb:1.2%2F", "dicomweb:" + std::string(65, '1')}) {
    ExpectError([&] { ParseDicomWebReference(bad, "--post-ct"); }, ErrorKind::kUsage,
                {"--post-ct '" + bad + "'"});
  }
}

fs::path WriteCredentials(const testing::TempDir& dir, const std::string& text, fs::perms perms) {
  const fs::path file = dir.path() / "credentials";
  std::ofstream(file) << text;
  fs::permissions(file, perms);
  return file;
}

TEST(DicomWebCredentials, OwnerOnlyFileGivesUserAndPassword) {
  testing::TempDir dir;
  const auto file = WriteCredentials(dir, "pacs-user:pa:ss word\r\nignored\n",
                                     fs::perms::owner_read | fs::perms::owner_write);
  const DicomWebCredentials c = ReadCredentialsFile(file);
  EXPECT_EQ(c.user, "pacs-user");
  EXPECT_EQ(c.password, "pa:ss word");
}

TEST(DicomWebCredentials, GroupOrWorldReadableFileIsRefusedNamingItsMode) {
  testing::TempDir dir;
  const auto file = WriteCredentials(
      dir, "u:p\n",
      fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
  ExpectError([&] { ReadCredentialsFile(file); }, ErrorKind::kUsage,
              {file.string(), "mode 0644", "expected 0600 or 0400"});
  fs::permissions(file, fs::perms::owner_read | fs::perms::group_read);
  ExpectError([&] { ReadCredentialsFile(file); }, ErrorKind::kUsage, {"mode 0440"});
}

TEST(DicomWebCredentials, MissingFileOrMissingColon) {
  testing::TempDir dir;
  ExpectError([&] { ReadCredentialsFile(dir.path() / "none"); }, ErrorKind::kInputUnreadable,
              {"no such file"});
  const auto file = WriteCredentials(dir, "just-a-password\n", fs::perms::owner_read);
  ExpectError([&] { ReadCredentialsFile(file); }, ErrorKind::kUsage, {"expected user:password"});
}

TEST(DicomWebCredentials, EnvironmentNeedsBothVariables) {
  DicomWebOptions options;
  options.url = "http://127.0.0.1:1/dicom-web";
  ::setenv(kDicomWebUserVariable, "u", 1);
  ::unsetenv(kDicomWebPasswordVariable);
  ExpectError([&] { MakeDicomWebConfig(options, NullLog()); }, ErrorKind::kUsage,
              {"MARGO_DICOMWEB_PASSWORD is not set"});
  ::setenv(kDicomWebPasswordVariable, "secret", 1);
  const DicomWebConfig config = MakeDicomWebConfig(options, NullLog());
  EXPECT_EQ(config.user, "u");
  EXPECT_EQ(config.password, "secret");
  EXPECT_TRUE(config.verify_tls);
  EXPECT_EQ(config.connect_timeout_s, 10);
  ::unsetenv(kDicomWebUserVariable);
  ::unsetenv(kDicomWebPasswordVariable);
  EXPECT_EQ(MakeDicomWebConfig(options, NullLog()).user, "");
}

TEST(DicomWebOptionsCheck, ReferenceOrStoreWithoutUrlIsAUsageError) {
  AssessParams params;
  params.pre_ct = "dicomweb:1.2.3";
  ExpectError([&] { UsesDicomWeb(params, DicomWebOptions{}, NullLog()); }, ErrorKind::kUsage,
              {"--pre-ct dicomweb:1.2.3", "expected --dicomweb-url"});
  params.pre_ct = "pre.nii.gz";
  DicomWebOptions store;
  store.store = true;
  ExpectError([&] { UsesDicomWeb(params, store, NullLog()); }, ErrorKind::kUsage,
              {"--store needs --dicomweb-url"});
  DicomWebOptions url_only;
  url_only.url = "http://127.0.0.1:1/dicom-web";
  EXPECT_FALSE(UsesDicomWeb(params, url_only, NullLog()));
}

// Without an archive these mean nothing: refused rather than dropped.
TEST(DicomWebOptionsCheck, ArchiveOptionsWithoutUrlAreUsageErrors) {
  AssessParams params;
  params.pre_ct = "pre.nii.gz";
  DicomWebOptions insecure;
  insecure.insecure = true;
  ExpectError([&] { UsesDicomWeb(params, insecure, NullLog()); }, ErrorKind::kUsage,
              {"--dicomweb-insecure needs --dicomweb-url; none given"});
  DicomWebOptions credentials;
  credentials.credentials_file = "/x/credentials";
  ExpectError([&] { UsesDicomWeb(params, credentials, NullLog()); }, ErrorKind::kUsage,
              {"--dicomweb-credentials /x/credentials needs --dicomweb-url; none given"});
}

}  // namespace
}  // namespace margo
