package org.bitbudget.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The accumulator widths an accumulator budget needs. {@code accumulator <= 16} with only 32-bit
 * accumulators among the candidates can only be met by lowering weights and activations until their
 * data-type bound fits; a 16-bit accumulator candidate (accumulator-aware weights, A2Q) keeps int8 and
 * int4 weights. So unless the candidate widths were given explicitly, each accumulator budget adds its
 * limit (one less for {@code <}) as a width.
 */
final class AccumulatorWidths {
    private static final Pattern BUDGET = Pattern.compile("accumulator(?:-l1)?\\s*(<=|<)\\s*(\\d+)\\s*(?:bits?)?");

    private AccumulatorWidths() {}

    /** {@code widths} plus the width each accumulator budget among {@code budgets} allows. */
    static List<Integer> withBudgets(List<Integer> widths, List<String> budgets) {
        List<Integer> out = new ArrayList<>(widths);
        for (String expression : budgets) {
            for (String part : expression.split(",")) {
                Matcher m = BUDGET.matcher(part.strip().toLowerCase(Locale.ROOT));
                if (!m.matches()) {
                    continue;
                }
                long limit = Long.parseLong(m.group(2)) - (m.group(1).equals("<") ? 1 : 0);
                int widest = widths.stream().mapToInt(Integer::intValue).max().orElse(32);
                if (limit >= 2 && limit < widest && !out.contains((int) limit)) {
                    out.add((int) limit);
                }
            }
        }
        return out;
    }
}
