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

/// Defines `name`, the tile of R rows for one scalar type T (`V` its vector of `lanes`, and the
/// intrinsics for it). R is a constant at each call, so the loops over i unroll and the
/// accumulators stay in registers. `inPlace` chooses A's layout: row i at a + i·ai, element l at
/// [l] (the rows past `rows` read row 0 again, never past A's last row), or a packed panel,
/// element (i, l) at a[6l + i]. B's step l is 2 vectors at b + 2·lanes·l.
#define DEFINE_TILE(name, T, V, lanes, zero, load, broadcast, fma, add, store)                          \
    static inline __attribute__((always_inline)) AVX2 void name(const int R, const T *a, long ai,      \
                                                                int inPlace, const T *b, long depth,   \
                                                                T *c, long ldc, long rows,             \
                                                                int accumulate) {                      \
        V s[6][2];                                                                                     \
        for (int i = 0; i < R; i++) { s[i][0] = zero(); s[i][1] = s[i][0]; }                          \
        if (inPlace) {                                                                                 \
            const T *row[6];                                                                           \
            for (int i = 0; i < R; i++) row[i] = a + (i < rows ? i : 0) * ai;                          \
            UNROLLED                                                                                   \
            for (long l = 0; l < depth; l++) {                                                         \
                const V b0 = load(b + 2 * lanes * l), b1 = load(b + 2 * lanes * l + lanes);            \
                for (int i = 0; i < R; i++) {                                                          \
                    const V x = broadcast(row[i] + l);                                                 \
                    s[i][0] = fma(x, b0, s[i][0]);                                                     \
                    s[i][1] = fma(x, b1, s[i][1]);                                                     \
                }                                                                                      \
            }                                                                                          \
        } else {                                                                                       \
            UNROLLED                                                                                   \
            for (long l = 0; l < depth; l++) {                                                         \
                const V b0 = load(b + 2 * lanes * l), b1 = load(b + 2 * lanes * l + lanes);            \
                for (int i = 0; i < R; i++) {                                                          \
                    const V x = broadcast(a + 6 * l + i);                                              \
                    s[i][0] = fma(x, b0, s[i][0]);                                                     \
                    s[i][1] = fma(x, b1, s[i][1]);                                                     \
                }                                                                                      \
            }                                                                                          \
        }                                                                                              \
        for (int i = 0; i < R; i++) {                                                                  \
            if (i >= rows) continue;                                                                   \
            T *to = c + i * ldc;                                                                       \
            if (accumulate) {                                                                          \
                s[i][0] = add(s[i][0], load(to));                                                      \
                s[i][1] = add(s[i][1], load(to + lanes));                                              \
            }                                                                                          \
            store(to, s[i][0]);                                                                        \
            store(to + lanes, s[i][1]);                                                                \
        }                                                                                              \
    }

DEFINE_TILE(tileF32, float, __m256, 8, _mm256_setzero_ps, _mm256_loadu_ps, _mm256_broadcast_ss, _mm256_fmadd_ps,
            _mm256_add_ps, _mm256_storeu_ps)
DEFINE_TILE(tileF64, double, __m256d, 4, _mm256_setzero_pd, _mm256_loadu_pd, _mm256_broadcast_sd, _mm256_fmadd_pd,
            _mm256_add_pd, _mm256_storeu_pd)

/// The layouts taken: rows in place (ak = 1, any ai) or a packed [depth][6] panel (ai = 1, ak = 6).
static inline int takesLayout(long ai, long ak, long rows) {
    return rows >= 1 && rows <= 6 && (ak == 1 || (ai == 1 && ak == 6));
}

/// Defines `name`, which runs `tile` with the fewest rows that cover `rows`: 6, 4 or 2.
#define DEFINE_DISPATCH(name, tile, T)                                                                 \
    AVX2 static void name(const T *a, long ai, long ak, const T *b, long depth, T *c, long ldc,        \
                          long rows, int accumulate) {                                                 \
        const int inPlace = ak == 1;                                                                   \
        if (rows > 4) tile(6, a, ai, inPlace, b, depth, c, ldc, rows, accumulate);                     \
        else if (rows > 2) tile(4, a, ai, inPlace, b, depth, c, ldc, rows, accumulate);                \
        else tile(2, a, ai, inPlace, b, depth, c, ldc, rows, accumulate);                              \
    }

DEFINE_DISPATCH(packedTileF32, tileF32, float)
DEFINE_DISPATCH(packedTileF64, tileF64, double)
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
