// Progress of a multi-resolution ITK v4 registration on margo's log: level,
// iteration and metric, redrawn in place (core/log.h).
#pragma once

#include <itkCommand.h>

#include <cstdio>
#include <string>

#include "core/log.h"

namespace margo {

template <typename TRegistration, typename TOptimizer>
class ProgressObserver : public itk::Command {
 public:
  using Self = ProgressObserver;
  using Superclass = itk::Command;
  using Pointer = itk::SmartPointer<Self>;
  itkNewMacro(Self);
  void Setup(Log* log, const TRegistration* registration, unsigned levels, std::string step = "") {
    log_ = log;
    registration_ = registration;
    levels_ = levels;
    step_ = std::move(step);
  }
  void Execute(itk::Object* caller, const itk::EventObject& event) override {
    Execute(static_cast<const itk::Object*>(caller), event);
  }
  void Execute(const itk::Object* caller, const itk::EventObject& event) override {
    if (!itk::IterationEvent().CheckEvent(&event)) return;
    const auto* optimizer = dynamic_cast<const TOptimizer*>(caller);
    if (optimizer == nullptr) return;
    char buf[160];
    std::snprintf(buf, sizeof buf, "level %lu/%u, iteration %lu, metric %.4f",
                  static_cast<unsigned long>(registration_->GetCurrentLevel() + 1), levels_,
                  static_cast<unsigned long>(optimizer->GetCurrentIteration()), double(optimizer->GetValue()));
    log_->Progress(step_.empty() ? "registration" : step_, buf);
  }

 private:
  Log* log_ = nullptr;
  const TRegistration* registration_ = nullptr;
  unsigned levels_ = 0;
  std::string step_;
};

}  // namespace margo
