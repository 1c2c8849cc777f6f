#include "registration/transform_file.h"

#include <itkCompositeTransform.h>
#include <itkNumberToString.h>

#include <vector>

#include "core/atomic_file.h"
#include "core/error.h"
#include "registration/itk_transform.h"

namespace margo {
namespace {

bool EndsWith(const std::string& s, const std::string& end) {
  return s.size() >= end.size() && s.compare(s.size() - end.size(), end.size(), end) == 0;
}

// One "Parameters:" or "FixedParameters:" line: ITK's shortest round-trip
// numbers (NumberToString), one space apart.
template <typename TArray>
void AppendNumbers(std::string& text, const char* name, const TArray& values) {
  const itk::NumberToString<double> number;
  text += name;
  for (unsigned i = 0; i < values.size(); ++i) text += (i == 0 ? "" : " ") + number(values[i]);
  text += '\n';
}

// TxtTransformIOTemplate::Write's layout: a composite is written as its
// type line, then each of its transforms in queue order.
std::string TransformText(const itk::TransformBaseTemplate<double>& transform) {
  std::vector<const itk::TransformBaseTemplate<double>*> list{&transform};
  if (const auto* composite = dynamic_cast<const itk::CompositeTransform<double, 3>*>(&transform)) {
    for (unsigned i = 0; i < composite->GetNumberOfTransforms(); ++i) {
      list.push_back(composite->GetNthTransformConstPointer(i));
    }
  }
  std::string text = "#Insight Transform File V1.0\n";
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string type = list[i]->GetTransformTypeAsString();
    const bool composite = type.find("CompositeTransform") != std::string::npos;
    if (composite && i > 0) throw Error(ErrorKind::kInternal, "a composite transform nested in another");
    text += "#Transform " + std::to_string(i) + "\nTransform: " + type + "\n";
    if (composite) continue;  // its parameters are its transforms'
    AppendNumbers(text, "Parameters: ", list[i]->GetParameters());
    AppendNumbers(text, "FixedParameters: ", list[i]->GetFixedParameters());
  }
  return text;
}

}  // namespace

void WriteItkTransformText(const itk::TransformBaseTemplate<double>& transform, const std::string& path) {
  if (!EndsWith(path, ".tfm") && !EndsWith(path, ".txt")) {
    throw Error(ErrorKind::kUsage, "output " + path + ": unsupported extension; expected .tfm or .txt");
  }
  WriteFileAtomically(path, TransformText(transform));
}

void WriteTransformFile(const ScanMap& map, const std::string& path) {
  if (map.deformable()) return map.deformable()->Write(path);
  WriteItkTransformText(*ToItk(map.rigid()), path);
}

}  // namespace margo
