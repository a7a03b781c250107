/* A GIPCKit peer in C: echoes every frame on the handles its parent passed (docs/PROTOCOL.md).
   Frames are copied as bytes, so any codec works. Build: cc -o peer peer.c */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Reads exactly n bytes; returns 1, 0 at end of stream before the first byte, -1 on error or mid-way end. */
static int read_all(int fd, unsigned char *buffer, size_t n) {
    size_t done = 0;
    while (done < n) {
        ssize_t got = read(fd, buffer + done, n - done);
        if (got == 0) return done == 0 ? 0 : -1;
        if (got < 0) return -1;
        done += (size_t)got;
    }
    return 1;
}

static int write_all(int fd, const unsigned char *buffer, size_t n) {
    while (n > 0) {
        ssize_t put = write(fd, buffer, n);
        if (put < 0) return -1;
        buffer += put;
        n -= (size_t)put;
    }
    return 0;
}

int main(void) {
    /* GIPC_HANDLES=3:r:CODEC[:MAXBYTES],4:w:CODEC */
    const char *handles = getenv("GIPC_HANDLES");
    int in, out;
    if (!handles || sscanf(handles, "%d:r:%*[^,],%d:w:", &in, &out) != 2) {
        fprintf(stderr, "peer: expected GIPC_HANDLES=IN:r:CODEC,OUT:w:CODEC\n");
        return 2;
    }
    const uint32_t limit = 64u << 20;
    unsigned char header[4];
    int status;
    while ((status = read_all(in, header, 4)) == 1) {
        uint32_t length = (uint32_t)header[0] << 24 | header[1] << 16 | header[2] << 8 | header[3];
        if (length > limit) { /* also refuses negative lengths (the large form) */
            fprintf(stderr, "peer: frame of %u bytes refused\n", length);
            return 1;
        }
        unsigned char *payload = malloc(length ? length : 1);
        if (!payload || read_all(in, payload, length) != 1) return 1;
        if (write_all(out, header, 4) < 0 || write_all(out, payload, length) < 0) return 1;
        free(payload);
    }
    return status == 0 ? 0 : 1;
}
