// l2read.c - single-core read bandwidth from L2, for compare.py's bound on batch-1 inference
// ("the time it takes to read the weights once from L2").
//
// Build:  gcc -O3 -march=native -o l2read l2read.c
// Run:    taskset -c 1 ./l2read
//
// Sums a 192 KiB buffer of floats (six times L1's 32 KiB, well inside a 512 KiB or larger L2)
// with 256-bit loads into 8 independent accumulators, so that neither the adds' latency nor the
// loop bounds the rate, again and again for about 50 ms; 9 such runs. Prints the median and the
// best GB/s. The sum is printed too, so that the compiler cannot drop the loads.

#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BYTES (192 * 1024)
#define RUNS 9

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

// One pass over the buffer: 8 loads of 32 bytes per iteration, each into its own accumulator.
static __m256 read_once(const float *data, __m256 acc[8]) {
    for (size_t i = 0; i < BYTES / sizeof(float); i += 64) {
        for (int j = 0; j < 8; j++) acc[j] = _mm256_add_ps(acc[j], _mm256_load_ps(data + i + 8 * j));
    }
    return acc[0];
}

int main(void) {
    float *data = aligned_alloc(64, BYTES);
    for (size_t i = 0; i < BYTES / sizeof(float); i++) data[i] = (float)(i % 7) * 1e-3f;
    __m256 acc[8];
    for (int j = 0; j < 8; j++) acc[j] = _mm256_setzero_ps();
    for (int warm = 0; warm < 100; warm++) read_once(data, acc);
    double rates[RUNS];
    for (int r = 0; r < RUNS; r++) {
        long passes = 0;
        double start = now(), elapsed;
        do {
            for (int k = 0; k < 64; k++) read_once(data, acc);
            passes += 64;
            elapsed = now() - start;
        } while (elapsed < 0.05);
        rates[r] = (double)passes * BYTES / elapsed / 1e9;
    }
    qsort(rates, RUNS, sizeof(double), compare_doubles);
    float sum[8];
    __m256 total = acc[0];
    for (int j = 1; j < 8; j++) total = _mm256_add_ps(total, acc[j]);
    _mm256_storeu_ps(sum, total);
    printf("L2 read (192 KiB, 256-bit loads)   median %.1f GB/s   max %.1f GB/s   (sum %g)\n",
           rates[RUNS / 2], rates[RUNS - 1], (double)sum[0]);
    free(data);
    return 0;
}
