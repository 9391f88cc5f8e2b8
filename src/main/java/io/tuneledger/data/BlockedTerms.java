package io.tuneledger.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A blocked-terms list: records whose text contains one of the terms are quarantined. One term a line (UTF-8),
 * {@code #} starts a comment. Matching ignores case and Unicode compatibility forms; a term that starts or ends with
 * a letter or digit must stand as a whole word there (so "ass" does not block "class"), except in scripts without
 * spaces between words (Chinese, Japanese), where it matches anywhere.
 */
public final class BlockedTerms {

    private final List<String> terms;
    private final Pattern pattern;

    private BlockedTerms(List<String> terms) {
        this.terms = List.copyOf(terms);
        if (terms.isEmpty()) {
            this.pattern = null;
            return;
        }
        StringBuilder alternation = new StringBuilder();
        for (String t : terms) {
            if (!alternation.isEmpty()) {
                alternation.append('|');
            }
            boolean wordStart = Character.isLetterOrDigit(t.codePointAt(0)) && !isCjk(t.codePointAt(0));
            int lastCp = t.codePointBefore(t.length());
            boolean wordEnd = Character.isLetterOrDigit(lastCp) && !isCjk(lastCp);
            alternation.append(wordStart ? "(?<![\\p{L}\\p{N}])" : "").append(Pattern.quote(t))
                    .append(wordEnd ? "(?![\\p{L}\\p{N}])" : "");
        }
        this.pattern = Pattern.compile(alternation.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    /** No terms: nothing is blocked. */
    public static BlockedTerms none() {
        return new BlockedTerms(List.of());
    }

    public static BlockedTerms of(List<String> terms) {
        List<String> normalized = new ArrayList<>();
        for (String t : terms) {
            String n = Normalizer.normalize(t, Normalizer.Form.NFKC).strip().toLowerCase(Locale.ROOT);
            if (!n.isEmpty() && !normalized.contains(n)) {
                normalized.add(n);
            }
        }
        return new BlockedTerms(normalized);
    }

    /** Reads a list file. */
    public static BlockedTerms read(Path file) throws IOException {
        List<String> terms = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int hash = line.indexOf('#');
            String t = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (t.startsWith("\uFEFF")) {
                t = t.substring(1);
            }
            if (!t.isEmpty()) {
                terms.add(t);
            }
        }
        return of(terms);
    }

    public List<String> terms() {
        return terms;
    }

    /** The first blocked term found in {@code text}, if any. */
    public Optional<String> find(String text) {
        if (pattern == null) {
            return Optional.empty();
        }
        Matcher m = pattern.matcher(Normalizer.normalize(text, Normalizer.Form.NFKC));
        return m.find() ? Optional.of(m.group().toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    private static boolean isCjk(int cp) {
        Character.UnicodeScript s = Character.UnicodeScript.of(cp);
        return s == Character.UnicodeScript.HAN || s == Character.UnicodeScript.HIRAGANA
                || s == Character.UnicodeScript.KATAKANA || s == Character.UnicodeScript.HANGUL;
    }
}
