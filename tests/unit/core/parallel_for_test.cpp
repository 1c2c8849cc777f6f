#include "core/parallel_for.h"

#include <gtest/gtest.h>

#include <itkMultiThreaderBase.h>

#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace margo {
namespace {

class ParallelForTest : public testing::TestWithParam<unsigned> {
 protected:
  void SetUp() override {
    saved_ = itk::MultiThreaderBase::GetGlobalDefaultNumberOfThreads();
    itk::MultiThreaderBase::SetGlobalDefaultNumberOfThreads(GetParam());
  }
  void TearDown() override { itk::MultiThreaderBase::SetGlobalDefaultNumberOfThreads(saved_); }
  unsigned saved_ = 1;
};

TEST_P(ParallelForTest, RunsEveryTaskOnceOnAtMostTheAllowedThreads) {
  std::vector<std::atomic<int>> runs(100);
  std::mutex lock;
  std::set<std::thread::id> threads;
  ParallelFor(runs.size(), [&](std::size_t i) {
    ++runs[i];
    std::lock_guard<std::mutex> hold(lock);
    threads.insert(std::this_thread::get_id());
  });
  for (std::size_t i = 0; i < runs.size(); ++i) EXPECT_EQ(runs[i].load(), 1) << "task " << i;
  EXPECT_LE(threads.size(), GetParam());
  ParallelFor(0, [](std::size_t) { FAIL() << "no task to run"; });
}

TEST_P(ParallelForTest, RethrowsTheLowestFailingTaskAfterAllHaveRun) {
  std::atomic<int> ran{0};
  try {
    ParallelFor(20, [&](std::size_t i) {
      ++ran;
      if (i == 7 || i == 13) throw std::runtime_error("task " + std::to_string(i));
    });
    FAIL() << "nothing thrown";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "task 7");
  }
  EXPECT_EQ(ran.load(), 20);
}

INSTANTIATE_TEST_SUITE_P(Threads, ParallelForTest, testing::Values(1u, 2u, 4u));

}  // namespace
}  // namespace margo
