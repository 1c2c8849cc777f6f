// MIME multipart/related bodies (RFC 2046, RFC 2387) as DICOMweb uses them:
// WADO-RS answers with one part per instance, STOW-RS sends one part per file.
// Pure string work, no network, so every edge case is unit-tested.
#pragma once

#include <string>
#include <vector>

namespace margo {

struct MimePart {
  std::string content_type;  // the part's Content-Type header ("" when absent)
  std::string body;          // the part's bytes, exactly as sent
};

// The boundary parameter of a multipart Content-Type header value, quoted or
// not ("multipart/related; type=\"application/dicom\"; boundary=abc").
// Throws Error(kArchiveFailed) when the type is not multipart or has no boundary.
std::string MultipartBoundary(const std::string& content_type);

// Splits a multipart body at `boundary`. Preamble and epilogue are ignored.
// Throws Error(kArchiveFailed) when the body holds no delimiter or stops
// before the closing delimiter (a truncated transfer), naming `source`.
std::vector<MimePart> ParseMultipart(const std::string& body, const std::string& boundary,
                                     const std::string& source);

// A boundary that occurs in none of `parts` (random; checked, not assumed).
std::string MakeBoundary(const std::vector<MimePart>& parts);

// The body of a multipart message with `parts`, each with its Content-Type.
std::string BuildMultipart(const std::vector<MimePart>& parts, const std::string& boundary);

}  // namespace margo
