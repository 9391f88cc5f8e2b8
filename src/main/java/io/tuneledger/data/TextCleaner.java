package io.tuneledger.data;

import java.text.Normalizer;
import java.util.Set;
import java.util.regex.Pattern;

/** Applies the selected {@link CleaningRule}s to one text, in their fixed order. Pure and thread-safe. */
public final class TextCleaner {

    private static final Pattern SPACES = Pattern.compile("[\\t\\x0B\\f\\r \\u00A0\\u2000-\\u200A\\u202F\\u205F\\u3000]+");
    private static final Pattern BLANK_LINES = Pattern.compile("(?:[ ]*\\n[ ]*)+");

    private final Set<CleaningRule> rules;

    public TextCleaner(Set<CleaningRule> rules) {
        this.rules = Set.copyOf(rules);
    }

    public Set<CleaningRule> rules() {
        return rules;
    }

    public String clean(String text) {
        String s = text;
        if (rules.contains(CleaningRule.EMAIL) && EmailMessage.looksLikeMessage(s)) {
            s = EmailMessage.toText(s);
        }
        if (rules.contains(CleaningRule.HTML) && HtmlText.looksLikeHtml(s)) {
            s = HtmlText.toText(s);
        }
        if (rules.contains(CleaningRule.NFKC)) {
            s = Normalizer.normalize(s, Normalizer.Form.NFKC);
        }
        if (rules.contains(CleaningRule.CONTROL)) {
            s = removeControl(s);
        }
        if (rules.contains(CleaningRule.WHITESPACE)) {
            s = SPACES.matcher(s).replaceAll(" ");
            s = BLANK_LINES.matcher(s).replaceAll("\n").strip();
        }
        return s;
    }

    /** Drops C0/C1 controls except line feed and tab, format characters (zero-width, BOM) and lone surrogates. */
    static String removeControl(String text) {
        String s = text.indexOf('\r') >= 0 ? text.replace("\r\n", "\n").replace('\r', '\n') : text;
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int type = Character.getType(c);
            boolean drop = (type == Character.CONTROL && c != '\n' && c != '\t')
                    || type == Character.FORMAT
                    || (Character.isHighSurrogate(c) && !(i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))))
                    || (Character.isLowSurrogate(c) && !(i > 0 && Character.isHighSurrogate(s.charAt(i - 1))));
            if (drop && out == null) {
                out = new StringBuilder(s.length());
                out.append(s, 0, i);
            } else if (!drop && out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }
}
