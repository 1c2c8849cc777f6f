// margo as a PACS workflow step against a real archive: a private Orthanc with
// its DICOMweb plugin on loopback (tests/e2e/orthanc_fixture.py, started and
// stopped by CTest around these tests). Skipped, with the reason, only when
// Orthanc is not installed; CI installs it (.ci/setup test).
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmsr/dsrdoc.h>
#include <gtest/gtest.h>
#include <itkImageRegionConstIteratorWithIndex.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

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

  // assess with the committed phantom's label maps unless others are given.
  std::vector<std::string> AssessArgs(const std::string& pre, const std::string& post, const std::string& out,
                                      std::string tumours = "", std::string ablation = "",
                                      const std::string& registration = "rigid") {
    const std::string p = std::string(MARGO_SOURCE_DIR) + "/testdata/phantom_small/";
    if (tumours.empty()) tumours = p + "tumours.nii.gz";
    if (ablation.empty()) ablation = p + "ablation.nii.gz";
    return {"assess",
            "--pre-ct",
            pre,
            "--post-ct",
            post,
            "--tumours",
            tumours,
            "--ablation",
            ablation,
            "--registration",
            registration,
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

struct Uids {
  std::string study, series;
};

// Study and series of a DICOM file, read with DCMTK (not with margo's reader).
Uids UidsOf(const std::string& file) {
  DcmFileFormat f;
  EXPECT_TRUE(f.loadFile(file.c_str()).good()) << file;
  OFString study, series;
  f.getDataset()->findAndGetOFString(DCM_StudyInstanceUID, study);
  f.getDataset()->findAndGetOFString(DCM_SeriesInstanceUID, series);
  return {study.c_str(), series.c_str()};
}

std::string Reference(const std::string& file) {
  const Uids u = UidsOf(file);
  return "dicomweb:" + u.study + "/" + u.series;
}

std::string Bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Series UIDs of one modality in a study, as QIDO-RS lists them.
std::vector<std::string> SeriesOf(const DicomWebClient& client, const std::string& study,
                                  const std::string& modality) {
  std::vector<std::string> uids;
  for (const DicomAttributes& s : client.Search("studies/" + study + "/series", {{"Modality", modality}})) {
    uids.push_back(s.at("0020000E"));
  }
  return uids;
}

// The minimal ablative margins (concept code MAM) of a TID 1500 SR, in document order.
std::vector<double> MinimalMargins(const fs::path& file) {
  DcmFileFormat f;
  EXPECT_TRUE(f.loadFile(file.c_str()).good()) << file;
  DSRDocument doc;
  EXPECT_TRUE(doc.read(*f.getDataset()).good()) << file;
  std::vector<double> mam;
  DSRDocumentTree& tree = doc.getTree();
  if (tree.gotoRoot() == 0) return mam;
  do {
    const DSRContentItem& item = tree.getCurrentContentItem();
    if (item.getValueType() == DSRTypes::VT_Num && item.getConceptName().getCodeValue() == "MAM") {
      mam.push_back(std::stod(item.getNumericValue().getNumericValue().c_str()));
    }
  } while (tree.iterate() > 0);
  return mam;
}

// docs/PHANTOM.md: margo regress's tolerance; a category may differ only
// when the true margin lies within it of a threshold (0, 5, 10 mm).
constexpr double kToleranceMm = 2.12;
bool NearThreshold(double mam) {
  return std::abs(mam) < kToleranceMm || std::abs(mam - 5.0) < kToleranceMm ||
         std::abs(mam - 10.0) < kToleranceMm;
}

std::map<std::uint16_t, std::size_t> VoxelCounts(const LabelImage& image) {
  std::map<std::uint16_t, std::size_t> counts;
  const std::uint16_t* p = image.GetBufferPointer();
  for (std::size_t i = 0, n = image.GetLargestPossibleRegion().GetNumberOfPixels(); i < n; ++i) {
    if (p[i] != 0) ++counts[p[i]];
  }
  return counts;
}

// Labelled voxels of `a` whose point in space holds another label in `b`
// (the two may cover different boxes of one grid).
std::size_t MismatchedVoxels(const LabelImage& a, const LabelImage& b) {
  std::size_t n = 0;
  itk::ImageRegionConstIteratorWithIndex<LabelImage> it(&a, a.GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    if (it.Get() == 0) continue;
    LabelImage::PointType p;
    a.TransformIndexToPhysicalPoint(it.GetIndex(), p);
    LabelImage::IndexType j;
    const bool inside = b.TransformPhysicalPointToIndex(p, j);
    n += !inside || b.GetPixel(j) != it.Get() ? 1 : 0;
  }
  return n;
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

TEST_F(DicomWebArchive, PhantomStudyInTheArchiveGetsItsSegAndSrStoredWithTheReportsValues) {
  // The aligned phantom as DICOM (one study: pre and post CT series on one grid, SEG labels), into the
  // archive. Aligned, so that no registration error blurs what the round trip must keep exact.
  const std::string phantom = scratch_ / "phantom";
  const auto made =
      testing::Run({"--quiet", "phantom", "--out", phantom, "--preset", "aligned", "--format", "dicom"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  std::vector<fs::path> files;
  for (const char* series : {"pre_ct", "post_ct"}) {
    for (const auto& e : fs::directory_iterator(phantom + "/" + series)) files.push_back(e.path());
  }
  const std::size_t pre_files =
      std::distance(fs::directory_iterator(phantom + "/pre_ct"), fs::directory_iterator());
  files.push_back(phantom + "/tumours.dcm");
  files.push_back(phantom + "/ablation.dcm");
  const DicomWebClient client = Client(archive_.password);
  ASSERT_EQ(client.Store(files), files.size());
  const std::string study = UidsOf(phantom + "/pre_ct/slice_0000.dcm").study;

  // margo takes every input from the archive and stores its SEG and SR back.
  ScopedEnv user("MARGO_DICOMWEB_USER", archive_.user);
  ScopedEnv password("MARGO_DICOMWEB_PASSWORD", archive_.password);
  const std::string out = scratch_ / "out";
  auto args = AssessArgs(Reference(phantom + "/pre_ct/slice_0000.dcm"),
                         Reference(phantom + "/post_ct/slice_0000.dcm"), out,
                         Reference(phantom + "/tumours.dcm"), Reference(phantom + "/ablation.dcm"), "none");
  args.push_back("--store");
  const auto run = testing::Run(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("stored 2 instances (segmentation.dcm, report_sr.dcm) in " + archive_.dicomweb),
            std::string::npos)
      << run.err;
  const auto report = testing::ReadJson(out + "/report.json");
  const auto& inputs = report["inputs"];
  EXPECT_EQ(inputs["pre_ct"]["format"], "DICOM series");
  EXPECT_EQ(inputs["pre_ct"]["file_count"].get<std::size_t>(), pre_files);
  EXPECT_EQ(inputs["tumours"]["format"], "DICOM SEG (binary)");
  EXPECT_EQ(fs::path(inputs["pre_ct"]["path"].get<std::string>()).parent_path().parent_path(),
            fs::path(out) / "dicomweb_inputs");
  const auto truth = testing::ReadJson(phantom + "/truth.json");
  ASSERT_EQ(report["tumours"].size(), truth["tumours"].size());
  for (std::size_t i = 0; i < truth["tumours"].size(); ++i) {
    SCOPED_TRACE("tumour " + std::to_string(i));
    const double true_mam = truth["tumours"][i]["min_margin_mm"].get<double>();
    EXPECT_NEAR(report["tumours"][i]["min_margin_mm"].get<double>(), true_mam, kToleranceMm);
    if (!NearThreshold(true_mam)) {
      EXPECT_EQ(report["tumours"][i]["category"], truth["tumours"][i]["category"]);
    }
  }

  // Read back from the archive: margo's SR and SEG are in the study, byte for byte as written.
  const Uids sr = UidsOf(out + "/report_sr.dcm"), seg = UidsOf(out + "/segmentation.dcm");
  EXPECT_EQ(sr.study, study);
  EXPECT_EQ(SeriesOf(client, study, "SR"), std::vector<std::string>{sr.series});
  const std::vector<std::string> segs = SeriesOf(client, study, "SEG");
  EXPECT_EQ(segs.size(), 3u);  // the phantom's tumours and ablation, and margo's
  EXPECT_NE(std::find(segs.begin(), segs.end(), seg.series), segs.end());

  const auto sr_back = client.RetrieveSeries(study, sr.series, scratch_.path() / "sr_back");
  ASSERT_EQ(sr_back.size(), 1u);
  EXPECT_EQ(Bytes(sr_back[0]), Bytes(out + "/report_sr.dcm"));
  const std::vector<double> mam = MinimalMargins(sr_back[0]);
  ASSERT_EQ(mam.size(), report["tumours"].size());
  for (std::size_t i = 0; i < mam.size(); ++i) {
    EXPECT_NEAR(mam[i], report["tumours"][i]["min_margin_mm"].get<double>(), 0.005) << "tumour " << i;
  }

  const auto seg_back = client.RetrieveSeries(study, seg.series, scratch_.path() / "seg_back");
  ASSERT_EQ(seg_back.size(), 1u);
  EXPECT_EQ(Bytes(seg_back[0]), Bytes(out + "/segmentation.dcm"));
  // Segments 1..n are the tumours carried onto the post CT: with the scans
  // aligned on one grid, exactly the phantom's tumour labels, voxel for voxel.
  LabelReference tumour_segments;
  for (std::size_t i = 0; i < report["tumours"].size(); ++i)
    tumour_segments.only.push_back(std::uint16_t(i + 1));
  const LoadedLabels back = LoadLabels(seg_back[0].string(), "stored SEG", tumour_segments);
  const LoadedLabels given = LoadLabels(phantom + "/tumours.dcm", "phantom tumours");
  const std::map<std::uint16_t, std::size_t> back_counts = VoxelCounts(*back.image);
  EXPECT_EQ(back_counts.size(), report["tumours"].size());
  EXPECT_EQ(back_counts, VoxelCounts(*given.image));
  EXPECT_EQ(MismatchedVoxels(*back.image, *given.image), 0u);
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
