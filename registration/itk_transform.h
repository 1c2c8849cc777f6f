// Conversion between margo's RigidTransform and ITK's Euler3DTransform; kept
// in its own header so that only the translation units that need ITK's
// transform classes include them.
#pragma once

#include <itkEuler3DTransform.h>

#include "registration/rigid_transform.h"

namespace margo {

using ItkRigid = itk::Euler3DTransform<double>;

ItkRigid::Pointer ToItk(const RigidTransform& t);
RigidTransform FromItk(const ItkRigid& t);

}  // namespace margo
