// margo as a PACS workflow step against a real archive: a private Orthanc with
// its DICOMweb plugin on loopback (tests/e2e/orthanc_fixture.py, started and
// stopped by CTest around these tests). Skipped, with the reason, only when
// Orthanc is not installed; CI installs it (.ci/setup test).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "io/dicomweb_client.h"
#include "io/image_reader.h"
#include "tests/e2e/cli_harness.h"
#include "tests/support/dicom_image_writer.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;

namespace margo {
namespace {

struct Archive {
  std::string skip;  // why the tests cannot run; empty when the archive is up
  std::string root, dicomweb, user, password;
};

Archive ReadArchive() {
  const fs::path server = fs::path(MARGO_ORTHANC_DIR) / "server.json";
  Archive a;
  if (!fs::exists(server)) {
    a.skip =
        "no " + server.string() + ": run through ctest, whose fixture starts Orthanc (ctest -R DicomWeb)";
    return a;
  }
  const nlohmann::json j = testing::ReadJson(server.string());
  if (j.contains("skip")) {
    a.skip = j["skip"].get<std::string>();
    return a;
  }
  a.root = j["url"];
  a.dicomweb = j["dicomweb"];
  a.user = j["user"];
  a.password = j["password"];
  return a;
}

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_.empty()) {
      ::unsetenv(name_);
    } else {
      ::setenv(name_, old_.c_str(), 1);
    }
  }

 private:
  const char* name_;
  std::string old_;
};

class DicomWebArchive : public ::testing::Test {
 protected:
  void SetUp() override {
    archive_ = ReadArchive();
    // Without the fixture's file and with Orthanc installed, something is wrong: fail, do not skip.
    if (archive_.skip.rfind("no ", 0) == 0) FAIL() << archive_.skip;
    if (!archive_.skip.empty()) GTEST_SKIP() << archive_.skip;
  }

  DicomWebClient Client(const std::string& password) const {
    DicomWebConfig config;
    config.base_url = archive_.dicomweb;
    config.user = archive_.user;
    config.password = password;
    return DicomWebClient(config);
  }

  // Writes `ct` as a DICOM series of `study` (default: a new one) and stores it with STOW-RS.
  std::string Upload(const CtImage& ct, const std::string& modality, const std::string& description,
                     std::string study = "") {
    if (study.empty()) study = testing::NewUid();
    testing::DicomSeriesIds ids{study, testing::NewUid(), testing::NewUid(), modality, description};
    const fs::path folder = scratch_.path() / ids.series_uid;
    const std::size_t n = testing::WriteCtAsDicomSeries(ct, folder.string(), ids);
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(folder)) files.push_back(e.path());
    EXPECT_EQ(Client(archive_.password).Store(files), n);
    return ids.study_uid;
  }

  std::vector<std::string> AssessArgs(const std::string& pre, const std::string& post,
                                      const std::string& out) {
    const std::string p = std::string(MARGO_SOURCE_DIR) + "/testdata/phantom_small/";
    return {"assess",
            "--pre-ct",
            pre,
            "--post-ct",
            post,
            "--tumours",
            p + "tumours.nii.gz",
            "--ablation",
            p + "ablation.nii.gz",
            "--registration",
            "rigid",
            "--no-html",
            "--no-surfaces",
            "--out",
            out,
            "--dicomweb-url",
            archive_.dicomweb};
  }

  Archive archive_;
  testing::TempDir scratch_;
};

CtImage::Pointer PhantomCt(const std::string& name) {
  return LoadCt(std::string(MARGO_SOURCE_DIR) + "/testdata/phantom_small/" + name, name).image;
}

// A tiny CT-like volume for the cases that never get to the pixels.
CtImage::Pointer TinyVolume() {
  auto image = CtImage::New();
  CtImage::RegionType region;
  region.SetSize({{4, 4, 3}});
  image->SetRegions(region);
  image->Allocate();
  image->FillBuffer(40.0f);
  return image;
}

TEST_F(DicomWebArchive, AssessRetrievesTheStudiesCtSeriesAndGivesTheFileMargins) {
  const std::string pre_study = Upload(*PhantomCt("pre_ct.nii.gz"), "CT", "pre-ablation CT");
  const std::string post_study = Upload(*PhantomCt("post_ct.nii.gz"), "CT", "post-ablation CT");
  // QIDO sees what STOW stored: one CT series of 60 (pre) and 42 (post) instances.
  const DicomWebClient client = Client(archive_.password);
  const auto pre_series = client.Search("studies/" + pre_study + "/series", {{"includefield", "00201209"}});
  ASSERT_EQ(pre_series.size(), 1u);
  EXPECT_EQ(pre_series[0].at("00080060"), "CT");
  EXPECT_EQ(pre_series[0].at("00201209"), "60");

  const std::string out = scratch_ / "out";
  ScopedEnv user("MARGO_DICOMWEB_USER", archive_.user);
  ScopedEnv password("MARGO_DICOMWEB_PASSWORD", archive_.password);
  auto args = AssessArgs("dicomweb:" + pre_study, "dicomweb:" + post_study, out);
  args.push_back("--store");
  const auto run = testing::Run(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto report = testing::ReadJson(out + "/report.json");
  const auto& pre = report["inputs"]["pre_ct"];
  EXPECT_EQ(pre["format"], "DICOM series");
  EXPECT_EQ(pre["file_count"], 60);
  EXPECT_EQ(pre["geometry"]["size"], nlohmann::json({156, 116, 60}));
  EXPECT_NEAR(pre["geometry"]["spacing_mm"][0].get<double>(), 1.6, 1e-6);
  EXPECT_NEAR(pre["geometry"]["spacing_mm"][2].get<double>(), 2.0, 1e-6);
  EXPECT_EQ(report["inputs"]["post_ct"]["file_count"], 42);
  EXPECT_EQ(fs::path(pre["path"].get<std::string>()).parent_path().parent_path(),
            fs::path(out) / "dicomweb_inputs");

  // The same scans read from the committed NIfTI files give the same margins,
  // and both agree with the phantom's truth (docs/PHANTOM.md tolerance).
  const std::string p = std::string(MARGO_SOURCE_DIR) + "/testdata/phantom_small/";
  const std::string file_out = scratch_ / "file_out";
  const auto file_run = testing::Run(AssessArgs(p + "pre_ct.nii.gz", p + "post_ct.nii.gz", file_out));
  ASSERT_EQ(file_run.exit_code, 0) << file_run.err;
  const auto file_report = testing::ReadJson(file_out + "/report.json");
  const auto truth = testing::ReadJson(p + "truth.json");
  ASSERT_EQ(report["tumours"].size(), truth["tumours"].size());
  for (std::size_t i = 0; i < truth["tumours"].size(); ++i) {
    const double via_archive = report["tumours"][i]["min_margin_mm"].get<double>();
    EXPECT_NEAR(via_archive, file_report["tumours"][i]["min_margin_mm"].get<double>(), 0.05) << i;
    EXPECT_NEAR(via_archive, truth["tumours"][i]["min_margin_mm"].get<double>(), 2.12) << i;
    EXPECT_EQ(report["tumours"][i]["category"], truth["tumours"][i]["category"]) << i;
  }
}

TEST_F(DicomWebArchive, WrongPasswordIsRefusedWithExit10NamingUrlAndStatus) {
  const fs::path credentials = scratch_.path() / "credentials";
  std::ofstream(credentials) << archive_.user << ":not-the-password\n";
  fs::permissions(credentials, fs::perms::owner_read | fs::perms::owner_write);
  const std::string out = scratch_ / "out";
  auto args = AssessArgs("dicomweb:1.2.3.4", "dicomweb:1.2.3.5", out);
  args.insert(args.end(), {"--dicomweb-credentials", credentials.string()});
  const auto run = testing::Run(args);
  EXPECT_EQ(run.exit_code, 10) << run.err;
  EXPECT_EQ(testing::CountLines(run.err, "error: "), 1) << run.err;
  EXPECT_NE(run.err.find(archive_.dicomweb + "/studies/1.2.3.4/series"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("HTTP 401"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("refused the user name or password"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("not-the-password"), std::string::npos) << "the password must not be printed";
  EXPECT_FALSE(fs::exists(out + "/report.json"));
}

TEST_F(DicomWebArchive, NoCredentialsNamesTheVariablesToSet) {
  const auto run = testing::Run(AssessArgs("dicomweb:1.2.3.4", "dicomweb:1.2.3.5", scratch_ / "out"));
  EXPECT_EQ(run.exit_code, 10) << run.err;
  EXPECT_NE(run.err.find("HTTP 401"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("none were given"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("MARGO_DICOMWEB_USER"), std::string::npos) << run.err;
}

TEST_F(DicomWebArchive, StudyWithoutCtGivesExit3NamingTheStudyAndItsModalities) {
  const std::string study = Upload(*TinyVolume(), "MR", "not a CT");
  ScopedEnv user("MARGO_DICOMWEB_USER", archive_.user);
  ScopedEnv password("MARGO_DICOMWEB_PASSWORD", archive_.password);
  const std::string out = scratch_ / "out";
  const auto run = testing::Run(AssessArgs("dicomweb:" + study, "dicomweb:" + study, out));
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_EQ(testing::CountLines(run.err, "error: "), 1) << run.err;
  EXPECT_NE(run.err.find("--pre-ct dicomweb:" + study + ": the study has no CT series"), std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("modality MR"), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(out + "/report.json"));
}

TEST_F(DicomWebArchive, StudyWithTwoCtSeriesAsksForOneListingThem) {
  const std::string study = Upload(*TinyVolume(), "CT", "arterial");
  Upload(*TinyVolume(), "CT", "venous", study);
  ScopedEnv user("MARGO_DICOMWEB_USER", archive_.user);
  ScopedEnv password("MARGO_DICOMWEB_PASSWORD", archive_.password);
  const auto run = testing::Run(AssessArgs("dicomweb:" + study, "dicomweb:" + study, scratch_ / "out"));
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("the study has 2 CT series"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("'arterial'"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("'venous'"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("name one as dicomweb:" + study + "/SERIES_UID"), std::string::npos) << run.err;
}

TEST_F(DicomWebArchive, UnknownStudyGivesExit3) {
  ScopedEnv user("MARGO_DICOMWEB_USER", archive_.user);
  ScopedEnv password("MARGO_DICOMWEB_PASSWORD", archive_.password);
  const auto run = testing::Run(AssessArgs("dicomweb:1.2.999.1", "dicomweb:1.2.999.2", scratch_ / "out"));
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_NE(
      run.err.find("dicomweb:1.2.999.1: the archive " + archive_.dicomweb + " has no series in this study"),
      std::string::npos)
      << run.err;
}

// A port on loopback that nothing listens on: bound, then released.
int ClosedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

TEST(DicomWebUnreachable, ConnectionRefusedGivesExit10Promptly) {
  testing::TempDir dir;
  const std::string url = "http://127.0.0.1:" + std::to_string(ClosedPort()) + "/dicom-web";
  const auto start = std::chrono::steady_clock::now();
  const auto run =
      testing::Run({"assess", "--pre-ct", "dicomweb:1.2.3", "--post-ct", "dicomweb:1.2.4", "--tumours",
                    "t.nii.gz", "--ablation", "a.nii.gz", "--out", dir / "out", "--dicomweb-url", url});
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(run.exit_code, 10) << run.err;
  EXPECT_EQ(testing::CountLines(run.err, "error: "), 1) << run.err;
  EXPECT_NE(run.err.find("DICOMweb GET " + url + "/studies/1.2.3/series"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("cannot reach the archive"), std::string::npos) << run.err;
  EXPECT_LT(s, 5.0);
}

}  // namespace
}  // namespace margo
