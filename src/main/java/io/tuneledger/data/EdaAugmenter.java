package io.tuneledger.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Easy data augmentation: new training rows from existing ones by synonym replacement (from a thesaurus), random
 * swap of two words, or random deletion of words. Deterministic: a row's variants depend only on the seed, the
 * parent's id and the variant number. Placeholders such as {@code [EMAIL]} are never changed. Text without spaces
 * between words (Chinese) is worked on character by character.
 */
public final class EdaAugmenter {

    /** One augmented row. */
    public record Variant(String id, String text, String operation) {
    }

    private static final String[] OPERATIONS = {"synonym", "swap", "delete"};
    private static final double SHARE = 0.1;

    private final Thesaurus thesaurus;
    private final long seed;
    private final int factor;

    public EdaAugmenter(Thesaurus thesaurus, long seed, int factor) {
        this.thesaurus = thesaurus;
        this.seed = seed;
        this.factor = factor;
    }

    /** How the rows were made, for the manifest and each row: {@code eda(seed=S,factor=F)}. */
    public String generator() {
        return "eda(seed=" + seed + ",factor=" + factor + ")";
    }

    /** The variants of one row; a variant equal to its parent is left out. */
    public List<Variant> variants(String id, String text) {
        List<Variant> out = new ArrayList<>();
        for (int k = 1; k <= factor; k++) {
            SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ JsonlFiles.sha256(id).hashCode()
                    ^ (long) k << 40);
            String operation = OPERATIONS[(k - 1 + Math.floorMod(id.hashCode(), 3)) % 3];
            boolean chars = !text.contains(" ") && text.codePoints().anyMatch(EdaAugmenter::isCjk);
            List<String> words = new ArrayList<>();
            if (chars) {
                text.codePoints().forEach(cp -> words.add(new String(Character.toChars(cp))));
            } else {
                words.addAll(List.of(text.split(" ")));
            }
            int changes = Math.max(1, (int) Math.round(words.size() * SHARE));
            if (operation.equals("synonym") && !replaceSynonyms(words, changes, random)) {
                operation = "swap";
            }
            if (operation.equals("swap")) {
                swap(words, changes, random);
            } else if (operation.equals("delete")) {
                delete(words, random);
            }
            String variant = String.join(chars ? "" : " ", words);
            if (!variant.equals(text) && !variant.isBlank()) {
                out.add(new Variant(id + "#eda" + k, variant, operation));
            }
        }
        return out;
    }

    /** Replaces up to {@code changes} words that have synonyms; false when none has. */
    private boolean replaceSynonyms(List<String> words, int changes, SplittableRandom random) {
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            if (!thesaurus.synonyms(words.get(i)).isEmpty()) {
                candidates.add(i);
            }
        }
        if (candidates.isEmpty()) {
            return false;
        }
        for (int n = 0; n < changes && !candidates.isEmpty(); n++) {
            int i = candidates.remove(random.nextInt(candidates.size()));
            List<String> syn = thesaurus.synonyms(words.get(i));
            words.set(i, syn.get(random.nextInt(syn.size())));
        }
        return true;
    }

    private static void swap(List<String> words, int changes, SplittableRandom random) {
        for (int n = 0; n < changes && words.size() > 1; n++) {
            int a = random.nextInt(words.size());
            int b = (a + 1 + random.nextInt(words.size() - 1)) % words.size();
            if (isPlaceholder(words.get(a)) || isPlaceholder(words.get(b))) {
                continue;
            }
            String t = words.get(a);
            words.set(a, words.get(b));
            words.set(b, t);
        }
    }

    private static void delete(List<String> words, SplittableRandom random) {
        if (words.size() < 2) {
            return;
        }
        List<String> kept = new ArrayList<>();
        for (String w : words) {
            if (isPlaceholder(w) || random.nextDouble() >= SHARE) {
                kept.add(w);
            }
        }
        if (kept.size() == words.size()) {
            // at least one word goes: pick one that is not a placeholder
            int at = random.nextInt(words.size());
            for (int i = 0; i < words.size(); i++) {
                int j = (at + i) % words.size();
                if (!isPlaceholder(words.get(j))) {
                    kept.remove(j);
                    break;
                }
            }
        }
        if (!kept.isEmpty()) {
            words.clear();
            words.addAll(kept);
        }
    }

    private static boolean isPlaceholder(String w) {
        return w.startsWith("[") && w.endsWith("]");
    }

    private static boolean isCjk(int cp) {
        return Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN;
    }
}
