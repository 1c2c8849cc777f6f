#include "tests/support/expect_error.h"

#include <gtest/gtest.h>

namespace margo::testing {

void ExpectError(const std::function<void()>& action, ErrorKind kind, const std::vector<std::string>& parts) {
  try {
    action();
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_EQ(ErrorKindName(e.kind()), std::string(ErrorKindName(kind))) << "message: " << message;
    for (const std::string& part : parts) {
      EXPECT_NE(message.find(part), std::string::npos) << "message lacks \"" << part << "\": " << message;
    }
    return;
  }
  ADD_FAILURE() << "expected a margo::Error (" << ErrorKindName(kind) << "), nothing was thrown";
}

}  // namespace margo::testing
