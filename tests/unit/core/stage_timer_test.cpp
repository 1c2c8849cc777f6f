// StageTimer: stages follow each other, time under one name adds up, and the
// summary lists stages in the order first begun.
#include "core/stage_timer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace margo {
namespace {

void Sleep(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

TEST(StageTimerTest, BeginEndsTheRunningStageAndRepeatedNamesAddUp) {
  StageTimer timer;
  EXPECT_TRUE(timer.Begin("load").name.empty());  // nothing was running
  Sleep(30);
  const StageTime load = timer.Begin("report");
  EXPECT_EQ(load.name, "load");
  EXPECT_GE(load.wall_s, 0.025);
  EXPECT_LT(load.wall_s, 1.0);
  Sleep(20);
  timer.Begin("resample");
  Sleep(10);
  timer.Begin("report");
  Sleep(20);
  EXPECT_EQ(timer.End().name, "report");
  EXPECT_TRUE(timer.End().name.empty());  // already ended

  const auto& totals = timer.Totals();
  ASSERT_EQ(totals.size(), 3u);
  EXPECT_EQ(totals[0].name, "load");
  EXPECT_EQ(totals[1].name, "report");
  EXPECT_EQ(totals[2].name, "resample");
  EXPECT_GE(totals[1].wall_s, 0.035);  // 20 + 20 ms
  EXPECT_LT(totals[1].wall_s, 1.0);
  EXPECT_GE(totals[2].wall_s, 0.008);
  for (const StageTime& t : totals) EXPECT_LT(t.cpu_s, 0.5);  // sleeping costs no CPU
  const std::string summary = timer.Summary();
  EXPECT_NE(summary.find("load "), std::string::npos);
  EXPECT_LT(summary.find("load "), summary.find("report "));
  EXPECT_LT(summary.find("report "), summary.find("resample "));
  EXPECT_NE(summary.find("total "), std::string::npos);
}

}  // namespace
}  // namespace margo
