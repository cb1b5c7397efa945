// One row of C = A·B with fewer columns than a vector (a few classes' scores at batch 1).
//
// Eight rows of B (Float; four of Double) hold 8·n elements, n whole vectors in memory order.
// Lane p of the v-th of them is B[r, q] with r = (8v + p) / n and q = (8v + p) mod n, so it is
// multiplied by a[r]: that vector of A's elements is one permute of the 8 loaded elements of A
// (`vpermps` with the constant indices (8v + p) / n). n permutes, loads and multiply-adds per 8
// rows, against the emitted Swift kernel's 8 (one vector per row, most of its lanes wasted);
// Swift's SIMD types have no lane permute, so LLVM built each spread vector from broadcasts and
// blends (docs/performance/products.md, "Scores into the caller's buffer, fifth round").
// The rows past the last whole 8 are one more step with masked loads. At the end, c[q] is the sum
// of the accumulators' flat elements q, q + n, ..., q + 7n.
//
// It computes every n it takes; which shapes the emitted code sends here is the generator's
// `narrowRowRule` (ProductKernels.swift), measured on whole models: vpermps costs 1.5-1.8 cycles
// on Zen 3, so at n = 6 or 7 the permutes cost what the Swift kernel's loads do.

#include "NNGenKernels.h"
#include "cpu.h"

#if NNGEN_KERNELS_X86
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))

/// Lane p of the result is x's lane (lanes·v + p) / n: the element of A that multiplies lane p of
/// the v-th vector of B's rows (see above). `lanes` is 8 for Float, 4 for Double (whose lane p is
/// the Float lanes 2p and 2p + 1).
static inline AVX2 __m256i spreadIndices(int v, int n, int lanes) {
    int f[8];
    for (int p = 0; p < 8; p++) {
        int lane = lanes == 8 ? p : p / 2;
        int row = (lanes * v + lane) / n;
        f[p] = lanes == 8 ? row : 2 * row + p % 2;
    }
    return _mm256_setr_epi32(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]);
}

/// The Float kernel for a constant n (inlined into one copy per n): two sets of accumulators
/// (16 rows per step) when n ≤ 4, so that 2n multiply-add chains are in flight; one set above,
/// whose n ≥ 5 chains already cover the multiply-add's latency.
static inline __attribute__((always_inline)) AVX2 void rowNarrowF32(const float *a, const float *b, float *c, long k, const int n) {
    __m256i index[7];
    __m256 s[7], t[7];
    for (int v = 0; v < n; v++) { index[v] = spreadIndices(v, n, 8); s[v] = _mm256_setzero_ps(); t[v] = s[v]; }
    long l = 0;
    if (n <= 4) {
        for (; l + 16 <= k; l += 16) {
            const __m256 x = _mm256_loadu_ps(a + l), y = _mm256_loadu_ps(a + l + 8);
            const float *r = b + l * n;
            for (int v = 0; v < n; v++) {
                s[v] = _mm256_fmadd_ps(_mm256_permutevar8x32_ps(x, index[v]), _mm256_loadu_ps(r + 8 * v), s[v]);
                t[v] = _mm256_fmadd_ps(_mm256_permutevar8x32_ps(y, index[v]), _mm256_loadu_ps(r + 8 * (n + v)), t[v]);
            }
        }
    }
    for (; l + 8 <= k; l += 8) {
        const __m256 x = _mm256_loadu_ps(a + l);
        const float *r = b + l * n;
        for (int v = 0; v < n; v++) {
            s[v] = _mm256_fmadd_ps(_mm256_permutevar8x32_ps(x, index[v]), _mm256_loadu_ps(r + 8 * v), s[v]);
        }
    }
    if (l < k) {
        // The last k - l < 8 rows as one more step whose loads stop at A's and B's ends: a masked
        // load reads only its selected lanes (no fault past the end) and zeroes the others.
        const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        const int rows = (int)(k - l);
        const __m256 x = _mm256_maskload_ps(a + l, _mm256_cmpgt_epi32(_mm256_set1_epi32(rows), lane));
        const float *r = b + l * n;
        for (int v = 0; v < n; v++) {
            const __m256i inB = _mm256_cmpgt_epi32(_mm256_set1_epi32(rows * n - 8 * v), lane);
            s[v] = _mm256_fmadd_ps(_mm256_permutevar8x32_ps(x, index[v]), _mm256_maskload_ps(r + 8 * v, inB), s[v]);
        }
    }
    float flat[56];
    for (int v = 0; v < n; v++) _mm256_storeu_ps(flat + 8 * v, _mm256_add_ps(s[v], t[v]));
    for (int q = 0; q < n; q++) {
        const float *e = flat + q;
        // The 8 elements of column q, summed as a tree (three additions deep, not eight).
        c[q] = ((e[0] + e[n]) + (e[2 * n] + e[3 * n])) + ((e[4 * n] + e[5 * n]) + (e[6 * n] + e[7 * n]));
    }
}

/// The Double kernel for a constant n ≤ 3: four rows per vector of A, two sets of accumulators.
static inline __attribute__((always_inline)) AVX2 void rowNarrowF64(const double *a, const double *b, double *c, long k, const int n) {
    __m256i index[3];
    __m256d s[3], t[3];
    for (int v = 0; v < n; v++) { index[v] = spreadIndices(v, n, 4); s[v] = _mm256_setzero_pd(); t[v] = s[v]; }
    long l = 0;
    for (; l + 8 <= k; l += 8) {
        const __m256 x = _mm256_castpd_ps(_mm256_loadu_pd(a + l)), y = _mm256_castpd_ps(_mm256_loadu_pd(a + l + 4));
        const double *r = b + l * n;
        for (int v = 0; v < n; v++) {
            s[v] = _mm256_fmadd_pd(_mm256_castps_pd(_mm256_permutevar8x32_ps(x, index[v])), _mm256_loadu_pd(r + 4 * v), s[v]);
            t[v] = _mm256_fmadd_pd(_mm256_castps_pd(_mm256_permutevar8x32_ps(y, index[v])), _mm256_loadu_pd(r + 4 * (n + v)), t[v]);
        }
    }
    for (; l + 4 <= k; l += 4) {
        const __m256 x = _mm256_castpd_ps(_mm256_loadu_pd(a + l));
        const double *r = b + l * n;
        for (int v = 0; v < n; v++) {
            s[v] = _mm256_fmadd_pd(_mm256_castps_pd(_mm256_permutevar8x32_ps(x, index[v])), _mm256_loadu_pd(r + 4 * v), s[v]);
        }
    }
    if (l < k) {
        // The last k - l < 4 rows, by masked loads (see the Float kernel).
        const __m256i lane = _mm256_setr_epi64x(0, 1, 2, 3);
        const long rows = k - l;
        const __m256 x = _mm256_castpd_ps(_mm256_maskload_pd(a + l, _mm256_cmpgt_epi64(_mm256_set1_epi64x(rows), lane)));
        const double *r = b + l * n;
        for (int v = 0; v < n; v++) {
            const __m256i inB = _mm256_cmpgt_epi64(_mm256_set1_epi64x(rows * n - 4 * v), lane);
            s[v] = _mm256_fmadd_pd(_mm256_castps_pd(_mm256_permutevar8x32_ps(x, index[v])), _mm256_maskload_pd(r + 4 * v, inB), s[v]);
        }
    }
    double flat[12];
    for (int v = 0; v < n; v++) _mm256_storeu_pd(flat + 4 * v, _mm256_add_pd(s[v], t[v]));
    for (int q = 0; q < n; q++) {
        const double *e = flat + q;
        c[q] = (e[0] + e[n]) + (e[2 * n] + e[3 * n]);
    }
}

static AVX2 void rowNarrowF32Dispatch(const float *a, const float *b, float *c, long k, long n) {
    switch (n) {
    case 1: rowNarrowF32(a, b, c, k, 1); break;
    case 2: rowNarrowF32(a, b, c, k, 2); break;
    case 3: rowNarrowF32(a, b, c, k, 3); break;
    case 4: rowNarrowF32(a, b, c, k, 4); break;
    case 5: rowNarrowF32(a, b, c, k, 5); break;
    case 6: rowNarrowF32(a, b, c, k, 6); break;
    default: rowNarrowF32(a, b, c, k, 7); break;
    }
}

static AVX2 void rowNarrowF64Dispatch(const double *a, const double *b, double *c, long k, long n) {
    switch (n) {
    case 1: rowNarrowF64(a, b, c, k, 1); break;
    case 2: rowNarrowF64(a, b, c, k, 2); break;
    default: rowNarrowF64(a, b, c, k, 3); break;
    }
}
#endif

int nngen_row_narrow_f32(const float *a, const float *b, float *c, long k, long n) {
#if NNGEN_KERNELS_X86
    if (n >= 1 && n <= 7 && k >= 0 && nngenCPUHasAVX2FMA) {
        rowNarrowF32Dispatch(a, b, c, k, n);
        return 1;
    }
#endif
    (void)a; (void)b; (void)c; (void)k; (void)n;
    return 0;
}

int nngen_row_narrow_f64(const double *a, const double *b, double *c, long k, long n) {
#if NNGEN_KERNELS_X86
    if (n >= 1 && n <= 3 && k >= 0 && nngenCPUHasAVX2FMA) {
        rowNarrowF64Dispatch(a, b, c, k, n);
        return 1;
    }
#endif
    (void)a; (void)b; (void)c; (void)k; (void)n;
    return 0;
}
