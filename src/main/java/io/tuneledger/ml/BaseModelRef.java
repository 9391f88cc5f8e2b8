package io.tuneledger.ml;

import io.tuneledger.config.VersionRef;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * What {@code base.model} names, parsed in one place with one precedence: a shipped base model's id first, then an
 * absolute directory (a Hugging Face model directory), then {@code name:version} of a registered model (incremental
 * training), then a directory relative to a data root (a path with a {@code /}, which the launcher replaces with the
 * real path it resolves to). The launcher checks that it exists; the train step resolves it.
 */
public sealed interface BaseModelRef {

    record Builtin(BaseModel model) implements BaseModelRef {
    }

    record Directory(Path path) implements BaseModelRef {
    }

    record Registered(VersionRef.Named model) implements BaseModelRef {
    }

    /** The reference, or an {@link IllegalArgumentException} saying what {@code base.model} may be. */
    static BaseModelRef parse(String text) {
        String t = text == null ? "" : text.strip();
        Optional<BaseModel> builtin = BaseModel.byId(t);
        if (builtin.isPresent()) {
            return new Builtin(builtin.get());
        }
        try {
            Path p = Path.of(t);
            if (p.isAbsolute()) {
                return new Directory(p.normalize());
            }
        } catch (InvalidPathException e) {
            // not a path
        }
        Optional<VersionRef.Named> named = VersionRef.Named.tryParse(t);
        if (named.isPresent()) {
            return new Registered(named.get());
        }
        if (t.contains("/")) {
            try {
                return new Directory(Path.of(t).normalize());
            } catch (InvalidPathException e) {
                // not a path
            }
        }
        throw new IllegalArgumentException("must be one of " + Arrays.stream(BaseModel.values()).map(BaseModel::id)
                .toList() + ", a model directory (absolute, or relative to a data root) or name:version of a"
                + " registered model, got '" + text + "'");
    }
}
