package io.tuneledger.ml.djl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Which of MKL's code paths computes this process's matrix products, as recorded with every model's provenance:
 * kernels round differently, so the path is part of how a model's weights came about. Read from the process (is
 * {@code libtuneledger-mkl.so} mapped, see src/main/native/mkl-avx512.c) and the processor (vendor and flags), by the
 * rule that library applies: it moves MKL from its generic path, which MKL takes on processors not made by Intel, to
 * its AVX-512 path when the processor has AVX-512 F, CD, BW, DQ and VL, unless {@code TUNELEDGER_MKL_AVX512} is
 * {@code off} (the container image preloads the library whatever that setting).
 */
public final class MatrixProducts {

    /** The library's file name, as bin/native-env and the container image install it. */
    static final String LIBRARY = "libtuneledger-mkl.so";
    static final String AVX512 = "MKL AVX-512 path (" + LIBRARY + ")";
    static final String OWN_CHOICE = "MKL's own choice";
    /** The environment variable that turns the library off. */
    static final String SETTING = "TUNELEDGER_MKL_AVX512";
    private static final Set<String> AVX512_FLAGS = Set.of("avx512f", "avx512cd", "avx512bw", "avx512dq",
            "avx512vl");
    private static final String DESCRIPTION = readProcess();

    private MatrixProducts() {
    }

    /** The code path of this process; read once. */
    public static String describe() {
        return DESCRIPTION;
    }

    private static String readProcess() {
        try {
            return describe(Files.readAllLines(Path.of("/proc/self/maps")),
                    Files.readAllLines(Path.of("/proc/cpuinfo")), System.getenv(SETTING));
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc unreadable: the library cannot be preloaded there either
            return OWN_CHOICE;
        }
    }

    /**
     * The code path for a process with these memory mappings ({@code /proc/self/maps}) on this processor, with
     * {@code setting} the value of {@link #SETTING} (null when unset).
     */
    static String describe(List<String> maps, List<String> cpuinfo, String setting) {
        boolean preloaded = maps.stream().anyMatch(line -> line.endsWith("/" + LIBRARY));
        if (!preloaded) {
            return OWN_CHOICE;
        }
        String vendor = field(cpuinfo, "vendor_id");
        List<String> flags = List.of(field(cpuinfo, "flags").split("\\s+"));
        boolean forced = !"off".equals(setting) && !vendor.equals("GenuineIntel") && flags.containsAll(AVX512_FLAGS);
        return forced ? AVX512 : OWN_CHOICE + " (" + LIBRARY + " changes nothing here)";
    }

    /** The first value of {@code name} in /proc/cpuinfo's lines; empty when there is none. */
    private static String field(List<String> cpuinfo, String name) {
        for (String line : cpuinfo) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equals(name)) {
                return line.substring(colon + 1).strip();
            }
        }
        return "";
    }
}
