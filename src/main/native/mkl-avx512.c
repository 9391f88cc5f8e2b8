/*
 * Lets the Intel MKL inside libtorch run its AVX-512 code on AMD processors that have AVX-512.
 *
 * MKL chooses its code path from mkl_serv_cpu_detect(), which answers 0 (the generic path, "def") on any processor not
 * made by Intel, whatever instructions it has. On an AMD EPYC with AVX-512 that path ran MiniLM's matrix products at
 * half the speed of MKL's AVX-512 kernels, which run correctly there (docs/operations.md, "Matrix products").
 * bin/native-env compiles this file and preloads it (LD_PRELOAD) into the server; libtorch calls mkl_serv_cpu_detect
 * through its symbol table, so this definition is the one it reaches. It answers MKL's own answer, except that the
 * generic path becomes the AVX-512 path when all of these hold:
 *   - the processor and the operating system support AVX-512 F, CD, BW, DQ and VL (what MKL's AVX-512 path uses);
 *   - the libtorch in the process holds MKL's AVX-512 kernels (mkl_blas_avx512_sgemm_kernel_0);
 *   - TUNELEDGER_MKL_AVX512 is not "off".
 * Anywhere else (an Intel processor, a processor without AVX-512, no libtorch) nothing changes.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

/* MKL 2024.0's code for its AVX-512 path: with it, the mkl_blas_avx512_* kernels run (seen with perf). */
#define MKL_AVX512_PATH 7

typedef int (*detect_fn)(void);

static int avx512_usable(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd")
        && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")
        && __builtin_cpu_supports("avx512vl");
#else
    return 0;
#endif
}

int mkl_serv_cpu_detect(void) {
    /* MKL asks once per call of a BLAS routine: the answer is worked out once (races compute the same value). */
    static volatile int answer = -1;
    if (answer >= 0) {
        return answer;
    }
    void *torch = dlopen("libtorch_cpu.so", RTLD_NOLOAD | RTLD_LAZY);
    detect_fn mkl = torch != NULL ? (detect_fn) dlsym(torch, "mkl_serv_cpu_detect") : NULL;
    int detected = mkl != NULL && mkl != mkl_serv_cpu_detect ? mkl() : 0;
    const char *setting = getenv("TUNELEDGER_MKL_AVX512");
    int wanted = setting == NULL || strcmp(setting, "off") != 0;
    int kernels = torch != NULL && dlsym(torch, "mkl_blas_avx512_sgemm_kernel_0") != NULL;
    answer = detected == 0 && wanted && kernels && avx512_usable() ? MKL_AVX512_PATH : detected;
    return answer;
}
