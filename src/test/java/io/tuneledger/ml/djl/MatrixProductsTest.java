package io.tuneledger.ml.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class MatrixProductsTest {

    private static final String LIB = "7f00-7f10 r-xp 00000000 fd:01 12 /opt/tuneledger/native/libtuneledger-mkl.so";
    private static final String TORCH = "7e00-7e10 r-xp 00000000 fd:01 13 /tmp/djl/libtorch_cpu.so";
    private static final List<String> AMD_AVX512 = List.of("processor\t: 0", "vendor_id\t: AuthenticAMD",
            "flags\t\t: fpu sse2 avx2 avx512f avx512dq avx512cd avx512bw avx512vl avx512_vnni");
    private static final List<String> AMD_AVX2 = List.of("vendor_id\t: AuthenticAMD", "flags\t\t: fpu sse2 avx2 fma");
    private static final List<String> INTEL_AVX512 = List.of("vendor_id\t: GenuineIntel",
            "flags\t\t: avx2 avx512f avx512dq avx512cd avx512bw avx512vl");

    @Test
    void theAvx512PathOnlyWhereTheLibraryIsMappedAndOnAndTheProcessorIsNotIntelsAndHasAvx512() {
        assertEquals(MatrixProducts.AVX512, MatrixProducts.describe(List.of(TORCH, LIB), AMD_AVX512, null));
        assertEquals(MatrixProducts.OWN_CHOICE, MatrixProducts.describe(List.of(TORCH), AMD_AVX512, null));
        String unchanged = MatrixProducts.OWN_CHOICE + " (libtuneledger-mkl.so changes nothing here)";
        assertEquals(unchanged, MatrixProducts.describe(List.of(TORCH, LIB), AMD_AVX2, null));
        assertEquals(unchanged, MatrixProducts.describe(List.of(TORCH, LIB), INTEL_AVX512, null));
        // a processor with AVX-512 F but not BW (an early Xeon Phi's set) is not enough for MKL's AVX-512 path
        assertEquals(unchanged, MatrixProducts.describe(List.of(LIB), List.of("vendor_id : AuthenticAMD",
                "flags : avx512f avx512cd avx512dq avx512vl"), null));
        // preloaded but switched off (the container image preloads it whatever the setting): MKL's own choice
        assertEquals(unchanged, MatrixProducts.describe(List.of(TORCH, LIB), AMD_AVX512, "off"));
        assertEquals(MatrixProducts.AVX512, MatrixProducts.describe(List.of(TORCH, LIB), AMD_AVX512, "on"));
    }
}
