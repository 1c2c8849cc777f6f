// The margo executable stopped by a signal (core/interrupt.h): it takes back
// what it wrote, logs one error line and exits with 128 + the signal; a
// closed stdout (SIGPIPE) fails nothing. Runs the real binary in a child
// process, as a pipeline or a terminal would stop it.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/temp_dir.h"

namespace margo {
namespace {

namespace fs = std::filesystem;

const std::string kPhantom = std::string(MARGO_SOURCE_DIR) + "/testdata/phantom_small/";

std::vector<std::string> Assess(const std::string& out) {
  return {MARGO_BINARY,
          "--quiet",
          "assess",
          "--pre-ct",
          kPhantom + "pre_ct.nii.gz",
          "--post-ct",
          kPhantom + "post_ct.nii.gz",
          "--tumours",
          kPhantom + "tumours.nii.gz",
          "--ablation",
          kPhantom + "ablation.nii.gz",
          "--out",
          out};
}

// margo started with stdout and stderr into files (stdout: a pipe whose
// reader is gone when `closed_stdout`).
pid_t Start(const std::vector<std::string>& args, const std::string& err_file, bool closed_stdout = false) {
  int pipe_fds[2] = {-1, -1};
  if (closed_stdout && ::pipe(pipe_fds) != 0) return -1;
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(err, STDERR_FILENO);
    if (closed_stdout) {
      ::close(pipe_fds[0]);
      ::dup2(pipe_fds[1], STDOUT_FILENO);
    } else {
      ::dup2(err, STDOUT_FILENO);
    }
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  if (closed_stdout) {
    ::close(pipe_fds[0]);  // nobody reads: a write to stdout raises SIGPIPE
    ::close(pipe_fds[1]);
  }
  return pid;
}

// Waits until `path` exists and is not empty (true), or the child ends or
// 60 s pass (false).
bool AwaitFile(pid_t pid, const fs::path& path) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < until) {
    std::error_code ec;
    if (fs::exists(path, ec) && fs::file_size(path, ec) > 0 && !ec) return true;
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  return false;
}

// The exit code, or -signal when the child was killed by a signal.
int Wait(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

std::string Text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> Entries(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    names.push_back(it->path().filename().string());
  }
  return names;
}

// Stopped while it loads and registers: the folder it created goes too.
TEST(InterruptTest, SigtermDuringTheRunRemovesTheNewFolder) {
  testing::TempDir dir;
  const std::string out = dir / "new/out", err = dir / "err.txt";
  const pid_t pid = Start(Assess(out), err);
  ASSERT_TRUE(AwaitFile(pid, fs::path(out) / ".margo.lock")) << Text(err);  // holding its pid
  ::kill(pid, SIGTERM);
  EXPECT_EQ(Wait(pid), 128 + SIGTERM) << Text(err);
  EXPECT_FALSE(fs::exists(dir / "new")) << "left: " << ::testing::PrintToString(Entries(out));
  EXPECT_NE(Text(err).find("error: interrupted by SIGTERM"), std::string::npos) << Text(err);
}

// Stopped while it writes the report into a folder that held an earlier
// report and a user's file: no report file, temporary or lock is left, the
// user's file is.
TEST(InterruptTest, SigintWhileWritingTheReportLeavesNoPartOfIt) {
  testing::TempDir dir;
  const std::string out = dir / "out", err = dir / "err.txt";
  fs::create_directories(out);
  std::ofstream(fs::path(out) / "notes.txt") << "mine";
  std::ofstream(fs::path(out) / "report.json") << "{}";  // an earlier run's
  const pid_t pid = Start(Assess(out), err);
  ASSERT_TRUE(AwaitFile(pid, fs::path(out) / "tumours.csv")) << Text(err);
  ::kill(pid, SIGINT);
  const int code = Wait(pid);
  if (code == 0) GTEST_SKIP() << "the run finished before the signal arrived";
  EXPECT_EQ(code, 128 + SIGINT) << Text(err);
  EXPECT_EQ(Entries(out), std::vector<std::string>{"notes.txt"});
  EXPECT_NE(Text(err).find("error: interrupted by SIGINT; the files this run had written were removed"),
            std::string::npos)
      << Text(err);
}

// A DICOM phantom stopped while it writes its series: no temporary is left
// in the case or its series folders (the next run's scan would read one as a
// second slice), and no truth.json marks the partial case as complete.
TEST(InterruptTest, SigintDuringADicomPhantomLeavesNoTemporaryAndNoTruth) {
  testing::TempDir dir;
  const std::string out = dir / "case", err = dir / "err.txt";
  const pid_t pid = Start(
      {MARGO_BINARY, "--quiet", "phantom", "--out", out, "--preset", "small", "--format", "dicom"}, err);
  ASSERT_TRUE(AwaitFile(pid, fs::path(out) / "pre_ct" / "slice_0001.dcm")) << Text(err);
  ::kill(pid, SIGINT);
  const int code = Wait(pid);
  if (code == 0) GTEST_SKIP() << "the phantom was written before the signal arrived";
  EXPECT_EQ(code, 128 + SIGINT) << Text(err);
  EXPECT_FALSE(fs::exists(fs::path(out) / "truth.json"));
  std::error_code ec;
  for (fs::recursive_directory_iterator it(out, ec), end; !ec && it != end; it.increment(ec)) {
    EXPECT_EQ(it->path().filename().string().find(".tmp-"), std::string::npos) << it->path();
  }
  EXPECT_NE(Text(err).find("the temporary files it was writing were removed"), std::string::npos)
      << Text(err);
}

// `margo ... | head -0`: the summary table cannot be printed; the report is
// whole, the run ends as it would have, and its lock is gone.
TEST(InterruptTest, AClosedStdoutFailsNothing) {
  testing::TempDir dir;
  const std::string out = dir / "out", err = dir / "err.txt";
  std::vector<std::string> args = Assess(out);
  args.push_back("--no-html");
  const pid_t pid = Start(args, err, true);
  EXPECT_EQ(Wait(pid), 0) << Text(err);
  EXPECT_TRUE(fs::exists(fs::path(out) / "report.json"));
  EXPECT_FALSE(fs::exists(fs::path(out) / ".margo.lock"));
}

}  // namespace
}  // namespace margo
