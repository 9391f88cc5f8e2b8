package io.tuneledger.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tuneledger.ml.Split;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FoldAssignerTest {

    private static List<FoldAssigner.Member> labelled(int spam, int ham) {
        List<FoldAssigner.Member> members = new ArrayList<>();
        for (int i = 0; i < spam; i++) {
            members.add(new FoldAssigner.Member("s" + i, "spam", "s" + i));
        }
        for (int i = 0; i < ham; i++) {
            members.add(new FoldAssigner.Member("h" + i, "ham", "h" + i));
        }
        return members;
    }

    @Test
    void everyFoldGetsEachLabelsShare() {
        Map<String, Integer> folds = new FoldAssigner(5, 42).assign(labelled(100, 400));
        for (int f = 0; f < 5; f++) {
            final int fold = f;
            long spam = folds.entrySet().stream().filter(e -> e.getValue() == fold && e.getKey().startsWith("s"))
                    .count();
            long ham = folds.entrySet().stream().filter(e -> e.getValue() == fold && e.getKey().startsWith("h"))
                    .count();
            assertEquals(20, spam, "fold " + f);
            assertEquals(80, ham, "fold " + f);
        }
    }

    @Test
    void sizesStayEvenWhenLabelsDoNotDivide() {
        Map<String, Integer> folds = new FoldAssigner(3, 7).assign(labelled(7, 8));
        int[] sizes = new int[3];
        folds.values().forEach(f -> sizes[f]++);
        for (int size : sizes) {
            assertEquals(5, size, "15 records in 3 folds: 5 each, whatever the labels");
        }
    }

    @Test
    void theSeedDecidesAndTheInputOrderDoesNot() {
        List<FoldAssigner.Member> members = labelled(30, 30);
        Map<String, Integer> first = new FoldAssigner(3, 42).assign(members);
        List<FoldAssigner.Member> shuffled = new ArrayList<>(members);
        Collections.shuffle(shuffled, new Random(1));
        assertEquals(first, Map.copyOf(new FoldAssigner(3, 42).assign(shuffled)));
        assertNotEquals(first, Map.copyOf(new FoldAssigner(3, 43).assign(members)));
    }

    @Test
    void aGroupStaysInOneFold() {
        List<FoldAssigner.Member> members = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            members.add(new FoldAssigner.Member("q" + i, "", "doc" + (i % 12)));
        }
        Map<String, Integer> folds = new FoldAssigner(4, 42).assign(members);
        for (int d = 0; d < 12; d++) {
            Set<Integer> of = new HashSet<>();
            for (int i = d; i < 60; i += 12) {
                of.add(folds.get("q" + i));
            }
            assertEquals(1, of.size(), "the queries of doc" + d + " are in one fold");
        }
        assertEquals(4, new HashSet<>(folds.values()).size());
    }

    @Test
    void foldDirectoriesHoldTheHeldOutFoldAsTestAndKeepTheRestInItsSplit(@TempDir Path dir) throws Exception {
        Path dataset = dir.resolve("v1");
        write(dataset.resolve(Split.TRAIN.fileName()), 40, "t");
        write(dataset.resolve(Split.VALIDATION.fileName()), 10, "v");
        write(dataset.resolve(Split.TEST.fileName()), 5, "x");
        Path out = dir.resolve("folds");
        FoldFiles.Counts counts = FoldFiles.write(dataset, out, 5, 42, o -> new FoldAssigner.Member(o.getString("id"),
                o.getString("label"), o.getString("id")));
        Set<String> heldOut = new HashSet<>();
        for (int f = 0; f < 5; f++) {
            Path fold = out.resolve("fold-" + f);
            List<String> test = ids(fold.resolve(Split.TEST.fileName()));
            List<String> train = ids(fold.resolve(Split.TRAIN.fileName()));
            List<String> validation = ids(fold.resolve(Split.VALIDATION.fileName()));
            assertEquals(10, test.size());
            assertEquals(50, test.size() + train.size() + validation.size(), "the pool is train and validation");
            assertTrue(train.stream().allMatch(id -> id.startsWith("t")) && validation.stream()
                    .allMatch(id -> id.startsWith("v")), "the rest keep their split");
            assertTrue(test.stream().noneMatch(id -> id.startsWith("x")), "the test split is never used");
            test.forEach(id -> assertTrue(heldOut.add(id), id + " is held out once"));
            assertEquals(10, counts.test()[f]);
        }
        assertEquals(50, heldOut.size(), "every pooled record is held out exactly once");
    }

    @Test
    void aFoldWithoutValidationRecordsIsRefused(@TempDir Path dir) throws Exception {
        Path dataset = dir.resolve("v1");
        write(dataset.resolve(Split.TRAIN.fileName()), 20, "t");
        write(dataset.resolve(Split.VALIDATION.fileName()), 1, "v");
        write(dataset.resolve(Split.TEST.fileName()), 1, "x");
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> FoldFiles.write(dataset, dir.resolve("folds"), 3, 42, o -> new FoldAssigner.Member(
                        o.getString("id"), o.getString("label"), o.getString("id"))));
        assertTrue(e.getMessage().contains("has no validation records"), e.getMessage());
    }

    private static void write(Path file, int n, String prefix) throws Exception {
        Files.createDirectories(file.getParent());
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            JsonObject o = Json.createObjectBuilder().add("id", prefix + i).add("text", "text " + i)
                    .add("label", i % 2 == 0 ? "a" : "b").build();
            text.append(o).append('\n');
        }
        Files.writeString(file, text);
    }

    private static List<String> ids(Path file) throws Exception {
        List<String> ids = new ArrayList<>();
        JsonlFiles.forEach(file, o -> ids.add(o.getString("id")));
        return ids;
    }
}
