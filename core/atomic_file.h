// Writes a file so that readers see either the old content or the complete new
// content, never a half-written file: write a temporary sibling, then rename.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace margo {

// Throws Error(kOutputFailed) naming the path when anything fails; the
// temporary file is removed in that case.
void WriteFileAtomically(const std::filesystem::path& path, const std::string& content);

// A temporary sibling name for `path` ("report.json" -> ".report.json.tmp-<pid>-<n>").
std::filesystem::path TemporarySibling(const std::filesystem::path& path);

// The same for writers that choose the format by the extension, which it
// keeps ("labels.nii.gz" -> ".tmp-<pid>-<n>-labels.nii.gz").
std::filesystem::path TemporarySiblingKeepingExtension(const std::filesystem::path& path);

// Removes from `dir` the temporaries (either form above) of the files
// `names` (every name when empty) left by this process, or by any process
// when `any_process` (in a folder this run has locked, a temporary is what a
// run killed outright left). Returns what it removed.
std::vector<std::filesystem::path> RemoveTemporaries(const std::filesystem::path& dir,
                                                     const std::vector<std::string>& names, bool any_process);

// RemoveTemporaries of every name in `dir` and in the folders directly in it
// (a DICOM series folder, say).
std::vector<std::filesystem::path> RemoveTemporariesInTree(const std::filesystem::path& dir,
                                                           bool any_process);

// Whether `file_name` is one of the temporaries above: never an input.
bool IsTemporaryName(const std::string& file_name);

// Renames `temporary` onto `path`; on failure removes `temporary` and throws.
void CommitTemporary(const std::filesystem::path& temporary, const std::filesystem::path& path);

// Creates `dir` (and parents) if needed; throws Error(kOutputFailed) if it is
// not a writable folder.
void EnsureWritableDirectory(const std::filesystem::path& dir);

}  // namespace margo
