#include "cpu.h"

#if NNGEN_KERNELS_X86
int nngenCPUHasAVX2FMA = 0;

/// Runs when the library is loaded, before any kernel can be called: `__builtin_cpu_supports`
/// checks CPUID and that the operating system saves the AVX registers (XCR0).
__attribute__((constructor)) static void detectCPU(void) {
    __builtin_cpu_init();
    nngenCPUHasAVX2FMA = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif
