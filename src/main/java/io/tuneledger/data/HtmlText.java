package io.tuneledger.data;

import java.util.Set;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeVisitor;

/**
 * HTML to plain text for training data, parsed by jsoup (which is tolerant of the broken markup that mail and ticket
 * exports are full of, and decodes every character reference): scripts, styles, comments and the head are dropped,
 * block elements become line breaks, table cells spaces, other tags vanish. It never fails.
 */
public final class HtmlText {

    private static final Pattern LOOKS_LIKE_HTML = Pattern.compile(
            "(?i)<(?:html|body|head|p|br|div|table|tr|td|font|span|a\\s|img\\s|b|i|u|center|li|ul|h[1-6])\\b[^>]{0,500}>");

    /** Elements whose start and end become a line break. */
    private static final Set<String> BLOCK = Set.of("br", "p", "div", "tr", "li", "ul", "ol", "h1", "h2", "h3", "h4",
            "h5", "h6", "table", "blockquote", "hr", "pre", "center", "dd", "dt", "dl", "form", "section", "article");

    /** Elements whose start and end become a space. */
    private static final Set<String> CELL = Set.of("td", "th");

    /** Elements dropped with their content. */
    private static final Set<String> DROPPED = Set.of("script", "style", "head", "title", "noscript", "template");

    private HtmlText() {
    }

    /** Whether {@code text} holds HTML markup worth converting. */
    public static boolean looksLikeHtml(String text) {
        return text.indexOf('<') >= 0 && LOOKS_LIKE_HTML.matcher(text).find();
    }

    /** The text content of {@code html}, block elements on their own lines. */
    public static String toText(String html) {
        Document doc = Jsoup.parse(html);
        StringBuilder out = new StringBuilder(html.length() / 2);
        doc.traverse(new NodeVisitor() {
            @Override
            public void head(Node node, int depth) {
                if (node instanceof TextNode text && !inDropped(text)) {
                    out.append(text.getWholeText());
                } else if (node instanceof Element e) {
                    separate(e, out);
                }
            }

            @Override
            public void tail(Node node, int depth) {
                if (node instanceof Element e) {
                    separate(e, out);
                }
            }
        });
        // As plain text: a no-break space is a space, a soft hyphen nothing.
        return out.toString().replace('\u00A0', ' ').replace("\u00AD", "");
    }

    private static void separate(Element e, StringBuilder out) {
        String tag = e.normalName();
        if (BLOCK.contains(tag)) {
            out.append('\n');
        } else if (CELL.contains(tag)) {
            out.append(' ');
        }
    }

    private static boolean inDropped(Node node) {
        for (Node n = node.parentNode(); n != null; n = n.parentNode()) {
            if (n instanceof Element e && DROPPED.contains(e.normalName())) {
                return true;
            }
        }
        return false;
    }
}
