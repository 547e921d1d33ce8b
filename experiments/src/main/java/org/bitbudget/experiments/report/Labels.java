package org.bitbudget.experiments.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Text labels of one plot, placed so that none overlaps another: each label tries its candidate spots
 * in order and takes the first whose box stays inside the plot area and clear of every box taken
 * before (the first spot when none is clear). Boxes are estimated from the character count, generously.
 */
final class Labels {
    /** Width of a character at font-size 11 in a sans-serif face, rounded up. */
    static final double CHAR = 6.6;

    private static final double HEIGHT = 14;

    private final double left;
    private final double top;
    private final double right;
    private final double bottom;
    private final List<double[]> taken = new ArrayList<>();

    Labels(double left, double top, double right, double bottom) {
        this.left = left;
        this.top = top;
        this.right = right;
        this.bottom = bottom;
    }

    /** Keeps labels off a box drawn otherwise (the legend): x, y of its top-left corner, width, height. */
    void reserve(double x, double y, double width, double height) {
        taken.add(new double[] {x, y, width, height});
    }

    static double width(String text) {
        return text.length() * CHAR;
    }

    /**
     * The SVG {@code <text>} of {@code text} at the first clear one of {@code spots} (each the x and the
     * baseline y of the text's left end).
     */
    String place(String text, String cssClass, String color, double[][] spots) {
        double w = width(text);
        double[] pick = spots[0];
        for (double[] s : spots) {
            double[] box = {s[0], s[1] - 11, w, HEIGHT};
            boolean inside = box[0] >= left && box[0] + w <= right && box[1] >= top && box[1] + HEIGHT <= bottom;
            if (inside && taken.stream().noneMatch(t -> overlap(t, box))) {
                pick = s;
                break;
            }
        }
        taken.add(new double[] {pick[0], pick[1] - 11, w, HEIGHT});
        return String.format(
                Locale.ROOT,
                "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\" fill=\"%s\">%s</text>%n",
                cssClass,
                pick[0],
                pick[1],
                color,
                Dashboard.esc(text));
    }

    private static boolean overlap(double[] a, double[] c) {
        return a[0] < c[0] + c[2] && c[0] < a[0] + a[2] && a[1] < c[1] + c[3] && c[1] < a[1] + a[3];
    }
}
