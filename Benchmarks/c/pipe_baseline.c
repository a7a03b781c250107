/*
 * The C baselines of the GIPCKit benchmarks: a parent writes length-prefixed frames (4-byte big-endian length,
 * then the payload; blocking I/O) to a forked child through one pipe whose buffer is raised to the same size
 * GIPCKit asks for (1 MiB, F_SETPIPE_SZ). The child reads through a 64 KiB staging buffer, reads large payloads
 * straight into one reused buffer, and reports on a second pipe when it has every frame.
 *
 * Two ways to send a frame: one writev of header and payload (workloads small, large-1m, large-16m), or one
 * write of header and payload copied together into one buffer (small-write: the faster way for small frames,
 * as writev copies its iovec array and walks two segments under the pipe's lock).
 *
 * Usage: pipe_baseline WORKLOAD [COUNT]   (WORKLOAD: small, small-write, large-1m, large-16m); prints one JSON
 * object.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STAGING (64 * 1024)
#define PIPE_BUFFER (1 << 20)

static void die(const char *what) {
    perror(what);
    exit(2);
}

static void read_exactly(int fd, uint8_t *into, size_t count) {
    while (count > 0) {
        ssize_t n = read(fd, into, count);
        if (n <= 0) die("read");
        into += n;
        count -= (size_t)n;
    }
}

/* Reads into the staging buffer until it holds at least `want` unread bytes (from *start to *end; `want` is at
 * most STAGING), moving the unread bytes to its front before each read. */
static void fill(int fd, uint8_t *staging, size_t *start, size_t *end, size_t want) {
    while (*end - *start < want) {
        memmove(staging, staging + *start, *end - *start);
        *end -= *start;
        *start = 0;
        ssize_t n = read(fd, staging + *end, STAGING - *end);
        if (n <= 0) die("read");
        *end += (size_t)n;
    }
}

static void child(int fd, int report, long count, size_t size) {
    uint8_t *staging = malloc(STAGING);
    uint8_t *large = malloc(size);
    size_t start = 0, end = 0;
    uint64_t bytes = 0;
    for (long received = 0; received < count; received++) {
        fill(fd, staging, &start, &end, 4);
        uint32_t length;
        memcpy(&length, staging + start, 4);
        length = ntohl(length);
        start += 4;
        if (length + 4 <= STAGING) {
            fill(fd, staging, &start, &end, length);
            start += length;
        } else {
            size_t present = end - start;
            memcpy(large, staging + start, present);
            read_exactly(fd, large + present, length - present);
            start = end = 0;
        }
        bytes += length;
    }
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    uint64_t figures[2] = {bytes, (uint64_t)usage.ru_maxrss * 1024};
    if (write(report, figures, sizeof figures) != sizeof figures) die("write report");
    _exit(0);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s small|large-1m|large-16m [COUNT]\n", argv[0]);
        return 2;
    }
    const char *workload = argv[1];
    size_t size;
    long count;
    int copy = 0;
    if (strcmp(workload, "small") == 0 || strcmp(workload, "small-write") == 0) {
        copy = strcmp(workload, "small-write") == 0;
        size = 100;
        count = 500000;
    } else if (strcmp(workload, "large-1m") == 0) {
        size = 1 << 20;
        count = 512;
    } else if (strcmp(workload, "large-16m") == 0) {
        size = 16 << 20;
        count = 32;
    } else {
        fprintf(stderr, "unknown workload %s\n", workload);
        return 2;
    }
    if (argc > 2) count = atol(argv[2]);

    int frames[2], reports[2];
    if (pipe2(frames, O_CLOEXEC) != 0 || pipe2(reports, O_CLOEXEC) != 0) die("pipe2");
    int granted = fcntl(frames[1], F_SETPIPE_SZ, PIPE_BUFFER);
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        close(frames[1]);
        close(reports[0]);
        child(frames[0], reports[1], count, size);
    }
    close(frames[0]);
    close(reports[1]);
    uint8_t *payload = malloc(size);
    memset(payload, 'a', size);
    uint8_t *frame = malloc(size + 4);
    struct timespec start, stop;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long sent = 0; sent < count; sent++) {
        uint32_t header = htonl((uint32_t)size);
        if (copy) {
            memcpy(frame, &header, 4);
            memcpy(frame + 4, payload, size);
            for (size_t written = 0; written < size + 4;) {
                ssize_t n = write(frames[1], frame + written, size + 4 - written);
                if (n <= 0) die("write");
                written += (size_t)n;
            }
            continue;
        }
        struct iovec vectors[2] = {{&header, 4}, {payload, size}};
        size_t total = size + 4, written = 0;
        while (written < total) {
            ssize_t n = writev(frames[1], vectors, 2);
            if (n <= 0) die("writev");
            written += (size_t)n;
            size_t skip = (size_t)n;
            for (int i = 0; i < 2; i++) {
                size_t used = skip < vectors[i].iov_len ? skip : vectors[i].iov_len;
                vectors[i].iov_base = (uint8_t *)vectors[i].iov_base + used;
                vectors[i].iov_len -= used;
                skip -= used;
            }
        }
    }
    uint64_t figures[2];
    read_exactly(reports[0], (uint8_t *)figures, sizeof figures);
    clock_gettime(CLOCK_MONOTONIC, &stop);
    int status;
    waitpid(pid, &status, 0);
    double seconds = (double)(stop.tv_sec - start.tv_sec) + (double)(stop.tv_nsec - start.tv_nsec) / 1e9;
    if (figures[0] != (uint64_t)count * size || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "the child did not receive everything\n");
        return 1;
    }
    printf("{\"contender\": \"c\", \"workload\": \"%s\", \"metrics\": [", workload);
    if (size >= (1 << 20))
        printf("{\"name\": \"throughput\", \"value\": %.3f, \"unit\": \"MB/s\", \"better\": \"higher\"}",
               (double)count * (double)size / seconds / 1e6);
    else
        printf("{\"name\": \"throughput\", \"value\": %.3f, \"unit\": \"msg/s\", \"better\": \"higher\"}",
               (double)count / seconds);
    printf(", {\"name\": \"peak_rss_child\", \"value\": %.3f, \"unit\": \"MiB\", \"better\": \"lower\"}",
           (double)figures[1] / (1 << 20));
    printf("], \"parameters\": {\"bytes\": %zu, \"messages\": %ld, \"pipe_buffer\": %d}}\n", size, count, granted);
    return 0;
}
