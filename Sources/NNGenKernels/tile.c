// The micro-kernel of the emitted `productPacked`: a tile of up to 6 rows × 2 vectors of C from
// up to 6 rows of A and one packed micro-panel of B ([depth][2·lanes], contiguous).
//
// Each step l of the depth loads B's 2 vectors of row l and broadcasts A's elements (i, l), one
// per row, into 2 multiply-adds each: with 6 rows, 12 accumulators, 2 loads and 6 broadcasts per
// 12 multiply-adds, what two FMA pipes and three load ports sustain. The emitted Swift kernel has
// the same loop (LLVM unrolls it twice); this one, unrolled 4 times, made the emitted products
// 1.00-1.05× faster with the same blocking, and it runs AVX2 and FMA whatever the model's flags
// (docs/performance/products.md, "The packed tile in C, seventh round").
//
// A's element (i, l) is at a[i·ai + l·ak]. Two layouts are taken: the rows in place, contiguous
// along the depth (ak = 1, six row pointers indexed by l), and a packed micro-panel of A
// ([depth][6], ai = 1 and ak = 6, one pointer with constant offsets). Tiles of 5 or 6 rows run the
// 6-row loop, of 3 or 4 rows a 4-row loop, of 1 or 2 a 2-row loop; only `rows` rows of C are
// written. A packed panel holds 6 elements per step whatever `rows` is (the rows past A's end are
// zero), so the loops may read them; of rows in place, only the first `rows` are read.

#include "NNGenKernels.h"
#include "cpu.h"

#if NNGEN_KERNELS_X86
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))
#define UNROLLED _Pragma("clang loop unroll_count(4)")

/// C's row i (2 vectors), stored or added to C's values.
#define STORE_ROW(load, add, store, c, lanes, accumulate, v0, v1) \
    do {                                                           \
        if (accumulate) {                                          \
            v0 = add(v0, load(c));                                 \
            v1 = add(v1, load((c) + (lanes)));                     \
        }                                                          \
        store(c, v0);                                              \
        store((c) + (lanes), v1);                                  \
    } while (0)

/// The Float tile of R rows (a constant: the loops over i unroll and the accumulators stay in
/// registers). `inPlace` chooses A's layout: row i at a + i·ai, element l at [l], or a packed panel,
/// element (i, l) at a[6l + i].
static inline __attribute__((always_inline)) AVX2 void tileF32(const int R, const float *a, long ai, int inPlace,
                                                               const float *b, long depth, float *c, long ldc,
                                                               long rows, int accumulate) {
    __m256 s[6][2];
    for (int i = 0; i < R; i++) { s[i][0] = _mm256_setzero_ps(); s[i][1] = s[i][0]; }
    if (inPlace) {
        const float *row[6];
        for (int i = 0; i < R; i++) row[i] = a + (i < rows ? i : 0) * ai;  // never past A's last row
        UNROLLED
        for (long l = 0; l < depth; l++) {
            const __m256 b0 = _mm256_loadu_ps(b + 16 * l), b1 = _mm256_loadu_ps(b + 16 * l + 8);
            for (int i = 0; i < R; i++) {
                const __m256 x = _mm256_broadcast_ss(row[i] + l);
                s[i][0] = _mm256_fmadd_ps(x, b0, s[i][0]);
                s[i][1] = _mm256_fmadd_ps(x, b1, s[i][1]);
            }
        }
    } else {
        UNROLLED
        for (long l = 0; l < depth; l++) {
            const __m256 b0 = _mm256_loadu_ps(b + 16 * l), b1 = _mm256_loadu_ps(b + 16 * l + 8);
            for (int i = 0; i < R; i++) {
                const __m256 x = _mm256_broadcast_ss(a + 6 * l + i);
                s[i][0] = _mm256_fmadd_ps(x, b0, s[i][0]);
                s[i][1] = _mm256_fmadd_ps(x, b1, s[i][1]);
            }
        }
    }
    for (int i = 0; i < R; i++) {
        if (i < rows) STORE_ROW(_mm256_loadu_ps, _mm256_add_ps, _mm256_storeu_ps, c + i * ldc, 8, accumulate, s[i][0], s[i][1]);
    }
}

/// The Double tile: the same with 4 lanes, so 2 vectors are 8 columns.
static inline __attribute__((always_inline)) AVX2 void tileF64(const int R, const double *a, long ai, int inPlace,
                                                               const double *b, long depth, double *c, long ldc,
                                                               long rows, int accumulate) {
    __m256d s[6][2];
    for (int i = 0; i < R; i++) { s[i][0] = _mm256_setzero_pd(); s[i][1] = s[i][0]; }
    if (inPlace) {
        const double *row[6];
        for (int i = 0; i < R; i++) row[i] = a + (i < rows ? i : 0) * ai;  // never past A's last row
        UNROLLED
        for (long l = 0; l < depth; l++) {
            const __m256d b0 = _mm256_loadu_pd(b + 8 * l), b1 = _mm256_loadu_pd(b + 8 * l + 4);
            for (int i = 0; i < R; i++) {
                const __m256d x = _mm256_broadcast_sd(row[i] + l);
                s[i][0] = _mm256_fmadd_pd(x, b0, s[i][0]);
                s[i][1] = _mm256_fmadd_pd(x, b1, s[i][1]);
            }
        }
    } else {
        UNROLLED
        for (long l = 0; l < depth; l++) {
            const __m256d b0 = _mm256_loadu_pd(b + 8 * l), b1 = _mm256_loadu_pd(b + 8 * l + 4);
            for (int i = 0; i < R; i++) {
                const __m256d x = _mm256_broadcast_sd(a + 6 * l + i);
                s[i][0] = _mm256_fmadd_pd(x, b0, s[i][0]);
                s[i][1] = _mm256_fmadd_pd(x, b1, s[i][1]);
            }
        }
    }
    for (int i = 0; i < R; i++) {
        if (i < rows) STORE_ROW(_mm256_loadu_pd, _mm256_add_pd, _mm256_storeu_pd, c + i * ldc, 4, accumulate, s[i][0], s[i][1]);
    }
}

/// The layouts taken: rows in place (ak = 1, any ai) or a packed [depth][6] panel (ai = 1, ak = 6).
static inline int takesLayout(long ai, long ak, long rows) {
    return rows >= 1 && rows <= 6 && (ak == 1 || (ai == 1 && ak == 6));
}

AVX2 static void packedTileF32(const float *a, long ai, long ak, const float *b, long depth, float *c, long ldc,
                               long rows, int accumulate) {
    const int inPlace = ak == 1;
    if (rows > 4) tileF32(6, a, ai, inPlace, b, depth, c, ldc, rows, accumulate);
    else if (rows > 2) tileF32(4, a, ai, inPlace, b, depth, c, ldc, rows, accumulate);
    else tileF32(2, a, ai, inPlace, b, depth, c, ldc, rows, accumulate);
}

AVX2 static void packedTileF64(const double *a, long ai, long ak, const double *b, long depth, double *c, long ldc,
                               long rows, int accumulate) {
    const int inPlace = ak == 1;
    if (rows > 4) tileF64(6, a, ai, inPlace, b, depth, c, ldc, rows, accumulate);
    else if (rows > 2) tileF64(4, a, ai, inPlace, b, depth, c, ldc, rows, accumulate);
    else tileF64(2, a, ai, inPlace, b, depth, c, ldc, rows, accumulate);
}
#endif

int nngen_packed_tile_f32(const float *a, long ai, long ak, const float *b, long depth, float *c, long ldc, long rows,
                          int accumulate) {
#if NNGEN_KERNELS_X86
    if (takesLayout(ai, ak, rows) && depth >= 0 && nngenCPUHasAVX2FMA) {
        packedTileF32(a, ai, ak, b, depth, c, ldc, rows, accumulate);
        return 1;
    }
#endif
    (void)a; (void)ai; (void)ak; (void)b; (void)depth; (void)c; (void)ldc; (void)rows; (void)accumulate;
    return 0;
}

int nngen_packed_tile_f64(const double *a, long ai, long ak, const double *b, long depth, double *c, long ldc, long rows,
                          int accumulate) {
#if NNGEN_KERNELS_X86
    if (takesLayout(ai, ak, rows) && depth >= 0 && nngenCPUHasAVX2FMA) {
        packedTileF64(a, ai, ak, b, depth, c, ldc, rows, accumulate);
        return 1;
    }
#endif
    (void)a; (void)ai; (void)ak; (void)b; (void)depth; (void)c; (void)ldc; (void)rows; (void)accumulate;
    return 0;
}
