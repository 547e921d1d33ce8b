package org.bitbudget.experiments.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * One search run's accuracy against a cost as a standalone SVG: the measured Pareto front joined in
 * cost order, swept points that a measured point dominates as hollow grey circles off the line, each
 * uniform config as a labelled square, the chosen config as a star, the float model as a horizontal
 * dashed line and each budget on the plotted cost as a vertical one. Every mark and line has a hover
 * title with its numbers; ticks sit at 1, 2 or 5 × 10^k; text labels are placed so that none overlaps
 * another or the legend, which sits above the plot.
 *
 * <pre>{@code
 * String svg = ParetoPlot.builder("size (KiB)", "top-1 accuracy")
 *         .front(front).uniform(uniform).chosen(chosen)
 *         .baseline(new ParetoPlot.Line(0.91, "float"))
 *         .budget(new ParetoPlot.Line(24.8, "size <= 0.4*int8"))
 *         .svg();
 * }</pre>
 */
public final class ParetoPlot {
    private static final int W = 640;
    private static final int H = 440;
    private static final int LEFT = 64;
    private static final int RIGHT = 24;
    private static final int TOP = 44;
    private static final int BOTTOM = 48;

    /**
     * A point of the plot.
     *
     * @param cost     the x value
     * @param accuracy the y value
     * @param label    a text beside the mark (uniform configs), or empty
     */
    public record Mark(double cost, double accuracy, String label) {}

    /**
     * A line across the plot: a baseline at an accuracy (horizontal) or a budget at a cost (vertical).
     *
     * @param at    where it crosses its axis
     * @param label what it is, shown beside it
     */
    public record Line(double at, String label) {}

    private ParetoPlot() {}

    /** A plot with {@code costLabel} on the x axis and {@code yLabel} (what the marks' y values are) on the y axis. */
    public static Builder builder(String costLabel, String yLabel) {
        return new Builder(costLabel, yLabel);
    }

    /** What goes into one plot; every part but the axis labels is optional. */
    public static final class Builder {
        private final String costLabel;
        private final String yLabel;
        private List<Mark> front = List.of();
        private List<Mark> dominated = List.of();
        private List<Mark> uniform = List.of();
        private Mark chosen;
        private Line baseline;
        private final List<Line> budgets = new ArrayList<>();

        private Builder(String costLabel, String yLabel) {
            this.costLabel = costLabel;
            this.yLabel = yLabel;
        }

        /** The measured Pareto front. */
        public Builder front(List<Mark> marks) {
            front = List.copyOf(marks);
            return this;
        }

        /** Swept points another measured point dominates. */
        public Builder dominated(List<Mark> marks) {
            dominated = List.copyOf(marks);
            return this;
        }

        /** The uniform configs, each labelled with its precision. */
        public Builder uniform(List<Mark> marks) {
            uniform = List.copyOf(marks);
            return this;
        }

        /** The chosen config. */
        public Builder chosen(Mark mark) {
            chosen = mark;
            return this;
        }

        /** The float model's accuracy. */
        public Builder baseline(Line line) {
            baseline = line;
            return this;
        }

        /** A budget on the plotted cost; several may be given. */
        public Builder budget(Line line) {
            budgets.add(line);
            return this;
        }

        /** The SVG document. */
        public String svg() {
            return new Drawing(this).draw();
        }
    }

    /** The drawing of one plot: the axes from every value shown, and the label boxes placed so far. */
    private static final class Drawing {
        private final Builder p;
        private final NiceAxis x;
        private final NiceAxis y;
        private final Labels labels = new Labels(LEFT, TOP, W - RIGHT, H - BOTTOM);
        private final StringBuilder b = new StringBuilder();

        Drawing(Builder p) {
            this.p = p;
            List<Mark> all = new ArrayList<>(p.front);
            all.addAll(p.dominated);
            all.addAll(p.uniform);
            if (p.chosen != null) {
                all.add(p.chosen);
            }
            List<Double> xs = new ArrayList<>(all.stream().map(Mark::cost).toList());
            p.budgets.forEach(l -> xs.add(l.at()));
            List<Double> ys = new ArrayList<>(all.stream().map(Mark::accuracy).toList());
            if (p.baseline != null) {
                ys.add(p.baseline.at());
            }
            x = new NiceAxis(min(xs), max(xs));
            y = new NiceAxis(min(ys), max(ys));
        }

        private static double min(List<Double> v) {
            return v.stream().filter(Double::isFinite).mapToDouble(d -> d).min().orElse(0);
        }

        private static double max(List<Double> v) {
            return v.stream().filter(Double::isFinite).mapToDouble(d -> d).max().orElse(1);
        }

        double px(double v) {
            return LEFT + (W - LEFT - RIGHT) * x.frac(v);
        }

        double py(double v) {
            return H - BOTTOM - (H - TOP - BOTTOM) * y.frac(v);
        }

        String draw() {
            b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                    .append(W)
                    .append("\" height=\"")
                    .append(H)
                    .append("\" viewBox=\"0 0 ")
                    .append(W)
                    .append(' ')
                    .append(H)
                    .append("\" font-family=\"sans-serif\" font-size=\"11\">\n");
            b.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fcfcfc\" stroke=\"#999\"/>%n",
                    LEFT,
                    TOP,
                    W - LEFT - RIGHT,
                    H - TOP - BOTTOM));
            ticks();
            legend();
            if (p.baseline != null) {
                baseline(p.baseline);
            }
            for (Line budget : p.budgets) {
                budget(budget);
            }
            marks();
            b.append("</svg>\n");
            return b.toString();
        }

        private void ticks() {
            for (double t : x.ticks()) {
                b.append(String.format(
                        Locale.ROOT,
                        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e4e4e4\"/>"
                                + "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s</text>%n",
                        px(t),
                        TOP,
                        px(t),
                        H - BOTTOM,
                        px(t),
                        H - BOTTOM + 14,
                        NiceAxis.label(t)));
            }
            for (double t : y.ticks()) {
                b.append(String.format(
                        Locale.ROOT,
                        "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>"
                                + "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#555\">%s</text>%n",
                        LEFT,
                        py(t),
                        W - RIGHT,
                        py(t),
                        LEFT - 4,
                        py(t) + 4,
                        NiceAxis.label(t)));
            }
            b.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    (LEFT + W - RIGHT) / 2,
                    H - 12,
                    Dashboard.esc(p.costLabel)));
            b.append(String.format(
                    Locale.ROOT,
                    "<text x=\"14\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">%s</text>%n",
                    (TOP + H - BOTTOM) / 2,
                    (TOP + H - BOTTOM) / 2,
                    Dashboard.esc(p.yLabel)));
        }

        /** One row above the plot, so that it covers no point. */
        private void legend() {
            int ly = TOP - 14;
            b.append(String.format(
                    Locale.ROOT,
                    "<g class=\"legend\" transform=\"translate(%d,%d)\">"
                            + "<circle cx=\"4\" cy=\"-4\" r=\"3.5\" fill=\"#1f77b4\"/><text x=\"11\" y=\"0\">Pareto front</text>"
                            + "<circle cx=\"94\" cy=\"-4\" r=\"3.5\" fill=\"none\" stroke=\"#999\"/>"
                            + "<text x=\"101\" y=\"0\">dominated</text>"
                            + "<rect x=\"170\" y=\"-8\" width=\"8\" height=\"8\" fill=\"#ff7f0e\"/>"
                            + "<text x=\"182\" y=\"0\">uniform</text>"
                            + "<text x=\"240\" y=\"0\" fill=\"#d62728\">&#9733; chosen</text>"
                            + "<line x1=\"306\" y1=\"-4\" x2=\"326\" y2=\"-4\" stroke=\"#2ca02c\" stroke-dasharray=\"5 3\"/>"
                            + "<text x=\"330\" y=\"0\">float model</text>"
                            + "<line x1=\"410\" y1=\"-10\" x2=\"410\" y2=\"2\" stroke=\"#d62728\" stroke-dasharray=\"4 3\"/>"
                            + "<text x=\"416\" y=\"0\">budget</text></g>%n",
                    LEFT,
                    ly));
            labels.reserve(LEFT, ly - 12, 470, 16);
        }

        private void baseline(Line line) {
            double ly = py(line.at());
            String text = line.label() + " " + NiceAxis.round(line.at());
            b.append(String.format(
                    Locale.ROOT,
                    "<line class=\"baseline\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#2ca02c\" "
                            + "stroke-width=\"1.2\" stroke-dasharray=\"5 3\"><title>%s</title></line>%n",
                    LEFT,
                    ly,
                    W - RIGHT,
                    ly,
                    Dashboard.esc(text)));
            double w = Labels.width(text);
            b.append(labels.place(text, "label", "#2ca02c", new double[][] {
                {W - RIGHT - 4 - w, ly - 4}, {W - RIGHT - 4 - w, ly + 13}, {LEFT + 4, ly - 4}, {LEFT + 4, ly + 13}
            }));
        }

        private void budget(Line line) {
            double lx = px(line.at());
            b.append(String.format(
                    Locale.ROOT,
                    "<line class=\"budget\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#d62728\" "
                            + "stroke-width=\"1.2\" stroke-dasharray=\"4 3\"><title>budget %s</title></line>%n",
                    lx,
                    TOP,
                    lx,
                    H - BOTTOM,
                    Dashboard.esc(line.label())));
            double w = Labels.width(line.label());
            List<double[]> spots = new ArrayList<>();
            for (int row = 0; row < 6; row++) {
                spots.add(new double[] {lx + 4, TOP + 14 + 14 * row});
                spots.add(new double[] {lx - 4 - w, TOP + 14 + 14 * row});
            }
            b.append(labels.place(line.label(), "label", "#d62728", spots.toArray(double[][]::new)));
        }

        private void marks() {
            List<Mark> sorted = p.front.stream()
                    .sorted(Comparator.comparingDouble(Mark::cost))
                    .toList();
            if (!sorted.isEmpty()) {
                StringBuilder path = new StringBuilder();
                for (Mark m : sorted) {
                    path.append(path.isEmpty() ? "M" : " L")
                            .append(String.format(Locale.ROOT, "%.1f %.1f", px(m.cost()), py(m.accuracy())));
                }
                b.append("<path class=\"front\" d=\"")
                        .append(path)
                        .append("\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\"/>\n");
                for (Mark m : sorted) {
                    b.append(String.format(
                            Locale.ROOT,
                            "<circle class=\"front-point\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#1f77b4\">"
                                    + "<title>%s</title></circle>%n",
                            px(m.cost()),
                            py(m.accuracy()),
                            title("Pareto point", m)));
                }
            }
            for (Mark m : p.dominated) {
                b.append(String.format(
                        Locale.ROOT,
                        "<circle class=\"dominated\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"none\" stroke=\"#999\">"
                                + "<title>%s</title></circle>%n",
                        px(m.cost()),
                        py(m.accuracy()),
                        title("dominated point", m)));
            }
            for (Mark m : p.uniform) {
                double cx = px(m.cost());
                double cy = py(m.accuracy());
                b.append(String.format(
                        Locale.ROOT,
                        "<rect class=\"uniform\" x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" fill=\"#ff7f0e\">"
                                + "<title>%s</title></rect>%n",
                        cx - 4,
                        cy - 4,
                        title("uniform " + m.label(), m)));
                double w = Labels.width(m.label());
                b.append(labels.place(m.label(), "label", "#b35900", new double[][] {
                    {cx + 7, cy - 6},
                    {cx + 7, cy + 14},
                    {cx - 7 - w, cy - 6},
                    {cx - 7 - w, cy + 14},
                    {cx - w / 2, cy - 10},
                    {cx - w / 2, cy + 20}
                }));
            }
            if (p.chosen != null) {
                chosen(p.chosen);
            }
        }

        private void chosen(Mark m) {
            double cx = px(m.cost());
            double cy = py(m.accuracy());
            StringBuilder star = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                double r = i % 2 == 0 ? 8 : 3.5;
                double angle = Math.PI / 2 + i * Math.PI / 5;
                star.append(i == 0 ? "M" : " L")
                        .append(String.format(
                                Locale.ROOT, "%.1f %.1f", cx + r * Math.cos(angle), cy - r * Math.sin(angle)));
            }
            b.append("<path class=\"chosen\" d=\"")
                    .append(star)
                    .append(" Z\" fill=\"#d62728\"><title>")
                    .append(title("chosen config", m))
                    .append("</title></path>\n");
        }

        private String title(String what, Mark m) {
            return Dashboard.esc(what + ": " + p.yLabel + " " + NiceAxis.round(m.accuracy()) + ", " + p.costLabel + " "
                    + NiceAxis.round(m.cost()));
        }
    }
}
