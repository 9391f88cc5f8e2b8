package io.tuneledger.ml;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The weights a run starts from, resolved: a shipped base model, or a model directory (a Hugging Face BERT directory
 * or a registered model version's artifact, whose head and labels are then kept). {@code description} is what
 * provenance and the registry record ({@code all-minilm-l6-v2}, a path, {@code name:version}).
 */
public record StartingPoint(String description, BaseModel builtin, Path directory) {

    public StartingPoint {
        Objects.requireNonNull(description, "description");
        if ((builtin == null) == (directory == null)) {
            throw new IllegalArgumentException("a starting point is a base model or a directory");
        }
    }

    public static StartingPoint of(BaseModel model) {
        return new StartingPoint(model.id(), model, null);
    }

    public static StartingPoint of(Path directory, String description) {
        return new StartingPoint(description, null, directory);
    }
}
