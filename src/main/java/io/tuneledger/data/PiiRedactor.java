package io.tuneledger.data;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces personal data with typed placeholders ({@code [EMAIL]}, {@code [PHONE]}, ...). Numbers that carry a
 * checksum (payment cards: Luhn; IBAN: ISO 13616 mod 97; Chinese resident ID: ISO 7064 MOD 11-2) are only redacted
 * when the checksum holds, so order numbers and the like survive. Runs on NFKC-normalized text, so full-width
 * digits and letters are seen as ASCII. Kinds are applied in a fixed order, the most specific first.
 */
public final class PiiRedactor {

    /** The kinds of personal data recognized, in the order they are applied; the placeholder is {@code [NAME]}. */
    public enum Kind {
        EMAIL, IBAN, CN_ID, CARD, CN_PHONE, IP, PHONE;

        public String placeholder() {
            return "[" + name() + "]";
        }
    }

    /** A redacted text and how many of each kind were replaced. */
    public record Result(String text, Map<Kind, Integer> counts) {
        public int total() {
            return counts.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private static final Pattern EMAIL = Pattern.compile(
            "(?<![A-Za-z0-9._%+=-])[A-Za-z0-9._%+=-]{1,256}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
                    + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*");
    private static final Pattern IBAN = Pattern.compile(
            "(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])");
    private static final Pattern CN_ID = Pattern.compile(
            "(?<![0-9A-Za-z])[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]"
                    + "(?![0-9A-Za-z])");
    private static final Pattern CARD = Pattern.compile("(?<![0-9])(?:[0-9][ -]?){12,18}[0-9](?![0-9])");
    private static final Pattern CN_PHONE = Pattern.compile(
            "(?<![0-9+])(?:(?:\\+|00)?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}(?![0-9])");
    private static final Pattern IP = Pattern.compile(
            "(?<![0-9.])(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
                    + "(?![0-9]|\\.[0-9])"
                    + "|(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}(?![0-9A-Fa-f:])");
    private static final Pattern PHONE = Pattern.compile(
            "(?<![0-9A-Za-z+])(?:\\+[0-9]{1,3}[ .-]?)?(?:\\([0-9]{1,4}\\)[ .-]?)?[0-9]{2,4}(?:[ .-][0-9]{2,4}){1,4}"
                    + "(?![0-9A-Za-z]|[.-][0-9])");
    private static final Pattern DATE_LIKE = Pattern.compile(
            "[0-9]{4}[-./][0-9]{1,2}[-./][0-9]{1,2}|[0-9]{1,2}[-./][0-9]{1,2}[-./][0-9]{2,4}|[0-9]{1,2}:[0-9]{2}.*");

    private PiiRedactor() {
    }

    /** Redacts every kind. */
    public static Result redact(String text) {
        Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
        String s = text;
        s = replace(s, EMAIL, Kind.EMAIL, m -> true, counts);
        s = replace(s, IBAN, Kind.IBAN, PiiRedactor::validIban, counts);
        s = replace(s, CN_ID, Kind.CN_ID, PiiRedactor::validChineseId, counts);
        s = replace(s, CARD, Kind.CARD, PiiRedactor::validCard, counts);
        s = replace(s, CN_PHONE, Kind.CN_PHONE, m -> true, counts);
        s = replace(s, IP, Kind.IP, m -> true, counts);
        s = replace(s, PHONE, Kind.PHONE, PiiRedactor::plausiblePhone, counts);
        return new Result(s, counts);
    }

    /** How many placeholders of each kind a redacted text holds (for a redacted text that was cut afterwards). */
    public static Map<Kind, Integer> placeholders(String redacted) {
        Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            String p = k.placeholder();
            int n = 0;
            for (int i = redacted.indexOf(p); i >= 0; i = redacted.indexOf(p, i + p.length())) {
                n++;
            }
            if (n > 0) {
                counts.put(k, n);
            }
        }
        return counts;
    }

    private static String replace(String s, Pattern pattern, Kind kind, Predicate<String> valid,
            Map<Kind, Integer> counts) {
        Matcher m = pattern.matcher(s);
        if (!m.find()) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        int n = 0;
        do {
            if (valid.test(m.group())) {
                m.appendReplacement(out, Matcher.quoteReplacement(kind.placeholder()));
                n++;
            }
        } while (m.find());
        m.appendTail(out);
        if (n > 0) {
            counts.merge(kind, n, Integer::sum);
        }
        return out.toString();
    }

    /** Luhn check over the digits, 13 to 19 of them. */
    static boolean validCard(String candidate) {
        String digits = candidate.replaceAll("[ -]", "");
        if (digits.length() < 13 || digits.length() > 19 || digits.chars().distinct().count() == 1) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = digits.charAt(digits.length() - 1 - i) - '0';
            if (i % 2 == 1) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
        }
        return sum % 10 == 0;
    }

    /** ISO 13616: move the first four characters to the end, letters to 10..35, the number mod 97 must be 1. */
    static boolean validIban(String candidate) {
        String iban = candidate.replace(" ", "");
        if (iban.length() < 15 || iban.length() > 34) {
            return false;
        }
        String rearranged = iban.substring(4) + iban.substring(0, 4);
        int mod = 0;
        for (int i = 0; i < rearranged.length(); i++) {
            int v = Character.digit(rearranged.charAt(i), 36);
            if (v < 0) {
                return false;
            }
            mod = v < 10 ? (mod * 10 + v) % 97 : (mod * 100 + v) % 97;
        }
        return mod == 1;
    }

    /** GB 11643: weighted sum of the first 17 digits mod 11 selects the check character. */
    static boolean validChineseId(String candidate) {
        int[] weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
        String checks = "10X98765432";
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            sum += (candidate.charAt(i) - '0') * weights[i];
        }
        return Character.toUpperCase(candidate.charAt(17)) == checks.charAt(sum % 11);
    }

    /** 7 to 15 digits, not a date or a time, and shaped like a phone number (a prefix or a group of three or more). */
    static boolean plausiblePhone(String candidate) {
        long digits = candidate.chars().filter(Character::isDigit).count();
        if (digits < 7 || digits > 15 || DATE_LIKE.matcher(candidate).matches()) {
            return false;
        }
        if (candidate.startsWith("+") || candidate.startsWith("(")) {
            return true;
        }
        String[] groups = candidate.split("[ .-]");
        String last = groups[groups.length - 1];
        if (candidate.contains(".")) {
            return candidate.matches("[0-9]{3}\\.[0-9]{3}\\.[0-9]{4}");
        }
        return groups.length <= 4 && last.length() >= 3;
    }
}
