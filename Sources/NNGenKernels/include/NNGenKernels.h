#ifndef NNGEN_KERNELS_H
#define NNGEN_KERNELS_H

/// Product kernels in C for the models nngen emits, called when a model's target links
/// NNGenRuntime (which depends on this module). They exist for what emitted Swift cannot express:
/// an instruction chosen at load time for the running CPU (AVX2 and FMA on x86-64, whatever the
/// flags the model was compiled with) and a lane permute. Each returns 1 when it computed its
/// result and 0 when it did not (another CPU, or a shape it does not take); the caller then runs
/// its own Swift kernel, so a 0 is never an error.

/// One row of C = A·B with few columns: c[q] = Σ_{l<k} a[l]·b[l·n + q] for q < n, with A's row
/// contiguous and B stored [k][n], row-major. Takes 1 ≤ n ≤ 7 (Float).
int nngen_row_narrow_f32(const float *a, const float *b, float *c, long k, long n);

/// The same for Double: 1 ≤ n ≤ 3.
int nngen_row_narrow_f64(const double *a, const double *b, double *c, long k, long n);

/// The micro-kernel of a packed product: C[i, j] = Σ_{l<depth} A[i, l]·P[l, j] for i < rows ≤ 6 and
/// j < 16, added to C's values when `accumulate` is nonzero. A's element (i, l) is a[i·ai + l·ak]
/// with either ak = 1 (rows contiguous along the depth; only the first `rows` are read) or ai = 1
/// and ak = 6 (a packed panel of 6 elements per step, all 6 readable). P is a packed micro-panel,
/// [depth][16] contiguous. C's row i starts at c + i·ldc.
int nngen_packed_tile_f32(const float *a, long ai, long ak, const float *b, long depth, float *c, long ldc, long rows,
                          int accumulate);

/// The same for Double, with 8 columns: P is [depth][8].
int nngen_packed_tile_f64(const double *a, long ai, long ak, const double *b, long depth, double *c, long ldc, long rows,
                          int accumulate);

#endif
