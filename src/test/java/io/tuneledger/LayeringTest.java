package io.tuneledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages form layers, lowest first; a package imports only packages below it, DJL's types are named only in
 * ml.djl, and nothing imports ml.djl (the engine is reached through ml.ModelEngine). docs/development.md draws the
 * same order.
 */
class LayeringTest {

    /** Lowest first. */
    static final List<String> LAYERS = List.of("config", "job", "ml", "ml.weights", "data", "ml.djl", "audit",
            "registry", "batch", "audit.report", "launch", "api");

    private static final Pattern REFERENCE =
            Pattern.compile("\\b(?:io\\.tuneledger\\.([a-z.]+?)\\.[A-Z]|(ai\\.djl)\\.)");

    @Test
    void noPackageReachesAboveItselfAndOnlyTheEngineNamesDjl() throws Exception {
        Path root = Path.of("src", "main", "java", "io", "tuneledger");
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String pkg = root.relativize(f.getParent()).toString().replace('/', '.');
                int rank = LAYERS.indexOf(pkg);
                assertEquals(true, rank >= 0, "package " + pkg + " is not in the layer list");
                String code = Files.readString(f).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
                Matcher m = REFERENCE.matcher(code);
                while (m.find()) {
                    String problem = null;
                    if (m.group(2) != null) {
                        if (!pkg.equals("ml.djl")) {
                            problem = "names DJL";
                        }
                    } else {
                        String dep = m.group(1);
                        if (dep.equals(pkg)) {
                            continue;
                        }
                        if (dep.equals("ml.djl")) {
                            problem = "reaches into the engine (ml.djl)";
                        } else if (LAYERS.indexOf(dep) >= rank) {
                            problem = "imports " + dep + ", which is above it";
                        }
                    }
                    if (problem != null) {
                        violations.add(root.relativize(f) + " " + problem);
                    }
                }
            }
        }
        assertEquals(List.of(), violations.stream().distinct().toList());
    }
}
