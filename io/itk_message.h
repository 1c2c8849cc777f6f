// ITK's exception text made fit for a margo message: without the
// "ITK ERROR: NiftiImageIO(0x55ce...): " prefixes, teem's chain of
// "[nrrd] function: trouble ..." lines and MetaIO's stale errno.
#pragma once

#include <string>

namespace margo {

// The part of `description` (itk::ExceptionObject::GetDescription()) that
// says what is wrong with the file, for a message that already names it.
std::string PlainItkMessage(const std::string& description);

// True when `description` is ITK refusing the grid itself (zero spacing, a
// direction that is not orthonormal): invalid geometry, not an unreadable file.
bool ItkRefusedGeometry(const std::string& description);

}  // namespace margo
