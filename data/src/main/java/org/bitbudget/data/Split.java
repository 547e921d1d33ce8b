package org.bitbudget.data;

/** The two splits of an idx data set. */
public enum Split {
    TRAIN("train"),
    TEST("t10k");

    private final String filePrefix;

    Split(String filePrefix) {
        this.filePrefix = filePrefix;
    }

    /** The prefix of this split's files, {@code train} or {@code t10k}. */
    public String filePrefix() {
        return filePrefix;
    }
}
