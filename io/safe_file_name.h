// File names built from DICOM attributes (UIDs, series descriptions, patient
// names) come from outside: a description can hold "../../etc" or "a/b". Every
// such name goes through SafeFileName before it touches the file system.
#pragma once

#include <string>

namespace margo {

// A file-name component made from `text`: letters, digits, '-', '_', '+' and
// '.' are kept, every other byte (path separators, spaces, control characters,
// non-ASCII bytes) becomes '_'; a '.' that starts the name or follows another
// '.' becomes '_' (no "..", no hidden files); at most `max_length` bytes
// (minimum 1). Never empty: "" gives "_".
std::string SafeFileName(const std::string& text, std::size_t max_length = 96);

}  // namespace margo
