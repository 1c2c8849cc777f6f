// Logging facade: one object per run, passed by reference to library code;
// safe to call from several threads.
// Info and progress go to the console stream (stderr) unless quiet; errors are
// printed at every verbosity; the optional log file receives everything with
// timestamps. stdout is never touched here: it carries results only.
#pragma once

#include <fstream>
#include <mutex>
#include <ostream>
#include <string>

#include "core/stage_timer.h"

namespace margo {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

class Log {
 public:
  // console: usually std::cerr. console_is_terminal enables in-place progress.
  Log(std::ostream& console, bool console_is_terminal);
  ~Log();
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  void SetQuiet(bool quiet) { quiet_ = quiet; }
  void SetVerbose(bool verbose) { verbose_ = verbose; }
  // Opens (truncates) a log file, written in append mode from then on;
  // throws Error(kOutputFailed) if impossible. A later write that fails is
  // said once on the console, and the run goes on.
  void OpenFile(const std::string& path);

  void Debug(const std::string& message) { Write(LogLevel::kDebug, message); }
  void Info(const std::string& message) { Write(LogLevel::kInfo, message); }
  void Warn(const std::string& message) { Write(LogLevel::kWarn, message); }
  void Error(const std::string& message) { Write(LogLevel::kError, message); }

  // One-line progress for long steps: redrawn in place on a terminal, written
  // only to the log file otherwise (so pipelines get no noise on stderr).
  void Progress(const std::string& step, const std::string& status);
  // Ends an in-place progress line, if one is showing.
  void EndProgress();

  // Stage timing (docs/PERFORMANCE.md): ends the running stage, logging
  // "stage NAME: W s (CPU C s)" at Info, and starts `name`.
  void BeginStage(const std::string& name);
  // Ends the last stage and logs "stages: load 1.20 s, ..., total ..." at
  // Info; stages begun after it are timed afresh.
  void EndStages();

 private:
  void Write(LogLevel level, const std::string& message);
  // With mutex_ held:
  void WriteFile(const char* tag, const std::string& message);
  void EndProgressLocked();

  std::ostream& console_;
  bool console_is_terminal_;
  bool quiet_ = false;
  bool verbose_ = false;
  bool progress_showing_ = false;
  StageTimer stages_;
  std::ofstream file_;
  std::string file_path_;
  bool file_failed_ = false;
  std::mutex mutex_;
};

// A Log that discards everything except errors; handy for tests and tools.
Log& NullLog();

}  // namespace margo
