// The DICOM path end to end: `margo phantom --format dicom` writes CT series
// and SEG labels; `margo assess` reads them, checks their references and
// writes a SEG and a TID 1500 SR that dciodvfy accepts. The margins equal
// those of the same phantom in NIfTI (same truth) to 0.01 mm, and the SR
// carries them.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmsr/dsrdoc.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "tests/e2e/cli_harness.h"
#include "tests/support/dciodvfy.h"
#include "tests/support/dicom_edit.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;

namespace margo {
namespace {

using testing::TempDir;

class DicomWorkflowTest : public ::testing::Test {
 protected:
  // One aligned phantom in each format, assessed without registration (the
  // DICOM path is under test here, not the registration): a few seconds.
  // Under ctest the two phantoms come from a fixture (tests/CMakeLists.txt),
  // generated once for every test of this suite; otherwise they are made here.
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    phantoms_ = MARGO_DICOM_WORKFLOW_DIR;
    const std::vector<std::array<std::string, 3>> phantoms{
        {"dicom", "aligned", "dicom"}, {"nifti", "aligned", "nifti"}, {"dicom_rigid", "rigid", "dicom"}};
    if (std::any_of(phantoms.begin(), phantoms.end(),
                    [](const auto& p) { return !fs::exists(phantoms_ + "/" + p[0] + "/truth.json"); })) {
      phantoms_ = dir_->path().string();
      for (const auto& [name, preset, format] : phantoms) {
        const auto run = testing::Run(
            {"--quiet", "phantom", "--out", phantoms_ + "/" + name, "--preset", preset, "--format", format});
        ASSERT_EQ(run.exit_code, 0) << run.err;
      }
    }
    dicom_ = testing::Run(
        Assess(Dir("dicom"), "pre_ct", "post_ct", "tumours.dcm", "ablation.dcm", Dir("out_dicom")));
    nifti_ = testing::Run(Assess(Dir("nifti"), "pre_ct.nii.gz", "post_ct.nii.gz", "tumours.nii.gz",
                                 "ablation.nii.gz", Dir("out_nifti")));
  }
  static void TearDownTestSuite() { delete dir_; }

  static std::vector<std::string> Assess(const std::string& d, const std::string& pre,
                                         const std::string& post, const std::string& tumours,
                                         const std::string& ablation, const std::string& out) {
    return {"assess",          "--pre-ct",     d + "/" + pre,
            "--post-ct",       d + "/" + post, "--tumours",
            d + "/" + tumours, "--ablation",   d + "/" + ablation,
            "--registration",  "none",         "--no-html",
            "--no-surfaces",   "--out",        out};
  }
  // Phantom inputs from the fixture folder, outputs in this run's own folder.
  static std::string Dir(const std::string& name) {
    return name.rfind("out", 0) == 0 ? *dir_ / name : phantoms_ + "/" + name;
  }

  static TempDir* dir_;
  static std::string phantoms_;
  static testing::CliRun dicom_, nifti_;
};

TempDir* DicomWorkflowTest::dir_ = nullptr;
std::string DicomWorkflowTest::phantoms_;
testing::CliRun DicomWorkflowTest::dicom_, DicomWorkflowTest::nifti_;

TEST_F(DicomWorkflowTest, MarginsEqualThoseOfTheNiftiPhantom) {
  ASSERT_EQ(dicom_.exit_code, 0) << dicom_.err;
  ASSERT_EQ(nifti_.exit_code, 0) << nifti_.err;
  const auto d = testing::ReadJson(Dir("out_dicom/report.json"));
  const auto n = testing::ReadJson(Dir("out_nifti/report.json"));
  const auto truth = testing::ReadJson(Dir("dicom/truth.json"));
  ASSERT_EQ(d["tumours"].size(), 6u);
  ASSERT_EQ(d["tumours"].size(), n["tumours"].size());
  for (std::size_t i = 0; i < d["tumours"].size(); ++i) {
    const auto& t = d["tumours"][i];
    SCOPED_TRACE("tumour " + std::to_string(i));
    EXPECT_EQ(t["label"].get<std::size_t>(), i + 1);  // SEG segment i + 1
    EXPECT_EQ(truth["tumours"][i]["label"].get<std::size_t>(), i + 1);
    EXPECT_NEAR(t["min_margin_mm"].get<double>(), n["tumours"][i]["min_margin_mm"].get<double>(), 0.01);
    EXPECT_NEAR(t["margin_percentiles_mm"]["p5"].get<double>(),
                n["tumours"][i]["margin_percentiles_mm"]["p5"].get<double>(), 0.01);
    EXPECT_EQ(t["category"].get<std::string>(), n["tumours"][i]["category"].get<std::string>());
    EXPECT_EQ(t["category"].get<std::string>(), truth["tumours"][i]["category"].get<std::string>());
  }
  EXPECT_NE(
      dicom_.err.find("tumour labels: DICOM references frame of reference and referenced series match the "
                      "pre CT"),
      std::string::npos)
      << dicom_.err;
}

TEST_F(DicomWorkflowTest, DciodvfyFindsNoErrorInWhatMargoWrites) {
  for (const std::string name :
       {"out_dicom/segmentation.dcm", "out_dicom/report_sr.dcm", "dicom/tumours.dcm", "dicom/ablation.dcm",
        "dicom/pre_liver.dcm", "dicom/post_ct/slice_0000.dcm"}) {
    const testing::DciodvfyResult r = testing::RunDciodvfy(Dir(name));
    if (!r.available) GTEST_SKIP() << "dciodvfy (Debian dicom3tools) not installed; skipping";
    EXPECT_TRUE(r.errors.empty()) << name << ":\n" << r.output;
  }
}

// The SR's numeric content items, read back with DCMTK: each assessable
// tumour's MAM (2 decimals) and the SEG it references.
TEST_F(DicomWorkflowTest, StructuredReportCarriesEachTumoursMargins) {
  ASSERT_EQ(dicom_.exit_code, 0) << dicom_.err;
  DcmFileFormat file;
  ASSERT_TRUE(file.loadFile(Dir("out_dicom/report_sr.dcm").c_str()).good());
  DSRDocument doc;
  ASSERT_TRUE(doc.read(*file.getDataset()).good());
  std::vector<double> mam;
  std::multimap<std::string, std::string> codes;
  DSRDocumentTree& tree = doc.getTree();
  ASSERT_GT(tree.gotoRoot(), 0u);
  do {
    const DSRContentItem& item = tree.getCurrentContentItem();
    const std::string concept_code = item.getConceptName().getCodeValue().c_str();
    if (item.getValueType() == DSRTypes::VT_Num && concept_code == "MAM") {
      mam.push_back(std::stod(item.getNumericValue().getNumericValue().c_str()));
    }
    if (item.getValueType() == DSRTypes::VT_Code)
      codes.emplace(concept_code, item.getCodeValue().getCodeValue().c_str());
  } while (tree.iterate() > 0);
  const auto report = testing::ReadJson(Dir("out_dicom/report.json"));
  ASSERT_EQ(mam.size(), report["tumours"].size());
  for (std::size_t i = 0; i < mam.size(); ++i) {
    EXPECT_NEAR(mam[i], report["tumours"][i]["min_margin_mm"].get<double>(), 0.005);
  }
  EXPECT_EQ(codes.count("CATEGORY"), mam.size());
  DcmItem* item = nullptr;
  file.getDataset()->findAndGetSequenceItem(DCM_CurrentRequestedProcedureEvidenceSequence, item, 0);
  EXPECT_NE(item, nullptr);
}

// Each slice of `folder` rewritten in UTF-8 (ISO_IR 192) with a patient
// name outside Latin-1's ASCII part.
void MakeUtf8(const fs::path& folder, const std::string& name) {
  testing::EditEachDicomFile(folder, [&](DcmDataset& d) {
    d.putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 192");
    d.putAndInsertString(DCM_PatientName, name.c_str());
  });
}

// The same analysis from another job folder, quieter and on one thread:
// the same SEG and SR UIDs, so that storing it again replaces the objects
// in the archive (they were hashed from the command line: a duplicate
// series per job folder). And the SR is in the CT's character set, in which
// the patient's name is written (it declared Latin-1 over UTF-8 bytes).
// Both found by a review of the PACS outputs.
TEST_F(DicomWorkflowTest, RerunFromAnotherFolderKeepsUidsAndTheSrKeepsTheCtsCharacterSet) {
  TempDir dir;
  for (const char* ct : {"pre_ct", "post_ct"}) {
    fs::copy(Dir("dicom") + "/" + ct, dir / ct, fs::copy_options::recursive);
    MakeUtf8(dir / ct, "M\xc3\xbcller^J\xc3\xbcrgen");
  }
  auto assess = [&](const std::string& out, std::vector<std::string> extra) {
    std::vector<std::string> args = Assess(dir.path().string(), "pre_ct", "post_ct", "", "", out);
    args[6] = Dir("dicom") + "/tumours.dcm";
    args[8] = Dir("dicom") + "/ablation.dcm";
    extra.insert(extra.end(), args.begin(), args.end());
    return testing::Run(extra);
  };
  const auto first = assess(dir / "job1", {});
  const auto second = assess(dir / "job2/", {"--quiet", "--threads", "1"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(second.exit_code, 0) << second.err;
  for (const std::string file : {"segmentation.dcm", "report_sr.dcm"}) {
    SCOPED_TRACE(file);
    const std::string one = dir / ("job1/" + file), two = dir / ("job2/" + file);
    for (const DcmTagKey& uid : {DCM_SOPInstanceUID, DCM_SeriesInstanceUID}) {
      EXPECT_EQ(testing::DicomString(one, uid), testing::DicomString(two, uid));
    }
    EXPECT_EQ(testing::DicomString(one, DCM_SpecificCharacterSet), "ISO_IR 192");
    EXPECT_EQ(testing::DicomString(one, DCM_PatientName), "M\xc3\xbcller^J\xc3\xbcrgen");
  }
  // Series numbers beside each other, away from the scanner's (the SR had DCMTK's default 1).
  EXPECT_EQ(testing::DicomString(dir / "job1/segmentation.dcm", DCM_SeriesNumber), "900");
  EXPECT_EQ(testing::DicomString(dir / "job1/report_sr.dcm", DCM_SeriesNumber), "901");
}

// A post CT cut short (its first 20 slices) leaves some zones without a
// voxel on it: they keep their segments (empty), as tumours do, instead of
// dropping out and renumbering the ones after them (found by a review).
TEST_F(DicomWorkflowTest, ZonesBeyondAShortPostCtKeepTheirSegments) {
  TempDir dir;
  std::vector<fs::path> slices;
  for (const auto& entry : fs::directory_iterator(Dir("dicom") + "/post_ct")) slices.push_back(entry.path());
  std::sort(slices.begin(), slices.end());
  fs::create_directories(dir / "post_ct");
  for (std::size_t k = 0; k < 20; ++k)
    fs::copy_file(slices[k], dir / ("post_ct/" + slices[k].filename().string()));
  std::vector<std::string> args =
      Assess(Dir("dicom"), "pre_ct", "post_ct", "tumours.dcm", "ablation.dcm", dir / "out");
  args[4] = dir / "post_ct";
  const auto run = testing::Run(args);
  ASSERT_EQ(run.exit_code, 8) << run.err;  // some tumours lie beyond the short CT
  DcmFileFormat seg;
  ASSERT_TRUE(seg.loadFile((dir / "out/segmentation.dcm").c_str()).good());
  std::vector<std::string> labels;
  DcmItem* item = nullptr;
  for (unsigned long i = 0;
       seg.getDataset()->findAndGetSequenceItem(DCM_SegmentSequence, item, long(i)).good(); ++i) {
    OFString label;
    item->findAndGetOFString(DCM_SegmentLabel, label);
    labels.push_back(label.c_str());
  }
  ASSERT_EQ(labels.size(), 12u);
  for (int z = 1; z <= 6; ++z) EXPECT_EQ(labels[std::size_t(5 + z)], "Ablation zone " + std::to_string(z));
}

// report.json with DICOM inputs and outputs still meets its schema
// (python3-jsonschema; exit 3 from the script: not installed).
TEST_F(DicomWorkflowTest, ReportWithDicomInputsValidatesAgainstItsSchema) {
  ASSERT_EQ(dicom_.exit_code, 0) << dicom_.err;
  const int code = testing::ValidateReport(Dir("out_dicom/report.json"));
  if (code == testing::kSchemaValidatorAbsent)
    GTEST_SKIP() << "python3 with jsonschema (Debian python3-jsonschema) is absent";
  EXPECT_EQ(code, 0);
  const auto report = testing::ReadJson(Dir("out_dicom/report.json"));
  EXPECT_EQ(report["inputs"]["tumours"]["format"], "DICOM SEG (binary)");
  EXPECT_EQ(report["inputs"]["ablation"]["dicom_references"],
            "frame of reference and referenced series match the post CT");
}

TEST_F(DicomWorkflowTest, NiftiInputsGetNoDicomOutputsAndSayWhy) {
  ASSERT_EQ(nifti_.exit_code, 0) << nifti_.err;
  EXPECT_FALSE(fs::exists(Dir("out_nifti/segmentation.dcm")));
  EXPECT_NE(nifti_.err.find("not written: the post CT is not a DICOM series"), std::string::npos)
      << nifti_.err;
}

// Labels drawn on the other scan: the frame of reference gives it away (exit 4).
// The aligned phantom's scans share a Frame of Reference: no warning. Scans
// of two sessions do not, and --registration none says so.
TEST_F(DicomWorkflowTest, UnregisteredScansOfDifferentFramesAreWarnedAbout) {
  EXPECT_EQ(testing::CountLines(dicom_.err, "Frame of Reference UIDs differ"), 0) << dicom_.err;
  const auto run = testing::Run(
      Assess(Dir("dicom_rigid"), "pre_ct", "post_ct", "tumours.dcm", "ablation.dcm", Dir("out_rigid")));
  EXPECT_EQ(testing::CountLines(run.err, "their Frame of Reference UIDs differ"), 1) << run.err;
}

TEST_F(DicomWorkflowTest, ASegOfTheOtherScanIsRefusedNamingBothFrames) {
  const auto run = testing::Run(
      Assess(Dir("dicom_rigid"), "pre_ct", "post_ct", "ablation.dcm", "ablation.dcm", Dir("out_swap")));
  EXPECT_EQ(run.exit_code, 4) << run.err;
  EXPECT_NE(run.err.find("tumour labels " + Dir("dicom_rigid") +
                         "/ablation.dcm: Frame of Reference UID (0020,0052)"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("as in the pre CT"), std::string::npos) << run.err;
}

// ---------------------------------------------------------------------------
// The phantom's ablation SEG with one attribute broken: assess must refuse
// it naming the file, or say in the report what it could not check.

// Assess the DICOM phantom in `phantom` with a copy of its ablation.dcm
// edited by `edit`, writing into `dir`.
template <typename Edit>
testing::CliRun AssessWithEditedZone(const std::string& phantom, const TempDir& dir, Edit edit) {
  const std::string zone = dir / "zone.dcm";
  fs::copy_file(phantom + "/ablation.dcm", zone);
  DcmFileFormat file;
  EXPECT_TRUE(file.loadFile(zone.c_str()).good());
  file.loadAllDataIntoMemory();
  edit(*file.getDataset());
  EXPECT_TRUE(file.saveFile(zone.c_str(), EXS_LittleEndianExplicit).good());
  std::vector<std::string> args = {"assess",
                                   "--pre-ct",
                                   phantom + "/pre_ct",
                                   "--post-ct",
                                   phantom + "/post_ct",
                                   "--tumours",
                                   phantom + "/tumours.dcm",
                                   "--ablation",
                                   zone,
                                   "--registration",
                                   "none",
                                   "--no-html",
                                   "--no-surfaces",
                                   "--out",
                                   dir / "out"};
  return testing::Run(args);
}

// Item `index` of `seq` in `item`, or fails the test.
DcmItem* Item(DcmItem& item, const DcmTagKey& seq, long index) {
  DcmItem* out = nullptr;
  EXPECT_TRUE(item.findAndGetSequenceItem(seq, out, index).good()) << seq;
  return out;
}

// Frame of Reference UID is Type 1 in a SEG with plane positions: without
// it the SEG was accepted and report.json said "frame of reference match
// the post CT" (found by a black-box review).
TEST_F(DicomWorkflowTest, ASegWithoutFrameOfReferenceIsRefused) {
  ASSERT_EQ(dicom_.exit_code, 0) << dicom_.err;
  TempDir dir;
  const auto run = AssessWithEditedZone(Dir("dicom"), dir, [](DcmDataset& ds) {
    ds.findAndDeleteElement(DCM_FrameOfReferenceUID);
    ds.findAndDeleteElement(DCM_ReferencedSeriesSequence);
  });
  EXPECT_EQ(run.exit_code, 4) << run.err;
  EXPECT_EQ(testing::CountLines(run.err, "error: ablation labels " + (dir / "zone.dcm") +
                                             ": has no Frame of Reference UID (0020,0052); expected '"),
            1)
      << run.err;
}

// Referenced Series Sequence absent: accepted, and the report says that the
// series was not checked rather than that it matches.
TEST_F(DicomWorkflowTest, ASegWithoutReferencedSeriesSaysItWasNotChecked) {
  ASSERT_EQ(dicom_.exit_code, 0) << dicom_.err;
  TempDir dir;
  const auto run = AssessWithEditedZone(
      Dir("dicom"), dir, [](DcmDataset& ds) { ds.findAndDeleteElement(DCM_ReferencedSeriesSequence); });
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto report = testing::ReadJson(dir / "out/report.json");
  EXPECT_EQ(report["inputs"]["ablation"]["dicom_references"],
            "frame of reference matches the post CT; referenced series not checked (the object lists none)");
}

// Moves the SEG's third frame by half its slice spacing along z; with
// `drop_tag`, Spacing Between Slices (Type 3) goes too.
void MoveThirdFrameHalfASlice(DcmDataset& ds, bool drop_tag) {
  DcmItem* measures = Item(*Item(ds, DCM_SharedFunctionalGroupsSequence, 0), DCM_PixelMeasuresSequence, 0);
  Float64 spacing = 0.0;
  ASSERT_TRUE(measures->findAndGetFloat64(DCM_SpacingBetweenSlices, spacing).good());
  if (drop_tag) measures->findAndDeleteElement(DCM_SpacingBetweenSlices);
  DcmItem* plane = Item(*Item(ds, DCM_PerFrameFunctionalGroupsSequence, 2), DCM_PlanePositionSequence, 0);
  Float64 z = 0.0;
  ASSERT_TRUE(plane->findAndGetFloat64(DCM_ImagePositionPatient, z, 2).good());
  OFString x, y;
  plane->findAndGetOFString(DCM_ImagePositionPatient, x, 0);
  plane->findAndGetOFString(DCM_ImagePositionPatient, y, 1);
  const std::string moved =
      std::string(x.c_str()) + "\\" + y.c_str() + "\\" + std::to_string(z + spacing / 2);
  plane->putAndInsertString(DCM_ImagePositionPatient, moved.c_str());
}

// One frame moved by half a slice made a grid of half the spacing with an
// empty slice between each two others: the zone striped, margins 1.5 to 4
// mm short, exit 0. Spacing Between Slices (2 mm here) is the grid; frame 3
// is named. Without the tag the frames alone made the same half-slice grid;
// the post CT's slices, which the other frames follow, are then the grid.
TEST_F(DicomWorkflowTest, ASegFrameOffTheSliceGridIsRefusedNamingIt) {
  ASSERT_EQ(dicom_.exit_code, 0) << dicom_.err;
  for (const bool drop_tag : {false, true}) {
    SCOPED_TRACE(drop_tag ? "without Spacing Between Slices" : "with Spacing Between Slices");
    TempDir dir;
    const auto run = AssessWithEditedZone(
        Dir("dicom"), dir, [drop_tag](DcmDataset& ds) { MoveThirdFrameHalfASlice(ds, drop_tag); });
    EXPECT_EQ(run.exit_code, 4) << run.err;
    EXPECT_EQ(testing::CountLines(run.err, "error: ablation labels " + (dir / "zone.dcm") + ": frame 3: "), 1)
        << run.err;
    const std::string source = drop_tag ? "the slice spacing of the CT, which most frames follow"
                                        : "Spacing Between Slices (0018,0088))";
    EXPECT_NE(run.err.find(".50 slices of 2.000 mm (" + source), std::string::npos) << run.err;
  }
}

// DCMTK reads "1,8" as 1: the zone shrank to 55 % in-plane, exit 8.
TEST_F(DicomWorkflowTest, ASegPixelSpacingWithACommaIsRefused) {
  ASSERT_EQ(dicom_.exit_code, 0) << dicom_.err;
  TempDir dir;
  const auto run = AssessWithEditedZone(Dir("dicom"), dir, [](DcmDataset& ds) {
    DcmItem* measures = Item(*Item(ds, DCM_SharedFunctionalGroupsSequence, 0), DCM_PixelMeasuresSequence, 0);
    measures->putAndInsertString(DCM_PixelSpacing, "1,8\\1,8");
  });
  EXPECT_EQ(run.exit_code, 4) << run.err;
  EXPECT_EQ(testing::CountLines(run.err, "error: ablation labels " + (dir / "zone.dcm") +
                                             ": Pixel Spacing (0028,0030) is '1,8\\1,8'; expected decimal"),
            1)
      << run.err;
}

}  // namespace
}  // namespace margo
