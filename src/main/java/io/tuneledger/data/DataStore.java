package io.tuneledger.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The data store: one directory ({@code tuneledger.home}) holding what jobs make, and the data roots, the only
 * places an input file may be read from ({@code tuneledger.data.roots}; default the store's {@code inbox/} and the
 * bundled samples).
 */
public final class DataStore {

    private final Path home;
    private final List<Path> dataRoots;

    public DataStore(Path home, List<Path> dataRoots) {
        this.home = home.toAbsolutePath().normalize();
        this.dataRoots = List.copyOf(dataRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList());
    }

    /**
     * The store as configured by system properties: {@code tuneledger.home} [{@code jboss.server.data.dir}/tuneledger],
     * {@code tuneledger.data.roots} (comma-separated) [home/inbox, {@code tuneledger.samples.dir}].
     */
    public static DataStore fromSystemProperties() {
        String dataDir = System.getProperty("jboss.server.data.dir", System.getProperty("java.io.tmpdir"));
        Path home = Path.of(System.getProperty("tuneledger.home", dataDir + "/tuneledger"));
        List<Path> roots = new ArrayList<>();
        String configured = System.getProperty("tuneledger.data.roots");
        if (configured != null && !configured.isBlank()) {
            for (String r : configured.split(",")) {
                if (!r.isBlank()) {
                    roots.add(Path.of(r.strip()));
                }
            }
        } else {
            roots.add(home.resolve("inbox"));
            String samples = System.getProperty("tuneledger.samples.dir");
            if (samples != null) {
                roots.add(Path.of(samples));
            }
        }
        return new DataStore(home, roots);
    }

    public Path home() {
        return home;
    }

    public List<Path> dataRoots() {
        return dataRoots;
    }

    /** Working directory of a fine-tune or score job instance: training states, part files, evaluation. */
    public Path runDir(long jobInstanceId) {
        return home.resolve("runs").resolve(Long.toString(jobInstanceId));
    }

    /** Where the score job writes predictions unless told otherwise. */
    public Path outbox() {
        return home.resolve("outbox");
    }

    /** Where registered models live: {@code models/<name>/v<N>}. */
    public Path modelsDir() {
        return home.resolve("models");
    }

    /** Where the ingest step of a prepare-dataset job instance writes its accepted and quarantined records. */
    public Path stagingDir(long jobInstanceId) {
        return home.resolve("staging").resolve(Long.toString(jobInstanceId));
    }

    /**
     * Resolves an input path to a real, readable file inside a data root. A relative path is looked up in each data
     * root in order; an absolute one must lie in one. Symbolic links are followed before the check, so a link
     * cannot lead outside the roots.
     */
    public Path resolveInput(String inputPath) throws InputPathException {
        return resolveInput(inputPath, false);
    }

    /** As {@link #resolveInput(String)}, but a directory (a BEIR input) is accepted as well as a file. */
    public Path resolveInputOrDirectory(String inputPath) throws InputPathException {
        return resolveInput(inputPath, true);
    }

    private Path resolveInput(String inputPath, boolean directory) throws InputPathException {
        if (inputPath == null || inputPath.isBlank()) {
            throw new InputPathException("is required");
        }
        Path given;
        try {
            given = Path.of(inputPath);
        } catch (RuntimeException e) {
            throw new InputPathException("is not a valid path: " + e.getMessage());
        }
        List<Path> candidates = given.isAbsolute() ? List.of(given) : dataRoots.stream().map(r -> r.resolve(given)).toList();
        for (Path candidate : candidates) {
            if (!Files.exists(candidate)) {
                continue;
            }
            Path real;
            try {
                real = candidate.toRealPath();
            } catch (IOException e) {
                throw new InputPathException("cannot be resolved: " + e.getMessage());
            }
            if (!insideARoot(real)) {
                throw new InputPathException("resolves to " + real + ", outside the data roots " + rootsText());
            }
            if (!Files.isRegularFile(real) && !(directory && Files.isDirectory(real))) {
                throw new InputPathException("is not a regular file" + (directory ? " or a directory" : "") + ": "
                        + real);
            }
            if (!Files.isReadable(real)) {
                throw new InputPathException("is not readable by the server: " + real);
            }
            return real;
        }
        throw new InputPathException("no such file " + (given.isAbsolute() ? given.toString()
                : "'" + inputPath + "' in the data roots " + rootsText()));
    }

    private boolean insideARoot(Path real) {
        for (Path root : dataRoots) {
            Path realRoot;
            try {
                realRoot = Files.exists(root) ? root.toRealPath() : root;
            } catch (IOException e) {
                continue;
            }
            if (real.startsWith(realRoot)) {
                return true;
            }
        }
        return false;
    }

    private String rootsText() {
        return dataRoots.stream().map(Path::toString).collect(Collectors.joining(", ", "[", "]"));
    }
}
