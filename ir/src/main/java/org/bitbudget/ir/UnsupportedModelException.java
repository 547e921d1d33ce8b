package org.bitbudget.ir;

/**
 * A well-formed model that uses something BitBudget does not implement: an operator, an attribute
 * value, an element type. Distinct from a broken model so that reports can say "unsupported".
 */
public class UnsupportedModelException extends UserInputException {
    private final String feature;

    /**
     * @param source  the file and node at fault
     * @param feature the operator type or feature missing, e.g. {@code LSTM} or {@code Conv 3-D}
     * @param message what is not supported
     */
    public UnsupportedModelException(String source, String feature, String message) {
        super(source, message);
        this.feature = feature;
    }

    /** The operator type or feature that is missing. */
    public String feature() {
        return feature;
    }

    @Override
    public UserInputException within(String outer) {
        return new UnsupportedModelException(
                outer + ": " + source(), feature, getMessage().substring(source().length() + 2));
    }
}
