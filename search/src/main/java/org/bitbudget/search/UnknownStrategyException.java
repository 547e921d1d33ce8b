package org.bitbudget.search;

import java.util.List;

/**
 * A strategy name that {@link SearchStrategies} does not know: {@code strategy 'annealing' is not one
 * of ilp, ga, ...}. A front end that reads the name from a flag or a field reports {@link #reason()}
 * under that flag or field.
 */
public final class UnknownStrategyException extends SearchException {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final List<String> known;

    /**
     * @param name  the name as given
     * @param known every strategy's name
     */
    public UnknownStrategyException(String name, List<String> known) {
        super("strategy " + reason(name, known));
        this.name = name;
        this.known = List.copyOf(known);
    }

    // The same wording as every other registry's unknown name (UnknownNameException in the ir module),
    // repeated because this module depends on no other BitBudget module.
    private static String reason(String name, List<String> known) {
        return "'" + name + "' is not one of " + String.join(", ", known);
    }

    /** The name as given. */
    public String name() {
        return name;
    }

    /** Every strategy's name. */
    public List<String> known() {
        return known;
    }

    /** The message without the kind: {@code 'annealing' is not one of ilp, ga, ...}. */
    public String reason() {
        return reason(name, known);
    }
}
