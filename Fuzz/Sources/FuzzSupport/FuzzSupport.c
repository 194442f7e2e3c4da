// Intentionally empty: the module exists for its header.
#include "FuzzSupport.h"
