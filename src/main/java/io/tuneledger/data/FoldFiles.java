package io.tuneledger.data;

import io.tuneledger.ml.Split;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The data of each fold of a cross-validation, as dataset directories a task opens like any dataset version. The
 * pool is the version's train and validation records; its test split is never seen, so it stays an honest estimate
 * for the model finally trained. Fold {@code i}'s directory holds the pool's records of fold {@code i} as its test
 * split (the held-out fold), and the rest of the pool in the split they had: train records train, validation records
 * drive early stopping and the choice of the best epoch. Other files of the version (a retrieval version's documents)
 * are copied as they are.
 */
public final class FoldFiles {

    private FoldFiles() {
    }

    /** How many records of each split went to each fold, by fold. */
    public record Counts(long[] train, long[] validation, long[] test) {
    }

    /**
     * Writes {@code fold-0} to {@code fold-(k-1)} under {@code out} from the version in {@code datasetDir}; {@code
     * member} says what a record's stratum and group are. Refuses, naming the fold, a split that comes out empty.
     */
    public static Counts write(Path datasetDir, Path out, int folds, long seed, Function<JsonObject,
            FoldAssigner.Member> member) throws IOException {
        List<JsonObject> train = read(datasetDir.resolve(Split.TRAIN.fileName()));
        List<JsonObject> validation = read(datasetDir.resolve(Split.VALIDATION.fileName()));
        List<FoldAssigner.Member> members = new ArrayList<>();
        train.forEach(o -> members.add(member.apply(o)));
        validation.forEach(o -> members.add(member.apply(o)));
        if (members.size() < folds) {
            throw new IllegalStateException("The dataset's train and validation splits hold " + members.size()
                    + " records, fewer than the " + folds + " folds");
        }
        Map<String, Integer> fold = new FoldAssigner(folds, seed).assign(members);
        Counts counts = new Counts(new long[folds], new long[folds], new long[folds]);
        Files.createDirectories(out);
        try (var directory = Files.newDirectoryStream(datasetDir)) {
            for (Path file : directory) {
                String name = file.getFileName().toString();
                boolean split = java.util.Arrays.stream(Split.values()).anyMatch(s -> s.fileName().equals(name));
                if (!split && Files.isRegularFile(file) && name.equals("documents.jsonl")) {
                    for (int f = 0; f < folds; f++) {
                        Files.createDirectories(out.resolve("fold-" + f));
                        Files.copy(file, out.resolve("fold-" + f).resolve(name),
                                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        for (int f = 0; f < folds; f++) {
            Path dir = out.resolve("fold-" + f);
            try (var t = new JsonlFiles.AtomicWriter(dir.resolve(Split.TRAIN.fileName()));
                    var v = new JsonlFiles.AtomicWriter(dir.resolve(Split.VALIDATION.fileName()));
                    var h = new JsonlFiles.AtomicWriter(dir.resolve(Split.TEST.fileName()))) {
                for (JsonObject o : train) {
                    (fold.get(member.apply(o).id()) == f ? h : t).write(o);
                }
                for (JsonObject o : validation) {
                    (fold.get(member.apply(o).id()) == f ? h : v).write(o);
                }
                counts.train()[f] = t.lines();
                counts.validation()[f] = v.lines();
                counts.test()[f] = h.lines();
                for (var pair : List.of(Map.entry(Split.TRAIN, t.lines()), Map.entry(Split.VALIDATION, v.lines()),
                        Map.entry(Split.TEST, h.lines()))) {
                    if (pair.getValue() == 0) {
                        throw new IllegalStateException("Fold " + f + " of " + folds + " has no " + pair.getKey()
                                .parameterName() + " records: the dataset is too small for " + folds + " folds"
                                + " (use fewer folds, or a larger validation share when preparing it)");
                    }
                }
                t.commit();
                v.commit();
                h.commit();
            }
        }
        return counts;
    }

    private static List<JsonObject> read(Path file) throws IOException {
        List<JsonObject> out = new ArrayList<>();
        JsonlFiles.forEach(file, out::add);
        return out;
    }
}
