package io.tuneledger.audit.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A compliance report as a document independent of its format: a title, and sections made of text, facts (label:
 * value), tables and line charts. {@link HtmlReportRenderer} and {@link PdfReportRenderer} lay the same document out.
 */
public record Report(String title, String subtitle, List<Section> sections) {

    public record Section(String title, List<Block> blocks) {
    }

    /** A part of a section. */
    public sealed interface Block permits Text, Facts, Table, Chart {
    }

    public record Text(String text) implements Block {
    }

    /** Label and value rows; a value may be long (a hash, a path). */
    public record Facts(List<String[]> rows) implements Block {
    }

    /** A table with a caption (may be empty), a header row and data rows. */
    public record Table(String caption, List<String> header, List<List<String>> rows) implements Block {
    }

    /** A line chart; each series has its own points (x ascending). */
    public record Chart(String title, String xLabel, String yLabel, List<Series> series) implements Block {
    }

    public record Series(String name, double[] x, double[] y) {
    }

    /** Collects the blocks of one section. */
    public static final class SectionBuilder {
        private final String title;
        private final List<Block> blocks = new ArrayList<>();
        private List<String[]> facts;

        public SectionBuilder(String title) {
            this.title = title;
        }

        public SectionBuilder text(String text) {
            facts = null;
            blocks.add(new Text(text));
            return this;
        }

        /** Adds a fact row; consecutive facts form one block. A null value is shown as "-". */
        public SectionBuilder fact(String label, Object value) {
            if (facts == null) {
                facts = new ArrayList<>();
                blocks.add(new Facts(facts));
            }
            facts.add(new String[] {label, value == null ? "-" : String.valueOf(value)});
            return this;
        }

        public SectionBuilder table(String caption, List<String> header, List<List<String>> rows) {
            facts = null;
            blocks.add(new Table(caption, List.copyOf(header), List.copyOf(rows)));
            return this;
        }

        public SectionBuilder chart(Chart chart) {
            facts = null;
            blocks.add(chart);
            return this;
        }

        public Section build() {
            return new Section(title, List.copyOf(blocks));
        }
    }
}
