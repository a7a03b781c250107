#ifndef GIPC_CMSGPACK_SHIM_H
#define GIPC_CMSGPACK_SHIM_H
#include <msgpack.h>

/// A growable output buffer and the packer that appends to it, allocated together so their addresses stay fixed.
typedef struct gipc_msgpack_writer {
    msgpack_sbuffer buffer;
    msgpack_packer packer;
} gipc_msgpack_writer;

/// The packer's write callback: `msgpack_sbuffer_write` (it grows the buffer the same way, by doubling from 8 KiB),
/// with the few bytes of a header or number copied inline instead of through a call to `memcpy`.
static inline int gipc_msgpack_append(void *data, const char *bytes, size_t length) {
    msgpack_sbuffer *buffer = (msgpack_sbuffer *)data;
    if (buffer->alloc - buffer->size < length) { return msgpack_sbuffer_write(data, bytes, length); }
    char *out = buffer->data + buffer->size;
    switch (length) {  // The lengths of msgpack-c's headers and numbers.
    case 1: out[0] = bytes[0]; break;
    case 2: memcpy(out, bytes, 2); break;
    case 3: memcpy(out, bytes, 3); break;
    case 5: memcpy(out, bytes, 5); break;
    case 9: memcpy(out, bytes, 9); break;
    default: memcpy(out, bytes, length); break;
    }
    buffer->size += length;
    return 0;
}

/// Appends `length` bytes to `buffer`, as `msgpack_sbuffer_write` does (it grows the buffer the same way), with the
/// few bytes of a header or number copied inline when there is room.
static inline int gipc_sbuffer_append(msgpack_sbuffer *buffer, const void *bytes, size_t length) {
    if (buffer->alloc - buffer->size < length) { return msgpack_sbuffer_write(buffer, (const char *)bytes, length); }
    char *out = buffer->data + buffer->size;
    const char *in = (const char *)bytes;
    switch (length) {
    case 1: out[0] = in[0]; break;
    case 2: memcpy(out, in, 2); break;
    case 3: memcpy(out, in, 3); break;
    case 5: memcpy(out, in, 5); break;
    case 9: memcpy(out, in, 9); break;
    default: memcpy(out, in, length); break;
    }
    buffer->size += length;
    return 0;
}

/* msgpack-c's packing functions (msgpack/pack_template.h, the code behind `msgpack_pack_int64` and the others)
 * instantiated a second time, as `gipc_sbuffer_pack_int64(msgpack_sbuffer *, int64_t)` and so on: the same forms,
 * appended to the buffer by `gipc_sbuffer_append` inline instead of through the packer's write callback (a call
 * through a function pointer per item). The template is meant for such instantiations (it undefines its macros at
 * the end); `msgpack_pack_ext` is renamed for the timestamp function, which calls it. */
#define msgpack_pack_inline_func(name) static inline int gipc_sbuffer_pack##name
#define msgpack_pack_user msgpack_sbuffer *
#define msgpack_pack_append_buffer(user, buf, len) return gipc_sbuffer_append(user, buf, len)
#define msgpack_pack_ext gipc_sbuffer_pack_ext
#include <msgpack/pack_template.h>
#undef msgpack_pack_ext

/// Packs a str header and its bytes into `buffer`: the fixstr form (under 32 bytes) in one step when there is room,
/// other lengths as `msgpack_pack_str` and `msgpack_pack_str_body` write them. Returns 0 on success, -1 when memory
/// runs out.
static inline int gipc_sbuffer_pack_string(msgpack_sbuffer *buffer, const void *bytes, size_t length) {
    if (length < 32 && buffer->alloc - buffer->size >= length + 1) {
        char *out = buffer->data + buffer->size;
        out[0] = (char)(0xa0 | length);
        memcpy(out + 1, bytes, length);
        buffer->size += length + 1;
        return 0;
    }
    if (gipc_sbuffer_pack_str(buffer, length) != 0) { return -1; }
    return gipc_sbuffer_pack_str_body(buffer, bytes, length);
}

/// Packs an array of `count` integers (`Int` on 64-bit platforms) into `buffer`: the header and each element in its
/// smallest form, as `msgpack_pack_array` and `msgpack_pack_int64` write them. Returns 0 on success, -1 when memory
/// runs out.
static inline int gipc_sbuffer_pack_int64_array(msgpack_sbuffer *buffer, const int64_t *values, size_t count) {
    if (gipc_sbuffer_pack_array(buffer, count) != 0) { return -1; }
    for (size_t index = 0; index < count; index++) {
        if (gipc_sbuffer_pack_int64(buffer, values[index]) != 0) { return -1; }
    }
    return 0;
}

/// Prepares `writer`: an empty buffer (nothing allocated yet) and a packer pointing at it.
static inline void gipc_msgpack_writer_init(gipc_msgpack_writer *writer) {
    msgpack_sbuffer_init(&writer->buffer);
    msgpack_packer_init(&writer->packer, &writer->buffer, gipc_msgpack_append);
}

/// Empties the buffer of `writer` for the next message, keeping its memory.
static inline void gipc_msgpack_writer_reset(gipc_msgpack_writer *writer) { writer->buffer.size = 0; }

/// Packs a str header and its bytes; returns 0 on success, -1 when memory runs out.
static inline int gipc_msgpack_pack_string(msgpack_packer *packer, const void *bytes, size_t length) {
    if (msgpack_pack_str(packer, length) != 0) { return -1; }
    return msgpack_pack_str_body(packer, bytes, length);
}

/// Packs a str header and its bytes, the fixstr form (under 32 bytes) straight into the buffer when there is room,
/// as `msgpack_pack_str` would write it; other lengths through `gipc_msgpack_pack_string`. Returns 0 on success, -1
/// when memory runs out.
static inline int gipc_msgpack_pack_short_string(msgpack_packer *packer, const void *bytes, size_t length) {
    msgpack_sbuffer *buffer = (msgpack_sbuffer *)packer->data;
    if (length >= 32 || buffer->alloc - buffer->size < length + 1) {
        return gipc_msgpack_pack_string(packer, bytes, length);
    }
    char *out = buffer->data + buffer->size;
    out[0] = (char)(0xa0 | length);
    memcpy(out + 1, bytes, length);
    buffer->size += length + 1;
    return 0;
}

/// Widens the container header at `offset` from `from` to `to` bytes, moving everything after it; returns 0 on
/// success, -1 when memory runs out.
static inline int gipc_msgpack_widen_header(msgpack_sbuffer *buffer, size_t offset, size_t from, size_t to) {
    static const char zeros[8] = {0};
    size_t tail = buffer->size - offset - from;
    if (msgpack_sbuffer_write(buffer, zeros, to - from) != 0) { return -1; }
    memmove(buffer->data + offset + to, buffer->data + offset + from, tail);
    return 0;
}

/// Appends `length` zero bytes to `buffer`; returns 0 on success, -1 when memory runs out.
static inline int gipc_msgpack_sbuffer_pad(msgpack_sbuffer *buffer, size_t length) {
    static const char zeros[16] = {0};
    while (length > 0) {
        size_t step = length < 16 ? length : 16;
        if (msgpack_sbuffer_write(buffer, zeros, step) != 0) { return -1; }
        length -= step;
    }
    return 0;
}

/// Frees the buffer of `writer` (not `writer` itself).
static inline void gipc_msgpack_writer_destroy(gipc_msgpack_writer *writer) {
    msgpack_sbuffer_destroy(&writer->buffer);
}

/// Appends `length` raw bytes to `buffer`; returns 0 on success, -1 when memory runs out.
static inline int gipc_msgpack_sbuffer_append(msgpack_sbuffer *buffer, const void *bytes, size_t length) {
    return msgpack_sbuffer_write(buffer, (const char *)bytes, length);
}

/// Writes the smallest array (`is_map` == 0) or map header for `count` into `out` (1, 3 or 5 bytes, as msgpack-c's
/// `msgpack_pack_array`/`msgpack_pack_map` choose them); returns its length.
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
