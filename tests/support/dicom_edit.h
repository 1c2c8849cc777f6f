// Editing every DICOM file of a folder in place, for tests that need a
// series with one attribute changed (character set, lossy flag, ...), and
// reading one attribute back.
#pragma once

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace margo::testing {

// Calls edit(dataset) for each file directly in `folder`, then saves it
// over itself (explicit little endian).
template <typename Edit>
void EditEachDicomFile(const std::filesystem::path& folder, Edit edit) {
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    DcmFileFormat f;
    ASSERT_TRUE(f.loadFile(entry.path().c_str()).good()) << entry.path();
    f.loadAllDataIntoMemory();  // saved over the file it was read from
    edit(*f.getDataset());
    ASSERT_TRUE(f.saveFile(entry.path().c_str(), EXS_LittleEndianExplicit).good()) << entry.path();
  }
}

// The value of `tag` in the DICOM file `path` (all values, backslash
// separated; "" when absent).
inline std::string DicomString(const std::string& path, const DcmTagKey& tag) {
  DcmFileFormat f;
  EXPECT_TRUE(f.loadFile(path.c_str()).good()) << path;
  OFString value;
  f.getDataset()->findAndGetOFStringArray(tag, value);
  return value.c_str();
}

}  // namespace margo::testing
