package org.bitbudget.ir.precision;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A config key or ignored scope that selects layers by pattern instead of by exact name, as NNCF's
 * ignored scopes do: {@code op:Conv} selects by operator type (case-insensitive), {@code re:REGEX} by a
 * regular expression over the whole layer name, and a key holding {@code *} or {@code ?} is a glob
 * over the name ({@code *} any run of characters, {@code /} included; {@code ?} one character).
 *
 * @param text the key as written
 */
public record LayerPattern(String text) {
    private static final String OP = "op:";
    private static final String REGEX = "re:";

    /** Whether {@code key} is a pattern rather than an exact layer name. */
    public static boolean isPattern(String key) {
        return key.startsWith(OP) || key.startsWith(REGEX) || key.contains("*") || key.contains("?");
    }

    /**
     * The matcher of this pattern.
     *
     * @throws IllegalArgumentException for a malformed regular expression or an empty operator type
     */
    public Pattern compile() {
        if (text.startsWith(OP)) {
            String op = text.substring(OP.length());
            if (op.isEmpty()) {
                throw new IllegalArgumentException("'op:' needs an operator type, e.g. op:Conv");
            }
            return Pattern.compile(Pattern.quote(op), Pattern.CASE_INSENSITIVE);
        }
        if (text.startsWith(REGEX)) {
            try {
                return Pattern.compile(text.substring(REGEX.length()));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("malformed regular expression: " + e.getDescription());
            }
        }
        StringBuilder regex = new StringBuilder();
        for (char c : text.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    /** Whether the layer {@code name}, an {@code opType} node, is selected. */
    public boolean matches(String name, String opType) {
        Pattern p = compile();
        return text.startsWith(OP)
                ? p.matcher(opType).matches()
                : p.matcher(name).matches();
    }
}
