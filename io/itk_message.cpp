#include "io/itk_message.h"

#include <regex>

namespace margo {

std::string PlainItkMessage(const std::string& description) {
  static const std::regex kPrefix(R"((ITK ERROR|itk::ERROR): \w+\(0x[0-9a-fA-F]+\): )");
  std::string text = std::regex_replace(description, kPrefix, "");
  // teem: "Read: Error reading x.nrrd: [nrrd] nrrdLoad: trouble ... [nrrd] _nrrdX: what is wrong"
  const std::size_t last = text.rfind("[nrrd] ");
  if (last != std::string::npos) {
    text = text.substr(last + 7);
    const std::size_t colon = text.find(": ");
    if (colon != std::string::npos && text.find(' ') > colon) text = text.substr(colon + 2);
  }
  // MetaIO fails to parse without setting errno; ITK still appends strerror.
  static const std::regex kMetaIo(R"(File cannot be read: [\s\S]* for reading\.\s*Reason: [\s\S]*)");
  if (std::regex_search(text, kMetaIo)) text = "the MetaImage header cannot be parsed";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

bool ItkRefusedGeometry(const std::string& description) {
  return description.find("orthonormal") != std::string::npos ||
         description.find("A spacing of 0 is not allowed") != std::string::npos;
}

}  // namespace margo
