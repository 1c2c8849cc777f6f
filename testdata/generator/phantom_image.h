// The generators allocate their images with core/allocate_on.h's AllocateOn.
#pragma once

#include "core/allocate_on.h"
