// Wall and CPU time per named stage of a run (load, rigid, deformable, ...).
// Stages follow each other: Begin ends the running stage and starts the next;
// time spent twice under one name (report, resample, report) adds up.
#pragma once

#include <chrono>
#include <ctime>
#include <string>
#include <vector>

namespace margo {

struct StageTime {
  std::string name;
  double wall_s = 0.0, cpu_s = 0.0;  // CPU: the whole process, every thread
};

class StageTimer {
 public:
  // Ends the running stage, if any, and returns its time (name empty if none).
  StageTime Begin(const std::string& name);
  StageTime End() { return Begin(""); }
  // Every stage in the order first begun, times summed per name.
  const std::vector<StageTime>& Totals() const { return totals_; }
  // "load 1.20 s, rigid 2.31 s, ..., total 9.87 s wall, 15.02 s CPU"
  std::string Summary() const;

 private:
  std::string running_;
  std::chrono::steady_clock::time_point wall_start_;
  std::clock_t cpu_start_ = 0;
  std::vector<StageTime> totals_;
};

}  // namespace margo
