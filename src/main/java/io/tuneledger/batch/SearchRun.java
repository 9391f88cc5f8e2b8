package io.tuneledger.batch;

import io.tuneledger.data.DataStore;
import io.tuneledger.data.JsonFiles;
import io.tuneledger.data.JsonlFiles;
import io.tuneledger.ml.TaskType;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the steps of a search job instance share besides the pinned model ({@link ScoreRun}): where the corpus's index
 * lives, pinned in the run directory's {@code search.json}. An index is kept per model version and corpus, under
 * {@code indexes/<model>-v<N>/} in the store, named by a key over what its vectors depend on (the model's weights, the
 * corpus file's bytes, its id and text fields, the cleaning of the model's training data); a record of its SHA-256 and
 * counts lies beside it. A second search of the same corpus with the same model version reuses it.
 */
@Dependent
public class SearchRun {

    static final String PLAN_FILE = "search.json";

    @Inject
    ScoreRun run;

    @Inject
    DataStore store;

    /** The pinned plan: the index file, its key, and the corpus file's SHA-256. */
    public record Plan(Path index, String key, String corpusSha256) {

        /** The record beside the index: its SHA-256, documents and corpus. */
        Path record() {
            return index.resolveSibling(index.getFileName() + ".json");
        }

        JsonObject toJson() {
            return Json.createObjectBuilder().add("index", index.toString()).add("key", key)
                    .add("corpusSha256", corpusSha256).build();
        }
    }

    /** Works out and pins the plan, or reads the pinned one. */
    public Plan plan(Path corpus, String idField, String textField) throws IOException {
        Path pin = run.dir().resolve(PLAN_FILE);
        if (Files.exists(pin)) {
            return plan();
        }
        ScoreRun.Pinned model = run.pinned();
        if (model.task() != TaskType.RETRIEVAL) {
            throw new IllegalStateException(model.modelName() + " v" + model.modelVersion() + " is a "
                    + model.task().id() + " model; search needs a retrieval model");
        }
        String corpusSha = JsonlFiles.sha256(corpus);
        String weightsSha = JsonlFiles.sha256(model.modelDir().resolve("model.safetensors"));
        String key = JsonlFiles.sha256(String.join("\u0000", model.modelName(), Integer.toString(
                model.modelVersion()), weightsSha, corpusSha, idField, textField, model.cleaningRules(),
                Boolean.toString(model.redactPii())));
        Path index = store.home().resolve("indexes").resolve(model.modelName() + "-v" + model.modelVersion())
                .resolve(key.substring(0, 16) + ".tlembed");
        Plan p = new Plan(index, key, corpusSha);
        JsonFiles.writeAtomically(pin, p.toJson());
        return p;
    }

    /** The pinned plan, for the steps after the first. */
    public Plan plan() throws IOException {
        Path pin = run.dir().resolve(PLAN_FILE);
        if (!Files.exists(pin)) {
            throw new IllegalStateException("The search plan was not made before the corpus was embedded");
        }
        JsonObject o = JsonFiles.read(pin);
        return new Plan(Path.of(o.getString("index")), o.getString("key"), o.getString("corpusSha256"));
    }
}
