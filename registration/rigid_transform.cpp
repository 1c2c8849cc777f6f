#include "registration/rigid_transform.h"

#include <algorithm>
#include <cmath>

#include "registration/itk_transform.h"

namespace margo {

ItkRigid::Pointer ToItk(const RigidTransform& t) {
  auto itk_t = ItkRigid::New();
  ItkRigid::InputPointType centre;
  ItkRigid::OutputVectorType translation;
  for (int a = 0; a < 3; ++a) {
    centre[a] = t.centre_mm[a];
    translation[a] = t.translation_mm[a];
  }
  itk_t->SetCenter(centre);
  itk_t->SetRotation(t.angles_rad[0], t.angles_rad[1], t.angles_rad[2]);
  itk_t->SetTranslation(translation);
  return itk_t;
}

RigidTransform FromItk(const ItkRigid& itk_t) {
  RigidTransform t;
  t.angles_rad = {itk_t.GetAngleX(), itk_t.GetAngleY(), itk_t.GetAngleZ()};
  for (int a = 0; a < 3; ++a) {
    t.translation_mm[a] = itk_t.GetTranslation()[a];
    t.centre_mm[a] = itk_t.GetCenter()[a];
  }
  return t;
}

namespace {

RigidAffine AffineOf(const ItkRigid& t) {
  RigidAffine out;
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) out.m[i][j] = t.GetMatrix()[i][j];
    out.offset[i] = t.GetOffset()[i];
  }
  return out;
}

}  // namespace

RigidAffine RigidTransform::ForwardAffine() const { return AffineOf(*ToItk(*this)); }

RigidAffine RigidTransform::InverseAffine() const {
  ItkRigid::Pointer inverse = ItkRigid::New();
  ToItk(*this)->GetInverse(inverse);
  return AffineOf(*inverse);
}

Vec3 RigidTransform::Apply(const Vec3& p) const { return ForwardAffine().Apply(p); }

Vec3 RigidTransform::ApplyInverse(const Vec3& p) const { return InverseAffine().Apply(p); }

std::function<Vec3(const Vec3&)> RigidTransform::PreToPost() const {
  return [inverse = InverseAffine()](const Vec3& p) { return inverse.Apply(p); };
}

std::function<Vec3(const Vec3&)> RigidTransform::PostToPre() const {
  return [forward = ForwardAffine()](const Vec3& p) { return forward.Apply(p); };
}

std::array<Vec3, 3> RigidTransform::Matrix() const {
  const auto m = ToItk(*this)->GetMatrix();
  std::array<Vec3, 3> out;
  for (int r = 0; r < 3; ++r) out[r] = {m[r][0], m[r][1], m[r][2]};
  return out;
}

double RigidTransform::RotationDeg() const {
  const auto m = Matrix();
  const double trace = m[0][0] + m[1][1] + m[2][2];
  return std::acos(std::clamp((trace - 1.0) / 2.0, -1.0, 1.0)) * 180.0 / M_PI;
}

}  // namespace margo
