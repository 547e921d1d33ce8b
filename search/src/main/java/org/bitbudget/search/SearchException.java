package org.bitbudget.search;

/** A search that cannot be done as asked (a user error): the message is one line naming the cause. */
public class SearchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SearchException(String message) {
        super(message);
    }
}
