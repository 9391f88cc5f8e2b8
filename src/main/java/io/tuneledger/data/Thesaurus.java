package io.tuneledger.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Synonyms for augmentation: one group of interchangeable words a line, comma-separated; {@code #} comments. */
public final class Thesaurus {

    private final Map<String, List<String>> synonyms;

    private Thesaurus(Map<String, List<String>> synonyms) {
        this.synonyms = synonyms;
    }

    public static Thesaurus of(List<List<String>> groups) {
        Map<String, List<String>> map = new TreeMap<>();
        for (List<String> group : groups) {
            for (String w : group) {
                List<String> others = new ArrayList<>();
                for (String o : group) {
                    if (!o.equals(w) && !others.contains(o)) {
                        others.add(o);
                    }
                }
                map.computeIfAbsent(w, k -> new ArrayList<>()).addAll(others);
            }
        }
        return new Thesaurus(map);
    }

    public static Thesaurus read(Path file) throws IOException {
        List<List<String>> groups = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int hash = line.indexOf('#');
            String content = (hash >= 0 ? line.substring(0, hash) : line).strip();
            List<String> group = new ArrayList<>();
            for (String w : content.split(",")) {
                String word = w.strip().toLowerCase(Locale.ROOT);
                if (!word.isEmpty()) {
                    group.add(word);
                }
            }
            if (group.size() > 1) {
                groups.add(group);
            }
        }
        return of(groups);
    }

    /** Synonyms of {@code word} (lower case), in file order; empty when it has none. */
    public List<String> synonyms(String word) {
        return synonyms.getOrDefault(word.toLowerCase(Locale.ROOT), List.of());
    }

    public int size() {
        return synonyms.size();
    }
}
