package io.tuneledger.audit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.lowagie.text.pdf.PdfReader;
import com.lowagie.text.pdf.parser.PdfTextExtractor;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The same report document laid out as HTML and as PDF: every block is there, escaped, and readable back. */
class ReportRenderingTest {

    private static Report sample(int rows) {
        List<List<String>> table = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            table.add(List.of("row " + i, Integer.toString(i * i)));
        }
        Report.SectionBuilder s = new Report.SectionBuilder("Evaluation <test>");
        s.fact("Weights SHA-256", "34c29819f48228f9375cc23a204ef49e060c6f9786b6da858ff89e42c53c5938")
                .fact("Gate", null)
                .text("Scores & hashes of \"the\" run; labels 垃圾 and café.")
                .table("Squares", List.of("name", "square"), table)
                .chart(new Report.Chart("Loss", "step", "loss", List.of(
                        new Report.Series("training loss", new double[] {1, 2, 3, 4}, new double[] {0.7, 0.5, 0.4,
                            0.3}),
                        new Report.Series("validation loss", new double[] {4}, new double[] {0.35}))));
        return new Report("Compliance report: test", "Generated for a test", List.of(s.build()));
    }

    @Test
    void htmlShowsEveryBlockEscapedWithTheChartAsSvg() {
        String html = HtmlReportRenderer.render(sample(3));
        assertTrue(html.contains("<h2>Evaluation &lt;test&gt;</h2>"), "headings are escaped");
        assertTrue(html.contains("Scores &amp; hashes of &quot;the&quot; run; labels 垃圾 and café."));
        assertTrue(html.contains("<th>Gate</th><td>-</td>"), "a missing value shows as -");
        assertTrue(html.contains("<td>row 2</td><td>4</td>"));
        Matcher polyline = Pattern.compile("<polyline [^>]*points=\"([^\"]*)\"").matcher(html);
        assertTrue(polyline.find());
        assertEquals(4, polyline.group(1).split(" ").length, "one point per training step");
        assertTrue(polyline.find());
        assertEquals(1, polyline.group(1).split(" ").length);
        assertFalse(polyline.find(), "one line per series");
        assertTrue(html.contains(">training loss</text>") && html.contains(">validation loss</text>"), "legend");
    }

    @Test
    void pdfIsAReadableDocumentWithTheSameTextOverSeveralPages() throws Exception {
        byte[] pdf = PdfReportRenderer.render(sample(120));
        assertEquals("%PDF-", new String(pdf, 0, 5, java.nio.charset.StandardCharsets.ISO_8859_1));
        PdfReader reader = new PdfReader(pdf);
        try {
            assertTrue(reader.getNumberOfPages() >= 2, "120 rows do not fit one page");
            PdfTextExtractor extractor = new PdfTextExtractor(reader);
            StringBuilder text = new StringBuilder();
            for (int p = 1; p <= reader.getNumberOfPages(); p++) {
                text.append(extractor.getTextFromPage(p)).append('\n');
            }
            String all = text.toString();
            assertTrue(all.contains("Compliance report: test"));
            assertTrue(all.contains("34c29819f48228f9375cc23a204ef49e060c6f9786b6da858ff89e42c53c5938"));
            assertTrue(all.contains("row 119"), "the last row is on a later page");
            assertTrue(all.contains("café") && all.contains("labels ?? and"),
                    "Latin-1 kept, characters the standard font lacks shown as ?: " + all);
            assertTrue(all.contains("page 2"), "page numbers in the footer");
            assertEquals("Compliance report: test", reader.getInfo().get("Title"));
        } finally {
            reader.close();
        }
    }

    @Test
    void chartTicksAreShortNumbers() {
        assertEquals("9.5", ChartScale.label(9.5));
        assertEquals("18", ChartScale.label(18.0));
        assertEquals("0.695", ChartScale.label(0.6951));
        assertEquals("0", ChartScale.label(0));
    }
}
