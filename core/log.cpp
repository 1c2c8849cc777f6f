#include "core/log.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <iomanip>
#include <sstream>

#include "core/error.h"

namespace margo {
namespace {

std::string Timestamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm_utc{};
  gmtime_r(&t, &tm_utc);
  std::ostringstream s;
  s << std::put_time(&tm_utc, "%Y-%m-%dT%H:%M:%SZ");
  return s.str();
}

const char* Tag(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warning";
    case LogLevel::kError: return "error";
  }
  return "";
}

}  // namespace

Log::Log(std::ostream& console, bool console_is_terminal)
    : console_(console), console_is_terminal_(console_is_terminal) {}

Log::~Log() { EndProgress(); }

void Log::OpenFile(const std::string& path) {
  std::lock_guard<std::mutex> hold(mutex_);
  // Truncated, then appended to: a second process writing the same file (a
  // run refused by another's lock) can lose lines but never leave a hole.
  file_.open(path, std::ios::out | std::ios::trunc);
  if (file_) {
    file_.close();
    file_.open(path, std::ios::out | std::ios::app);
  }
  if (!file_) {
    throw margo::Error(ErrorKind::kOutputFailed,
                       "log file " + path + ": cannot open for writing");
  }
  file_path_ = path;
  file_failed_ = false;
}

void Log::Write(LogLevel level, const std::string& raw) {
  // One line per message (ITK exception texts span several).
  std::string message = raw;
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  for (char& ch : message) ch = ch == '\n' ? ' ' : ch;
  std::lock_guard<std::mutex> hold(mutex_);
  WriteFile(Tag(level), message);
  const bool show = level == LogLevel::kError || level == LogLevel::kWarn ||
                    (!quiet_ && (level == LogLevel::kInfo || verbose_));
  if (!show) return;
  EndProgressLocked();
  if (level == LogLevel::kInfo) {
    console_ << message << '\n';
  } else {
    console_ << Tag(level) << ": " << message << '\n';
  }
  console_.flush();
}

void Log::WriteFile(const char* tag, const std::string& message) {
  if (!file_.is_open() || file_failed_) return;
  errno = 0;
  file_ << Timestamp() << ' ' << tag << ": " << message << std::endl;
  if (file_) return;
  file_failed_ = true;  // said once: the run goes on, its report does not depend on the log
  EndProgressLocked();
  console_ << "warning: log file " << file_path_ << ": cannot write ("
           << (errno ? std::strerror(errno) : "I/O error") << "); the log is incomplete from here on\n";
  console_.flush();
}

void Log::Progress(const std::string& step, const std::string& status) {
  std::lock_guard<std::mutex> hold(mutex_);
  WriteFile("progress", step + ": " + status);
  if (quiet_ || !console_is_terminal_) return;
  console_ << "\r\033[K" << step << ": " << status << std::flush;
  progress_showing_ = true;
}

void Log::EndProgress() {
  std::lock_guard<std::mutex> hold(mutex_);
  EndProgressLocked();
}

void Log::EndProgressLocked() {
  if (!progress_showing_) return;
  console_ << "\r\033[K" << std::flush;
  progress_showing_ = false;
}

void Log::BeginStage(const std::string& name) {
  const StageTime done = stages_.Begin(name);
  if (done.name.empty()) return;
  char buf[200];
  std::snprintf(buf, sizeof buf, "stage %s: %.2f s (CPU %.2f s)", done.name.c_str(), done.wall_s, done.cpu_s);
  std::string line = buf;
  for (const StageTime& t : stages_.Totals()) {
    if (t.name != done.name || t.wall_s == done.wall_s) continue;
    std::snprintf(buf, sizeof buf, ", %.2f s in all",
                  t.wall_s);  // a stage resumed (report, resample, report)
    line += buf;
  }
  Info(line);
}

void Log::EndStages() {
  BeginStage("");
  if (!stages_.Totals().empty()) Info("stages: " + stages_.Summary());
  stages_ = StageTimer();  // the next stages (regress: the next case) count afresh
}

Log& NullLog() {
  static std::ostringstream sink;
  static Log log(sink, false);
  log.SetQuiet(true);
  return log;
}

}  // namespace margo
