// DCMTK helpers shared by margo's DICOM object readers and writers. Include
// only from .cpp files in io/: DCMTK headers stay out of public headers.
#pragma once

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>

#include <memory>
#include <string>
#include <vector>

namespace margo::dcmtk {

// Quiets DCMTK's own logger (warnings go to margo's messages instead).
void QuietLogger();

// The file has DICOM Part 10's "DICM" after its 128-byte preamble.
bool HasDicomPreamble(const std::string& path);

// Loads `path`; throws Error(kInputUnreadable) naming `role` and the reason.
std::unique_ptr<DcmFileFormat> LoadFile(const std::string& path, const std::string& role);

// The value of `tag` in `item` (first value, or all with pos = -1), trimmed;
// empty when absent.
std::string Text(DcmItem& item, const DcmTagKey& tag, long pos = 0);

// The top-level string values of `item` made fit to be written again: cut
// at the first NUL (some scanners pad with NUL where DICOM pads with a
// space), and emptied where they still break their VR. One line per value
// changed, naming the attribute and the value found.
std::vector<std::string> MakeStringsWritable(DcmItem& item);

// Throws Error(kOutputFailed) naming `what` when `cond` is bad.
void Check(const OFCondition& cond, const std::string& what);

// A decimal string (DS) of at most 16 characters; no "6e-17" for a zero cosine.
std::string Decimal(double v);

// Saves `file` to `path` atomically (temporary sibling, then rename).
void SaveAtomically(DcmFileFormat& file, const std::string& path);

}  // namespace margo::dcmtk
