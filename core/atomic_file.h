// Writes a file so that readers see either the old content or the complete new
// content, never a half-written file: write a temporary sibling, then rename.
#pragma once

#include <filesystem>
#include <string>

namespace margo {

// Throws Error(kOutputFailed) naming the path when anything fails; the
// temporary file is removed in that case.
void WriteFileAtomically(const std::filesystem::path& path, const std::string& content);

// A temporary sibling name for `path` ("report.json" -> ".report.json.tmp-<pid>-<n>").
std::filesystem::path TemporarySibling(const std::filesystem::path& path);

// Renames `temporary` onto `path`; on failure removes `temporary` and throws.
void CommitTemporary(const std::filesystem::path& temporary, const std::filesystem::path& path);

// Creates `dir` (and parents) if needed; throws Error(kOutputFailed) if it is
// not a writable folder.
void EnsureWritableDirectory(const std::filesystem::path& dir);

}  // namespace margo
