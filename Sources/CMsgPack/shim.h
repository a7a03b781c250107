#ifndef GIPC_CMSGPACK_SHIM_H
#define GIPC_CMSGPACK_SHIM_H
#include <msgpack.h>
#endif
