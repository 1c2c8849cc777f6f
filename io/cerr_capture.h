// What third-party readers print on std::cerr while margo reads a file,
// kept for margo's own message instead: MetaIO (ITK's MetaImage reader)
// writes its complaints there ("NDims required and not defined.",
// "MetaObject: Read: MET_Read Failed", ...) before ITK throws, so a user saw
// three or four loose lines above margo's error. std::cerr is process-wide:
// capture only where no other thread reads a file or writes to std::cerr
// (margo reads MetaImage files on one thread: apps/assess.cpp).
#pragma once

#include <iostream>
#include <sstream>
#include <string>

namespace margo {

class CerrCapture {
 public:
  // Does nothing unless `active`.
  explicit CerrCapture(bool active) : saved_(active ? std::cerr.rdbuf(captured_.rdbuf()) : nullptr) {}
  ~CerrCapture() {
    if (saved_ != nullptr) std::cerr.rdbuf(saved_);
  }
  CerrCapture(const CerrCapture&) = delete;
  CerrCapture& operator=(const CerrCapture&) = delete;

  // The first non-empty line printed, trimmed; empty if none.
  std::string FirstLine() const {
    std::istringstream lines(captured_.str());
    for (std::string line; std::getline(lines, line);) {
      const auto first = line.find_first_not_of(" \t\r");
      if (first == std::string::npos) continue;
      line = line.substr(first);
      line.erase(line.find_last_not_of(" \t\r.") + 1);
      return line;
    }
    return "";
  }

 private:
  std::ostringstream captured_;
  std::streambuf* saved_;
};

}  // namespace margo
