package org.bitbudget.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bitbudget.costs.BudgetUnits;
import org.bitbudget.costs.CostModels;
import org.bitbudget.costs.CostTable;
import org.bitbudget.ir.UnknownNameException;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.search.Budget;

/**
 * Parses budget expressions: {@code COST OP LIMIT}, several separated by commas (all must hold).
 *
 * <ul>
 *   <li>COST: a {@link CostModels} name: {@code size}, {@code bops}, {@code latency}, ...;</li>
 *   <li>OP: {@code <=} (or {@code ≤}) or {@code <};</li>
 *   <li>LIMIT: a number with one of the cost's {@link BudgetUnits} — size: {@code bits}, {@code B},
 *       {@code KiB}, {@code MiB}, {@code GiB}, {@code KB}/{@code kB}, {@code MB}, {@code GB}
 *       (KB = 1000 B); activation-memory: the same, in bytes; latency: {@code ns}, {@code us}/{@code µs},
 *       {@code ms}, {@code s}; energy: {@code pJ}, {@code nJ}, {@code uJ}/{@code µJ}, {@code mJ},
 *       {@code J}; bops and macs: no unit or {@code k}, {@code M}, {@code G}, {@code T}; accumulator:
 *       bits, unit optional — or relative, {@code 0.25*int8}, {@code 0.5 x fp32}, {@code int4}: a factor
 *       times the total of a uniform reference config (see {@link CostTable#reference}).</li>
 * </ul>
 * Errors are {@link UserInputException}s naming the expression with a {@code ^} where it went wrong
 * and the 0-based position: {@code budget 'size <= 64 KB^s': position 13: unknown unit ...}.
 */
public final class Budgets {

    /** The total of a cost for the uniform config of a format, for relative budgets. */
    @FunctionalInterface
    public interface Reference {
        double total(String cost, NumberFormat format);
    }

    private Budgets() {}

    /** The cost names budgets accept. */
    public static List<String> costs() {
        return CostModels.NAMES;
    }

    /**
     * Parses one or more comma-separated budgets.
     *
     * @param reference resolves relative budgets; null when none is available (relative budgets are then errors)
     */
    public static List<Budget> parse(String text, Reference reference) {
        List<Budget> out = new ArrayList<>();
        int from = 0;
        while (true) {
            int comma = text.indexOf(',', from);
            int to = comma < 0 ? text.length() : comma;
            out.add(new Parser(text, from, to, reference).budget());
            if (comma < 0) {
                return List.copyOf(out);
            }
            from = comma + 1;
        }
    }

    /** Parses each expression (each may hold several, comma-separated), in order. */
    public static List<Budget> parseAll(List<String> expressions, Reference reference) {
        List<Budget> out = new ArrayList<>();
        for (String e : expressions) {
            out.addAll(parse(e, reference));
        }
        return List.copyOf(out);
    }

    /** True when every budget holds for {@code totals} (cost name → total). */
    public static boolean holdAll(List<Budget> budgets, Map<String, Double> totals) {
        return violated(budgets, totals).isEmpty();
    }

    /** The budgets {@code totals} break. */
    public static List<Budget> violated(List<Budget> budgets, Map<String, Double> totals) {
        List<Budget> out = new ArrayList<>();
        for (Budget b : budgets) {
            Double t = totals.get(b.cost());
            if (t == null) {
                throw new IllegalArgumentException("no total for cost " + b.cost());
            }
            if (!b.holds(t)) {
                out.add(b);
            }
        }
        return out;
    }

    /** A recursive-descent scan of {@code text[from, to)}; positions are offsets into {@code text}. */
    private static final class Parser {
        private final String text;
        private final int to;
        private final Reference reference;
        private int pos;

        Parser(String text, int from, int to, Reference reference) {
            this.text = text;
            this.to = to;
            this.reference = reference;
            this.pos = from;
        }

        Budget budget() {
            skipSpaces();
            int costAt = pos;
            String cost = word();
            if (cost.isEmpty()) {
                throw error(
                        costAt,
                        pos >= to
                                ? "expected a budget like 'size <= 64KiB'"
                                : "expected a cost name (" + String.join(", ", CostModels.NAMES) + ")");
            }
            BudgetUnits dim;
            try {
                dim = CostModels.REGISTRY.get(cost).budgetUnits();
            } catch (UnknownNameException e) {
                throw error(costAt, e.getMessage());
            }
            skipSpaces();
            int opAt = pos;
            boolean strict;
            if (text.startsWith("<=", pos)) {
                strict = false;
                pos += 2;
            } else if (text.startsWith("≤", pos)) {
                strict = false;
                pos += 1;
            } else if (pos < to && text.charAt(pos) == '<') {
                strict = true;
                pos += 1;
            } else if (pos < to && (text.charAt(pos) == '>' || text.charAt(pos) == '=' || text.charAt(pos) == '≥')) {
                throw error(opAt, "budgets are upper bounds: use <= or <");
            } else {
                throw error(opAt, "expected <= or < after '" + cost + "'");
            }
            skipSpaces();
            int limitAt = pos;
            if (pos >= to) {
                throw error(pos, "expected a limit after the operator");
            }
            double limit;
            if (Character.isLetter(text.charAt(pos))) {
                limit = relative(cost, 1.0, limitAt);
            } else {
                double number = number();
                skipSpaces();
                if (pos < to
                        && (text.charAt(pos) == '*'
                                || text.charAt(pos) == '×'
                                || (text.charAt(pos) == 'x'
                                        && (pos + 1 >= to
                                                || !Character.isLetter(text.charAt(pos + 1))
                                                || Character.isWhitespace(text.charAt(pos + 1)))))) {
                    pos++;
                    skipSpaces();
                    limit = relative(cost, number, limitAt);
                } else {
                    limit = number * unit(cost, dim);
                }
            }
            skipSpaces();
            if (pos < to) {
                throw error(pos, "unexpected '" + text.substring(pos, to).strip() + "'");
            }
            return new Budget(cost, strict, limit, text.substring(costAt, to).strip());
        }

        private double relative(String cost, double factor, int at) {
            int start = pos;
            while (pos < to && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '-')) {
                pos++;
            }
            String name = text.substring(start, pos);
            if (name.isEmpty()) {
                throw error(start, "expected a reference format after '*', e.g. int8 or fp32");
            }
            NumberFormat format;
            try {
                format = NumberFormat.parse(name);
            } catch (IllegalArgumentException e) {
                throw error(start, "'" + name + "' is not a reference format (int8, int4, fp32, …)");
            }
            if (reference == null) {
                throw error(at, "a relative budget needs a reference config; none is available here");
            }
            return factor * reference.total(cost, format);
        }

        private double number() {
            int start = pos;
            while (pos < to
                    && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.' || text.charAt(pos) == '_')) {
                pos++;
            }
            if (pos < to && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E') && pos > start) {
                int save = pos;
                pos++;
                if (pos < to && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                    pos++;
                }
                if (pos < to && Character.isDigit(text.charAt(pos))) {
                    while (pos < to && Character.isDigit(text.charAt(pos))) {
                        pos++;
                    }
                } else {
                    pos = save;
                }
            }
            String s = text.substring(start, pos).replace("_", "");
            if (s.isEmpty()) {
                throw error(start, "expected a number or a reference format");
            }
            try {
                double v = Double.parseDouble(s);
                if (Double.isFinite(v)) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw error(start, "'" + text.substring(start, pos) + "' is not a number");
        }

        private double unit(String cost, BudgetUnits dim) {
            int start = pos;
            while (pos < to && (Character.isLetter(text.charAt(pos)))) {
                pos++;
            }
            String u = text.substring(start, pos);
            Map<String, Double> units = dim.factors();
            Double f = units.get(u);
            if (f == null) {
                List<String> names =
                        units.keySet().stream().filter(k -> !k.isEmpty()).toList();
                if (u.isEmpty()) {
                    throw error(start, cost + " needs a unit (" + String.join(", ", names) + ")");
                }
                throw error(
                        start,
                        "unknown unit '" + u + "' for " + cost + " (" + String.join(", ", names)
                                + (units.containsKey("") ? ", or none" : "") + ")");
            }
            return f;
        }

        private String word() {
            int start = pos;
            while (pos < to
                    && (Character.isLetterOrDigit(text.charAt(pos))
                            || text.charAt(pos) == '-'
                            || text.charAt(pos) == '_')) {
                pos++;
            }
            return text.substring(start, pos).toLowerCase(Locale.ROOT).replace('_', '-');
        }

        private void skipSpaces() {
            while (pos < to && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        private UserInputException error(int at, String message) {
            return new UserInputException(
                    "budget '" + text.substring(0, at) + "^" + text.substring(at) + "'",
                    "position " + at + ": " + message);
        }
    }
}
