// SHA-256 of input files, so a report names exactly what it measured.
#pragma once

#include <string>

namespace margo {

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(const std::string& data);

// Of a file: its content. Of a folder (a DICOM series): every regular file
// below it, in sorted relative-path order, each contributing its relative
// path, a NUL byte and its content. Throws Error(kInputUnreadable).
std::string Sha256OfPath(const std::string& path);

}  // namespace margo
