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

    /**
     * The error of a file that cannot be read, in a user's words: not text, a folder, missing, not permitted, or
     * the system's own reason.
     */
    public static UserInputException unreadable(String file, java.io.IOException e) {
        String reason;
        if (e instanceof java.nio.charset.CharacterCodingException) {
            reason = "not UTF-8 text (a binary file, or another encoding)";
        } else if (e instanceof java.nio.file.NoSuchFileException) {
            reason = "no such file";
        } else if (e instanceof java.nio.file.AccessDeniedException) {
            reason = "cannot read: permission denied";
        } else if ("Is a directory".equals(e.getMessage())
                || (e instanceof java.nio.file.FileSystemException f && "Is a directory".equals(f.getReason()))) {
            reason = "is a folder, not a file";
        } else {
            reason = "cannot read: " + e.getMessage();
        }
        return new UserInputException(file, reason, e);
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
