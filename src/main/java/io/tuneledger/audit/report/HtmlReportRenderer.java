package io.tuneledger.audit.report;

import java.util.List;
import java.util.Locale;

/** Lays a {@link Report} out as one self-contained HTML page (inline CSS, charts as inline SVG). */
public final class HtmlReportRenderer {

    /**
     * The page's one style sheet, inline so that a saved report is one file. The server's Content-Security-Policy
     * allows exactly this text by its hash ({@link #styleHash()}): no other inline style and no script at all.
     */
    static final String STYLE = "body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222;line-height:1.4}"
            + "h1{font-size:1.5em;margin-bottom:0}h2{font-size:1.15em;border-bottom:1px solid #999;"
            + "margin-top:1.6em}.sub{color:#555;margin-top:.2em}table{border-collapse:collapse;"
            + "margin:.5em 0 1em}td,th{border:1px solid #bbb;padding:.2em .5em;text-align:left;"
            + "vertical-align:top}th{background:#eee}table.facts th{width:14em}td{word-break:break-all}"
            + "caption{text-align:left;font-weight:bold;padding:.3em 0}";

    /** The Content-Security-Policy source that allows {@link #STYLE}: {@code 'sha256-<base64>'}. */
    public static String styleHash() {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(STYLE.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "'sha256-" + java.util.Base64.getEncoder().encodeToString(digest) + "'";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private HtmlReportRenderer() {
    }

    public static String render(Report report) {
        StringBuilder h = new StringBuilder(32_768);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"UTF-8\"><title>")
                .append(esc(report.title())).append("</title>\n<style>").append(STYLE).append("</style></head><body>\n");
        h.append("<h1>").append(esc(report.title())).append("</h1>\n<p class=\"sub\">")
                .append(esc(report.subtitle())).append("</p>\n");
        for (Report.Section section : report.sections()) {
            h.append("<h2>").append(esc(section.title())).append("</h2>\n");
            for (Report.Block block : section.blocks()) {
                block(h, block);
            }
        }
        return h.append("</body></html>\n").toString();
    }

    private static void block(StringBuilder h, Report.Block block) {
        if (block instanceof Report.Text t) {
            h.append("<p>").append(esc(t.text())).append("</p>\n");
        } else if (block instanceof Report.Facts f) {
            h.append("<table class=\"facts\">\n");
            for (String[] row : f.rows()) {
                h.append("<tr><th>").append(esc(row[0])).append("</th><td>").append(esc(row[1]))
                        .append("</td></tr>\n");
            }
            h.append("</table>\n");
        } else if (block instanceof Report.Table t) {
            h.append("<table>");
            if (!t.caption().isEmpty()) {
                h.append("<caption>").append(esc(t.caption())).append("</caption>");
            }
            h.append("\n<tr>");
            t.header().forEach(c -> h.append("<th>").append(esc(c)).append("</th>"));
            h.append("</tr>\n");
            for (List<String> row : t.rows()) {
                h.append("<tr>");
                row.forEach(c -> h.append("<td>").append(esc(c)).append("</td>"));
                h.append("</tr>\n");
            }
            h.append("</table>\n");
        } else if (block instanceof Report.Chart c) {
            chart(h, c);
        }
    }

    /** An SVG line chart, 640 x 300, with axes, five ticks a side and a legend. */
    private static void chart(StringBuilder h, Report.Chart chart) {
        ChartScale s = ChartScale.of(chart, 640, 300, 60, 20, 20, 45);
        h.append("<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"300\" role=\"img\" ")
                .append("aria-label=\"").append(esc(chart.title())).append("\" font-size=\"11\">\n");
        h.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                + "fill=\"none\" stroke=\"#444\"/>\n", s.left(), s.top(), s.plotWidth(), s.plotHeight()));
        for (int i = 0; i <= 4; i++) {
            double xv = s.xMin() + (s.xMax() - s.xMin()) * i / 4;
            double yv = s.yMin() + (s.yMax() - s.yMin()) * i / 4;
            h.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
                    s.x(xv), s.bottom() + 14, ChartScale.label(xv)));
            h.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                    s.left() - 4, s.y(yv) + 4, ChartScale.label(yv)));
            h.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
                    + "stroke=\"#ddd\"/>\n", s.left(), s.right(), s.y(yv), s.y(yv)));
        }
        h.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
                (s.left() + s.right()) / 2, s.bottom() + 30, esc(chart.xLabel())));
        h.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%.1f\" transform=\"rotate(-90 12 %.1f)\" "
                + "text-anchor=\"middle\">%s</text>\n", (s.top() + s.bottom()) / 2, (s.top() + s.bottom()) / 2,
                esc(chart.yLabel())));
        for (int k = 0; k < chart.series().size(); k++) {
            Report.Series series = chart.series().get(k);
            String colour = ChartScale.colour(k);
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < series.x().length; i++) {
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", s.x(series.x()[i]), s.y(series.y()[i])));
            }
            h.append("<polyline fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"1.5\" points=\"")
                    .append(points.toString().trim()).append("\"/>\n");
            for (int i = 0; i < series.x().length && series.x().length <= 50; i++) {
                h.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n",
                        s.x(series.x()[i]), s.y(series.y()[i]), colour));
            }
            double ly = s.top() + 14 + 16 * k;
            h.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
                    + "stroke=\"%s\" stroke-width=\"2\"/><text x=\"%.1f\" y=\"%.1f\">%s</text>\n", s.right() - 170,
                    s.right() - 150, ly - 4, ly - 4, colour, s.right() - 145, ly, esc(series.name())));
        }
        h.append("</svg><figcaption>").append(esc(chart.title())).append("</figcaption></figure>\n");
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
