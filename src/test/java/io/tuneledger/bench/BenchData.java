package io.tuneledger.bench;

import io.tuneledger.data.CleaningRule;
import io.tuneledger.data.TextCleaner;
import io.tuneledger.ml.LabelledText;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What the benchmarks and the model tests share: labelled mails read from JSONL and cleaned with the default rules,
 * texts of random common words (each a token, so a text of n words is n tokens long), and the process's memory.
 */
public final class BenchData {

    /** ham is label 0, spam label 1. */
    public static final List<String> LABELS = List.of("ham", "spam");

    private static final String[] VOCABULARY = ("the a of to and in that is for on with as was by at from this it be "
            + "account payment claim invoice meeting report patient policy offer free click money please review "
            + "urgent schedule project team service customer order contract data access update security").split(" ");

    private BenchData() {
    }

    /** Every record of a JSONL file (id, text, label: ham or spam), its text cleaned as prepare-dataset does. */
    public static List<LabelledText> mails(Path file) throws IOException {
        TextCleaner cleaner = new TextCleaner(CleaningRule.parse(CleaningRule.defaultValue()));
        List<LabelledText> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) {
                continue;
            }
            try (JsonReader r = Json.createReader(new StringReader(line))) {
                JsonObject o = r.readObject();
                out.add(new LabelledText(o.getString("id"), cleaner.clean(o.getString("text")),
                        LABELS.indexOf(o.getString("label"))));
            }
        }
        return out;
    }

    /** The bundled sample's mails. */
    public static List<LabelledText> sample() throws IOException {
        return mails(Path.of("samples", "spamassassin-sample.jsonl"));
    }

    /** {@code n} random common words. */
    public static String words(Random random, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(VOCABULARY[random.nextInt(VOCABULARY.length)]).append(' ');
        }
        return b.toString();
    }

    /** A value in kB from /proc/self/status (VmRSS, VmHWM). */
    public static long status(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
