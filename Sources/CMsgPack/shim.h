#ifndef GIPC_CMSGPACK_SHIM_H
#define GIPC_CMSGPACK_SHIM_H
#include <msgpack.h>

/// A growable output buffer and the packer that appends to it, allocated together so their addresses stay fixed.
typedef struct gipc_msgpack_writer {
    msgpack_sbuffer buffer;
    msgpack_packer packer;
} gipc_msgpack_writer;

/// Prepares `writer`: an empty buffer (nothing allocated yet) and a packer pointing at it.
static inline void gipc_msgpack_writer_init(gipc_msgpack_writer *writer) {
    msgpack_sbuffer_init(&writer->buffer);
    msgpack_packer_init(&writer->packer, &writer->buffer, msgpack_sbuffer_write);
}

/// Frees the buffer of `writer` (not `writer` itself).
static inline void gipc_msgpack_writer_destroy(gipc_msgpack_writer *writer) {
    msgpack_sbuffer_destroy(&writer->buffer);
}

/// Appends `length` raw bytes to `buffer`; returns 0 on success, -1 when memory runs out.
static inline int gipc_msgpack_sbuffer_append(msgpack_sbuffer *buffer, const void *bytes, size_t length) {
    return msgpack_sbuffer_write(buffer, (const char *)bytes, length);
}

/// Writes the smallest array (`is_map` == 0) or map header for `count` into `out` (at least 5 bytes); returns its
/// length.
static inline size_t gipc_msgpack_container_header(unsigned char *out, uint32_t count, int is_map) {
    if (count < 16) {
        out[0] = (unsigned char)((is_map ? 0x80 : 0x90) | count);
        return 1;
    }
    if (count < 65536) {
        out[0] = is_map ? 0xde : 0xdc;
        out[1] = (unsigned char)(count >> 8);
        out[2] = (unsigned char)count;
        return 3;
    }
    out[0] = is_map ? 0xdf : 0xdd;
    out[1] = (unsigned char)(count >> 24);
    out[2] = (unsigned char)(count >> 16);
    out[3] = (unsigned char)(count >> 8);
    out[4] = (unsigned char)count;
    return 5;
}
#endif
