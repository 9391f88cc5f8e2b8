package io.tuneledger.audit.report;

import com.lowagie.text.Document;
import com.lowagie.text.DocumentException;
import com.lowagie.text.Element;
import com.lowagie.text.Font;
import com.lowagie.text.Image;
import com.lowagie.text.PageSize;
import com.lowagie.text.Paragraph;
import com.lowagie.text.Phrase;
import com.lowagie.text.pdf.BaseFont;
import com.lowagie.text.pdf.PdfContentByte;
import com.lowagie.text.pdf.PdfPCell;
import com.lowagie.text.pdf.PdfPTable;
import com.lowagie.text.pdf.PdfPageEventHelper;
import com.lowagie.text.pdf.PdfTemplate;
import com.lowagie.text.pdf.PdfWriter;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.util.List;

/**
 * Lays a {@link Report} out as an A4 PDF with OpenPDF: tables for facts and data, charts drawn as vector lines, and
 * the title and page number in every footer. The standard Helvetica font covers Latin-1 (WinAnsi) only: other
 * characters (Chinese labels, say) are printed as '?'; the HTML report shows them.
 */
public final class PdfReportRenderer {

    private static final Font TITLE = new Font(Font.HELVETICA, 16, Font.BOLD);
    private static final Font HEADING = new Font(Font.HELVETICA, 12, Font.BOLD, new Color(0x1f, 0x3f, 0x6f));
    private static final Font BODY = new Font(Font.HELVETICA, 9);
    private static final Font BOLD = new Font(Font.HELVETICA, 9, Font.BOLD);
    private static final Font SMALL = new Font(Font.HELVETICA, 7);

    private PdfReportRenderer() {
    }

    public static byte[] render(Report report) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Document document = new Document(PageSize.A4, 40, 40, 40, 50);
        try {
            PdfWriter writer = PdfWriter.getInstance(document, out);
            writer.setPageEvent(new Footer(latin1(report.title())));
            document.addTitle(latin1(report.title()));
            document.addSubject(latin1(report.subtitle()));
            document.addCreator("Tuneledger");
            document.open();
            document.add(new Paragraph(latin1(report.title()), TITLE));
            Paragraph subtitle = new Paragraph(latin1(report.subtitle()), BODY);
            subtitle.setSpacingAfter(6);
            document.add(subtitle);
            for (Report.Section section : report.sections()) {
                Paragraph heading = new Paragraph(latin1(section.title()), HEADING);
                heading.setSpacingBefore(10);
                heading.setSpacingAfter(4);
                heading.setKeepTogether(true);
                document.add(heading);
                for (Report.Block block : section.blocks()) {
                    document.add(element(block, writer));
                }
            }
            document.close();
        } catch (DocumentException e) {
            throw new IllegalStateException("The PDF report could not be laid out: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private static Element element(Report.Block block, PdfWriter writer) throws DocumentException {
        if (block instanceof Report.Text t) {
            Paragraph p = new Paragraph(latin1(t.text()), BODY);
            p.setSpacingAfter(4);
            return p;
        }
        if (block instanceof Report.Facts f) {
            PdfPTable table = new PdfPTable(new float[] {1, 3});
            table.setWidthPercentage(100);
            table.setSpacingBefore(4);
            table.setSpacingAfter(6);
            for (String[] row : f.rows()) {
                table.addCell(cell(row[0], BOLD, new Color(0xee, 0xee, 0xee)));
                table.addCell(cell(row[1], BODY, null));
            }
            return table;
        }
        if (block instanceof Report.Table t) {
            PdfPTable table = new PdfPTable(t.header().size());
            table.setWidthPercentage(100);
            table.setSpacingBefore(4);
            table.setSpacingAfter(6);
            table.setHeaderRows(1);
            if (!t.caption().isEmpty()) {
                PdfPCell caption = new PdfPCell(new Phrase(latin1(t.caption()), BOLD));
                caption.setColspan(t.header().size());
                caption.setBorder(0);
                table.addCell(caption);
                table.setHeaderRows(2);
            }
            for (String h : t.header()) {
                table.addCell(cell(h, BOLD, new Color(0xee, 0xee, 0xee)));
            }
            for (List<String> row : t.rows()) {
                for (String c : row) {
                    table.addCell(cell(c, row.size() > 5 ? SMALL : BODY, null));
                }
            }
            return table;
        }
        return chart((Report.Chart) block, writer);
    }

    private static PdfPCell cell(String text, Font font, Color background) {
        PdfPCell cell = new PdfPCell(new Phrase(latin1(text), font));
        cell.setPadding(3);
        if (background != null) {
            cell.setBackgroundColor(background);
        }
        return cell;
    }

    /** The chart drawn into a template (vector graphics) and placed as an image, 500 x 240 points. */
    private static Element chart(Report.Chart chart, PdfWriter writer) throws DocumentException {
        float width = 500;
        float height = 240;
        ChartScale s = ChartScale.of(chart, width, height, 50, 15, 15, 40);
        PdfTemplate t = writer.getDirectContent().createTemplate(width, height);
        BaseFont font = BODY.getCalculatedBaseFont(false);
        // PDF's y axis points up: flip the scale's downward y.
        t.setColorStroke(Color.DARK_GRAY);
        t.setLineWidth(0.8f);
        t.rectangle((float) s.left(), flip(s.bottom(), height), (float) s.plotWidth(), (float) s.plotHeight());
        t.stroke();
        t.setFontAndSize(font, 7);
        for (int i = 0; i <= 4; i++) {
            double xv = s.xMin() + (s.xMax() - s.xMin()) * i / 4;
            double yv = s.yMin() + (s.yMax() - s.yMin()) * i / 4;
            t.setColorStroke(new Color(0xdd, 0xdd, 0xdd));
            t.moveTo((float) s.left(), flip(s.y(yv), height));
            t.lineTo((float) s.right(), flip(s.y(yv), height));
            t.stroke();
            t.beginText();
            t.setColorFill(Color.BLACK);
            t.showTextAligned(PdfContentByte.ALIGN_CENTER, ChartScale.label(xv), (float) s.x(xv),
                    flip(s.bottom() + 11, height), 0);
            t.showTextAligned(PdfContentByte.ALIGN_RIGHT, ChartScale.label(yv), (float) s.left() - 3,
                    flip(s.y(yv) + 3, height), 0);
            t.endText();
        }
        t.beginText();
        t.setFontAndSize(font, 8);
        t.showTextAligned(PdfContentByte.ALIGN_CENTER, latin1(chart.xLabel()), (float) ((s.left() + s.right()) / 2),
                flip(s.bottom() + 26, height), 0);
        t.showTextAligned(PdfContentByte.ALIGN_CENTER, latin1(chart.yLabel()), 10,
                flip((s.top() + s.bottom()) / 2, height), 90);
        t.endText();
        for (int k = 0; k < chart.series().size(); k++) {
            Report.Series series = chart.series().get(k);
            Color colour = Color.decode(ChartScale.colour(k));
            t.setColorStroke(colour);
            t.setColorFill(colour);
            t.setLineWidth(1.2f);
            for (int i = 0; i < series.x().length; i++) {
                float x = (float) s.x(series.x()[i]);
                float y = flip(s.y(series.y()[i]), height);
                if (i == 0) {
                    t.moveTo(x, y);
                } else {
                    t.lineTo(x, y);
                }
            }
            t.stroke();
            if (series.x().length <= 50) {
                for (int i = 0; i < series.x().length; i++) {
                    t.circle((float) s.x(series.x()[i]), flip(s.y(series.y()[i]), height), 2);
                    t.fill();
                }
            }
            float ly = flip(s.top() + 12 + 12 * k, height);
            t.moveTo((float) s.right() - 140, ly + 3);
            t.lineTo((float) s.right() - 122, ly + 3);
            t.stroke();
            t.beginText();
            t.setColorFill(Color.BLACK);
            t.setFontAndSize(font, 7);
            t.showTextAligned(PdfContentByte.ALIGN_LEFT, latin1(series.name()), (float) s.right() - 118, ly, 0);
            t.endText();
        }
        // image and caption in one borderless cell pair that is never split across pages
        PdfPTable frame = new PdfPTable(1);
        frame.setWidthPercentage(100);
        frame.setKeepTogether(true);
        frame.setSpacingBefore(4);
        frame.setSpacingAfter(6);
        PdfPCell picture = new PdfPCell(Image.getInstance(t), false);
        picture.setBorder(0);
        frame.addCell(picture);
        PdfPCell caption = new PdfPCell(new Phrase(latin1(chart.title()), SMALL));
        caption.setBorder(0);
        frame.addCell(caption);
        return frame;
    }

    private static float flip(double y, float height) {
        return (float) (height - y);
    }

    /** Text the standard fonts can print: characters outside Windows-1252 become '?'. */
    static String latin1(String text) {
        if (text == null) {
            return "";
        }
        CharsetEncoder encoder = Charset.forName("windows-1252").newEncoder();
        if (encoder.canEncode(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> out.append(encoder.canEncode(new String(Character.toChars(cp)))
                ? new String(Character.toChars(cp)) : "?"));
        return out.toString();
    }

    /** "title, page N" at the foot of every page. */
    private static final class Footer extends PdfPageEventHelper {
        private final String title;

        Footer(String title) {
            this.title = title;
        }

        @Override
        public void onEndPage(PdfWriter writer, Document document) {
            PdfContentByte cb = writer.getDirectContent();
            cb.beginText();
            cb.setFontAndSize(SMALL.getCalculatedBaseFont(false), 7);
            cb.setColorFill(Color.GRAY);
            cb.showTextAligned(PdfContentByte.ALIGN_LEFT, title, document.left(), 25, 0);
            cb.showTextAligned(PdfContentByte.ALIGN_RIGHT, "page " + writer.getPageNumber(), document.right(), 25,
                    0);
            cb.endText();
        }
    }
}
