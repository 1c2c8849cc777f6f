// Test names for table-driven GoogleTest cases from each row's `name`
// field: letters and digits kept, everything else '_'.
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <string>

namespace margo::testing {

template <typename TCase>
std::string CaseName(const ::testing::TestParamInfo<TCase>& info) {
  std::string name = info.param.name;
  for (char& ch : name) ch = std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  return name;
}

}  // namespace margo::testing
