#ifndef NNGEN_KERNELS_CPU_H
#define NNGEN_KERNELS_CPU_H

// Which instructions the running CPU has, found once when the library is loaded.

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define NNGEN_KERNELS_X86 1
/// Nonzero when the CPU and the operating system support AVX2 and FMA (the kernels' instructions).
/// Set by a constructor before any kernel can run; read without a call by each kernel's entry.
extern int nngenCPUHasAVX2FMA __attribute__((visibility("hidden")));
#else
#define NNGEN_KERNELS_X86 0
#endif

#endif
