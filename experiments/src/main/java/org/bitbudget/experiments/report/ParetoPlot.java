package org.bitbudget.experiments.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * One search run's accuracy against a cost as a standalone SVG: the measured Pareto front joined in
 * cost order, swept points that a measured point dominates as hollow grey circles off the line, each
 * uniform config as a labelled square, and the chosen config as a star.
 *
 * <pre>{@code
 * String svg = ParetoPlot.svg("size (KiB)", List.of(new ParetoPlot.Mark(12.5, 0.90, "")), List.of(), uniform, chosen);
 * }</pre>
 */
public final class ParetoPlot {
    private static final int W = 640;
    private static final int H = 420;
    private static final int LEFT = 64;
    private static final int RIGHT = 24;
    private static final int TOP = 24;
    private static final int BOTTOM = 52;

    /**
     * A point of the plot.
     *
     * @param cost     the x value
     * @param accuracy the y value
     * @param label    a text beside the mark (uniform configs), or empty
     */
    public record Mark(double cost, double accuracy, String label) {}

    private ParetoPlot() {}

    /** The SVG document, top-1 accuracy on the y axis. */
    public static String svg(
            String costLabel, List<Mark> front, List<Mark> dominated, List<Mark> uniform, Mark chosen) {
        return svg(costLabel, "top-1 accuracy", front, dominated, uniform, chosen);
    }

    /** The SVG document, with {@code yLabel} naming what the marks' y values are (a metric's score). */
    public static String svg(
            String costLabel, String yLabel, List<Mark> front, List<Mark> dominated, List<Mark> uniform, Mark chosen) {
        List<Mark> all = new ArrayList<>(front);
        all.addAll(dominated);
        all.addAll(uniform);
        if (chosen != null) {
            all.add(chosen);
        }
        double x0 = all.stream().mapToDouble(Mark::cost).min().orElse(0);
        double x1 = all.stream().mapToDouble(Mark::cost).max().orElse(1);
        double y0 = all.stream().mapToDouble(Mark::accuracy).min().orElse(0);
        double y1 = all.stream().mapToDouble(Mark::accuracy).max().orElse(1);
        double xPad = x1 > x0 ? (x1 - x0) * 0.05 : 1;
        double yPad = y1 > y0 ? (y1 - y0) * 0.08 : 0.01;
        Axis x = new Axis(x0 - xPad, x1 + xPad, LEFT, W - RIGHT);
        Axis y = new Axis(Math.max(0, y0 - yPad), Math.min(1, y1 + yPad), H - BOTTOM, TOP);
        StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(W)
                .append("\" height=\"")
                .append(H)
                .append("\" font-family=\"sans-serif\" font-size=\"11\">\n");
        b.append("<rect x=\"")
                .append(LEFT)
                .append("\" y=\"")
                .append(TOP)
                .append("\" width=\"")
                .append(W - LEFT - RIGHT)
                .append("\" height=\"")
                .append(H - TOP - BOTTOM)
                .append("\" fill=\"#fcfcfc\" stroke=\"#999\"/>\n");
        for (int i = 0; i <= 5; i++) {
            double xv = x.lo + (x.hi - x.lo) * i / 5;
            double yv = y.lo + (y.hi - y.lo) * i / 5;
            b.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e4e4e4\"/>"
                            + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s</text>%n",
                    x.at(xv),
                    TOP,
                    x.at(xv),
                    H - BOTTOM,
                    x.at(xv),
                    H - BOTTOM + 14,
                    number(xv)));
            b.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>"
                            + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#555\">%.3f</text>%n",
                    LEFT,
                    y.at(yv),
                    W - RIGHT,
                    y.at(yv),
                    LEFT - 4,
                    y.at(yv) + 4,
                    yv));
        }
        b.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                (LEFT + W - RIGHT) / 2,
                H - 12,
                Dashboard.esc(costLabel)));
        b.append(String.format(
                Locale.ROOT,
                "<text x=\"14\" y=\"%d\" text-anchor=\"middle\" " + "transform=\"rotate(-90 14 %d)\">%s</text>%n",
                (TOP + H - BOTTOM) / 2,
                (TOP + H - BOTTOM) / 2,
                Dashboard.esc(yLabel)));
        List<Mark> sorted =
                front.stream().sorted(Comparator.comparingDouble(Mark::cost)).toList();
        if (!sorted.isEmpty()) {
            StringBuilder path = new StringBuilder();
            for (Mark m : sorted) {
                path.append(path.isEmpty() ? "M" : " L")
                        .append(String.format(Locale.ROOT, "%.1f %.1f", x.at(m.cost()), y.at(m.accuracy())));
            }
            b.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\"/>\n");
            for (Mark m : sorted) {
                b.append(String.format(
                        Locale.ROOT,
                        "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#1f77b4\"/>%n",
                        x.at(m.cost()),
                        y.at(m.accuracy())));
            }
        }
        for (Mark m : dominated) {
            b.append(String.format(
                    Locale.ROOT,
                    "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"none\" stroke=\"#999\" "
                            + "class=\"dominated\"/>%n",
                    x.at(m.cost()),
                    y.at(m.accuracy())));
        }
        for (Mark m : uniform) {
            double cx = x.at(m.cost());
            double cy = y.at(m.accuracy());
            b.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" fill=\"#ff7f0e\"/>"
                            + "<text x=\"%.1f\" y=\"%.1f\" fill=\"#b35900\">%s</text>%n",
                    cx - 4,
                    cy - 4,
                    cx + 7,
                    cy - 6,
                    Dashboard.esc(m.label())));
        }
        if (chosen != null) {
            double cx = x.at(chosen.cost());
            double cy = y.at(chosen.accuracy());
            StringBuilder star = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                double r = i % 2 == 0 ? 8 : 3.5;
                double angle = Math.PI / 2 + i * Math.PI / 5;
                star.append(i == 0 ? "M" : " L")
                        .append(String.format(
                                Locale.ROOT, "%.1f %.1f", cx + r * Math.cos(angle), cy - r * Math.sin(angle)));
            }
            b.append("<path d=\"").append(star).append(" Z\" fill=\"#d62728\"/>\n");
        }
        int legendY = TOP + 14;
        b.append(String.format(
                Locale.ROOT,
                "<g transform=\"translate(%d,%d)\"><circle cx=\"6\" cy=\"-4\" r=\"3.5\" "
                        + "fill=\"#1f77b4\"/><text x=\"14\" y=\"0\">measured Pareto front</text><rect x=\"2\" y=\"10\" "
                        + "width=\"8\" height=\"8\" fill=\"#ff7f0e\"/><text x=\"14\" y=\"18\">uniform</text><text x=\"0\" "
                        + "y=\"36\" fill=\"#d62728\">&#9733; chosen</text><circle cx=\"6\" cy=\"50\" r=\"3.5\" fill=\"none\" "
                        + "stroke=\"#999\"/><text x=\"14\" y=\"54\">dominated</text></g>%n",
                LEFT + 10,
                legendY));
        b.append("</svg>\n");
        return b.toString();
    }

    private static String number(double v) {
        double a = Math.abs(v);
        if (a >= 1e9) {
            return String.format(Locale.ROOT, "%.1fG", v / 1e9);
        }
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", v / 1e6);
        }
        if (a >= 1e4) {
            return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        }
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : "%.2f", v);
    }

    private record Axis(double lo, double hi, double from, double to) {
        double at(double v) {
            return hi == lo ? (from + to) / 2 : from + (v - lo) / (hi - lo) * (to - from);
        }
    }
}
