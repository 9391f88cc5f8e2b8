package io.tuneledger.data;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The directories of registered dataset and model versions in the data store: built aside, made read-only, then
 * moved into place in one rename inside the registration's transaction. A directory already at the target with no
 * registry row is what a crash between the move and the commit leaves: it is reclaimed when its record file names
 * the same job instance, and refused otherwise (an operator must look at it).
 */
public final class VersionDirectories {

    private VersionDirectories() {
    }

    /**
     * Moves {@code build} (made read-only) to {@code target}. A leftover at {@code target} whose {@code recordFile}
     * ({@code manifest.json}, {@code provenance.json}) records job instance {@code instance} is removed first.
     */
    public static void moveIntoPlace(Path build, Path target, String recordFile, long instance) throws IOException {
        if (Files.exists(target)) {
            Path record = target.resolve(recordFile);
            boolean ours = false;
            if (Files.exists(record)) {
                JsonObject job = JsonFiles.read(record).getJsonObject("job");
                ours = job != null && job.getJsonNumber("instanceId").longValue() == instance;
            }
            if (!ours) {
                throw new IOException(target + " exists but is not registered: move it away and restart the job");
            }
            deleteTree(target);
        }
        Files.createDirectories(target.getParent());
        makeReadOnly(build);
        Files.move(build, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The files of {@code dir} and the directory itself become read-only. */
    public static void makeReadOnly(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--r--r--"));
            }
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
    }

    /** Removes a directory tree (read-only entries included); nothing when it does not exist. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isDirectory).toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
            }
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
