package org.bitbudget.ir;

/**
 * A problem with something the user supplied (a file, a node of a model, an option or a field),
 * reported as one line: {@code bitbudget: <source>: <message>}.
 *
 * <p>Throw it for every error the user can fix; anything else is an internal error.
 */
public class UserInputException extends RuntimeException {
    private final String source;

    /**
     * @param source  the file, node or field at fault, e.g. {@code model.onnx: node /c1/Conv}
     * @param message what is wrong, without a trailing period
     */
    public UserInputException(String source, String message) {
        super(source + ": " + message);
        this.source = source;
    }

    /** Same as {@link #UserInputException(String, String)}, keeping the low-level cause for debugging. */
    public UserInputException(String source, String message, Throwable cause) {
        super(source + ": " + message, cause);
        this.source = source;
    }

    /** The file, node or field at fault. */
    public String source() {
        return source;
    }

    /** A copy of this error whose source is prefixed with {@code outer}, e.g. the file a node belongs to. */
    public UserInputException within(String outer) {
        return new UserInputException(outer + ": " + source, getMessage().substring(source.length() + 2), this);
    }
}
