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

#endif
