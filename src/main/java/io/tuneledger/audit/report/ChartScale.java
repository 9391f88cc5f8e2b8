package io.tuneledger.audit.report;

import java.util.Locale;

/**
 * Maps a chart's data to a plot area (y grows downwards, as in SVG; the PDF renderer flips it). The ranges cover
 * every series; a flat range is widened so that it still has height.
 */
record ChartScale(double xMin, double xMax, double yMin, double yMax, double left, double right, double top,
        double bottom) {

    static ChartScale of(Report.Chart chart, double width, double height, double padLeft, double padRight,
            double padTop, double padBottom) {
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (Report.Series s : chart.series()) {
            for (int i = 0; i < s.x().length; i++) {
                xMin = Math.min(xMin, s.x()[i]);
                xMax = Math.max(xMax, s.x()[i]);
                yMin = Math.min(yMin, s.y()[i]);
                yMax = Math.max(yMax, s.y()[i]);
            }
        }
        if (xMin > xMax) {
            xMin = 0;
            xMax = 1;
            yMin = 0;
            yMax = 1;
        }
        if (xMax - xMin < 1e-9) {
            xMax = xMin + 1;
        }
        yMin = Math.min(0, yMin);
        if (yMax - yMin < 1e-9) {
            yMax = yMin + 1;
        }
        return new ChartScale(xMin, xMax, yMin, yMax, padLeft, width - padRight, padTop, height - padBottom);
    }

    /** Colours of the chart series, in order, as #rrggbb; both renderers use them. */
    private static final String[] COLOURS = {"#1f5fa8", "#d9731a", "#2e8b57", "#8b2e5f"};

    static String colour(int series) {
        return COLOURS[series % COLOURS.length];
    }

    double plotWidth() {
        return right - left;
    }

    double plotHeight() {
        return bottom - top;
    }

    double x(double v) {
        return left + (v - xMin) / (xMax - xMin) * plotWidth();
    }

    double y(double v) {
        return bottom - (v - yMin) / (yMax - yMin) * plotHeight();
    }

    /** A tick label: integers as such, small numbers with three significant decimals. */
    static String label(double v) {
        if (Math.abs(v - Math.rint(v)) < 1e-9 && Math.abs(v) < 1e9) {
            return Long.toString(Math.round(v));
        }
        String text = String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.1f" : "%.3f", v);
        return text.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
