// The terminal summary and tumours.csv on a hand-made assessment.
#include <gtest/gtest.h>

#include <sstream>

#include "apps/report_csv.h"
#include "apps/summary_table.h"

namespace margo {
namespace {

Assessment TwoTumours() {
  Assessment a;
  TumourMargin t;
  t.label = 2;
  t.assessable = true;
  t.volume_ml = 2.5;
  t.min_margin_mm = -1.25;
  t.p5_mm = 0.5;
  t.category = MarginCategory::kIncomplete;
  t.borderline = true;
  t.surface_coverage = {{0, 0.9}, {5, 0.4}, {10, 0.05}};
  t.shell_coverage = {{3, 0.8}};
  a.tumours.push_back(t);
  TumourMargin n;
  n.label = 12;
  n.volume_ml = 1.0;
  n.not_assessable_reason = "tumour reaches the edge, \"cut\"";
  a.tumours.push_back(n);
  return a;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string WithoutAnsi(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\033') {
      i = s.find('m', i);
      continue;
    }
    out += s[i];
  }
  return out;
}

TEST(SummaryTableTest, OneAlignedRowPerTumour) {
  const Assessment a = TwoTumours();
  const std::vector<std::string> lines = Lines(SummaryTable(a));
  ASSERT_EQ(lines.size(), 3u);
  const std::size_t category = lines[0].find("category");
  ASSERT_NE(category, std::string::npos);
  EXPECT_EQ(lines[1].find("incomplete"), category) << lines[1];
  EXPECT_NE(lines[1].find("-1.25"), std::string::npos);
  EXPECT_NE(lines[1].find(" 40 "), std::string::npos) << "coverage at 5 mm in percent: " << lines[1];
  EXPECT_NE(lines[1].find("yes"), std::string::npos) << "borderline";
  EXPECT_NE(lines[2].find("not assessable: tumour reaches the edge"), std::string::npos);
  EXPECT_EQ(SummaryTable(a).find('\033'), std::string::npos) << "no colour unless asked";
}

TEST(SummaryTableTest, ColourChangesNothingButTheEscapes) {
  const Assessment a = TwoTumours();
  const std::string coloured = SummaryTable(a, true);
  EXPECT_NE(coloured.find("\033[1;31mincomplete\033[0m"), std::string::npos);
  EXPECT_EQ(WithoutAnsi(coloured), SummaryTable(a, false));
}

TEST(TumoursCsvTest, OneRowPerTumourWithEveryColumn) {
  const std::vector<std::string> lines = Lines(TumoursCsv(TwoTumours()));
  ASSERT_EQ(lines.size(), 3u);
  auto commas = [](const std::string& s) {
    int n = 0;
    bool quoted = false;
    for (char c : s) {
      quoted ^= c == '"';
      n += c == ',' && !quoted;
    }
    return n;
  };
  EXPECT_EQ(commas(lines[1]), commas(lines[0]));
  EXPECT_EQ(commas(lines[2]), commas(lines[0]));
  EXPECT_EQ(lines[1].rfind("2,true,2.5,-1.25,", 0), 0u) << lines[1];
  EXPECT_NE(lines[1].find(",0.4,0.05,0.8,,"), std::string::npos)
      << "coverage 5/10 mm, shell 3 mm, no 6 mm shell";
  EXPECT_NE(lines[2].find(",\"tumour reaches the edge, \"\"cut\"\"\""), std::string::npos) << lines[2];
}

}  // namespace
}  // namespace margo
