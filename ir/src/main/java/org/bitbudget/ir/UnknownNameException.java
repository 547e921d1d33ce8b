package org.bitbudget.ir;

import java.util.List;

/**
 * A name that no entry of a {@link Registry} has: {@code estimator 'foo' is not one of roundoff,
 * bit-gradient, ...}. A front end that reads the name from a flag or a field reports {@link #reason()}
 * under that flag or field.
 */
public class UnknownNameException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String kind;
    private final String name;
    private final List<String> known;

    /**
     * @param kind  what was looked up, e.g. {@code estimator}
     * @param name  the name as given
     * @param known every registered name, in registration order
     */
    public UnknownNameException(String kind, String name, List<String> known) {
        super(kind + " " + reason(name, known));
        this.kind = kind;
        this.name = name;
        this.known = List.copyOf(known);
    }

    /** The one wording of every unknown name: {@code 'foo' is not one of a, b, c}. */
    public static String reason(String name, List<String> known) {
        return "'" + name + "' is not one of " + String.join(", ", known);
    }

    /** What was looked up, e.g. {@code estimator}. */
    public String kind() {
        return kind;
    }

    /** The name as given. */
    public String name() {
        return name;
    }

    /** Every registered name, in registration order. */
    public List<String> known() {
        return known;
    }

    /** The message without the kind: {@code 'foo' is not one of a, b, c}. */
    public String reason() {
        return reason(name, known);
    }
}
