#include "core/stage_timer.h"

#include <cstdio>

namespace margo {

StageTime StageTimer::Begin(const std::string& name) {
  const auto wall_now = std::chrono::steady_clock::now();
  const std::clock_t cpu_now = std::clock();
  StageTime done;
  if (!running_.empty()) {
    done.name = running_;
    done.wall_s = std::chrono::duration<double>(wall_now - wall_start_).count();
    done.cpu_s = double(cpu_now - cpu_start_) / CLOCKS_PER_SEC;
    StageTime* total = nullptr;
    for (StageTime& t : totals_) total = t.name == done.name ? &t : total;
    if (total == nullptr) total = &totals_.emplace_back(StageTime{done.name});
    total->wall_s += done.wall_s;
    total->cpu_s += done.cpu_s;
  }
  running_ = name;
  wall_start_ = wall_now;
  cpu_start_ = cpu_now;
  return done;
}

std::string StageTimer::Summary() const {
  std::string out;
  double wall = 0.0, cpu = 0.0;
  char buf[96];
  for (const StageTime& t : totals_) {
    std::snprintf(buf, sizeof buf, "%s %.2f s, ", t.name.c_str(), t.wall_s);
    out += buf;
    wall += t.wall_s;
    cpu += t.cpu_s;
  }
  std::snprintf(buf, sizeof buf, "total %.2f s wall, %.2f s CPU", wall, cpu);
  return out + buf;
}

}  // namespace margo
