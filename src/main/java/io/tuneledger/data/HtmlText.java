package io.tuneledger.data;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTML to plain text for training data: scripts, styles, comments and the head are dropped, block elements become
 * line breaks, other tags vanish, character references are decoded. Tolerant of the broken markup that mail and
 * ticket exports are full of; it never fails.
 */
public final class HtmlText {

    private static final Pattern LOOKS_LIKE_HTML = Pattern.compile(
            "(?i)<(?:html|body|head|p|br|div|table|tr|td|font|span|a\\s|img\\s|b|i|u|center|li|ul|h[1-6])\\b[^>]{0,500}>");
    private static final Pattern DROPPED = Pattern.compile(
            "(?is)<!--.*?(?:-->|\\z)|<(script|style|head|title)\\b[^>]*>.*?(?:</\\1\\s*>|\\z)|<!doctype[^>]*>");
    private static final Pattern BLOCK = Pattern.compile(
            "(?i)</?(?:br|p|div|tr|li|ul|ol|h[1-6]|table|blockquote|hr|pre|center|dd|dt|dl|form|section|article)\\b[^>]*>");
    private static final Pattern CELL = Pattern.compile("(?i)</?(?:td|th)\\b[^>]*>");
    private static final Pattern TAG = Pattern.compile("</?[A-Za-z][^<>]*>|<!?[A-Za-z/][^<>]{0,200}>");
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,10});?");
    private static final Map<String, String> NAMED = Map.ofEntries(
            Map.entry("amp", "&"), Map.entry("lt", "<"), Map.entry("gt", ">"), Map.entry("quot", "\""),
            Map.entry("apos", "'"), Map.entry("nbsp", " "), Map.entry("copy", "©"), Map.entry("reg", "®"),
            Map.entry("trade", "™"), Map.entry("mdash", "—"), Map.entry("ndash", "–"), Map.entry("hellip", "…"),
            Map.entry("lsquo", "‘"), Map.entry("rsquo", "’"), Map.entry("ldquo", "“"), Map.entry("rdquo", "”"),
            Map.entry("euro", "€"), Map.entry("pound", "£"), Map.entry("yen", "¥"), Map.entry("cent", "¢"),
            Map.entry("middot", "·"), Map.entry("bull", "•"), Map.entry("laquo", "«"), Map.entry("raquo", "»"),
            Map.entry("deg", "°"), Map.entry("times", "×"), Map.entry("sect", "§"), Map.entry("para", "¶"),
            Map.entry("iexcl", "¡"), Map.entry("iquest", "¿"), Map.entry("shy", ""));

    /** HTML 4's Latin-1 entity names, for code points 160 to 255 in order. */
    private static final String[] LATIN1 = ("nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot"
            + " cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml"
            + " ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil"
            + " egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml").split(" ");
    private static final Map<String, String> ENTITIES = entities();

    private HtmlText() {
    }

    /** Whether {@code text} holds HTML markup worth converting. */
    public static boolean looksLikeHtml(String text) {
        return text.indexOf('<') >= 0 && LOOKS_LIKE_HTML.matcher(text).find();
    }

    /** The text content of {@code html}, block elements on their own lines. */
    public static String toText(String html) {
        String s = DROPPED.matcher(html).replaceAll(" ");
        s = BLOCK.matcher(s).replaceAll("\n");
        s = CELL.matcher(s).replaceAll(" ");
        s = TAG.matcher(s).replaceAll("");
        return decodeEntities(s);
    }

    private static Map<String, String> entities() {
        Map<String, String> all = new java.util.HashMap<>(NAMED);
        for (int i = 0; i < LATIN1.length; i++) {
            all.putIfAbsent(LATIN1[i], String.valueOf((char) (160 + i)));
        }
        all.put("nbsp", " ");
        all.put("shy", "");
        return Map.copyOf(all);
    }

    /** Decodes numeric and common named character references; unknown names are left as they are. */
    public static String decodeEntities(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        Matcher m = ENTITY.matcher(s);
        StringBuilder out = new StringBuilder(s.length());
        while (m.find()) {
            String ref = m.group(1);
            String replacement;
            if (ref.charAt(0) == '#') {
                int cp;
                try {
                    cp = ref.length() > 1 && (ref.charAt(1) == 'x' || ref.charAt(1) == 'X')
                            ? Integer.parseInt(ref.substring(2), 16) : Integer.parseInt(ref.substring(1));
                } catch (NumberFormatException e) {
                    cp = -1;
                }
                replacement = Character.isValidCodePoint(cp) && !(cp >= 0xD800 && cp <= 0xDFFF) && cp != 0
                        ? new String(Character.toChars(cp)) : "\uFFFD";
            } else {
                replacement = ENTITIES.get(ref);
                if (replacement == null) {
                    replacement = ENTITIES.get(ref.toLowerCase(Locale.ROOT));
                }
                if (replacement == null) {
                    replacement = m.group();
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
