package org.bitbudget.cli;

import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * A progress bar on stderr, shown only when stderr is a terminal so that logs and CI output stay
 * clean; otherwise every call does nothing. While a bar is shown, {@code System.err} goes through its
 * {@link TerminalLine}, so log lines printed meanwhile land on lines of their own above the bar.
 */
final class Progress implements AutoCloseable {
    /** Milliseconds between frames: often enough to look alive, rarely enough to cost nothing. */
    private static final int FRAME_MILLIS = 500;

    private final ProgressBar bar;
    private final PrintStream stderr;

    private Progress(ProgressBar bar, PrintStream stderr) {
        this.bar = bar;
        this.stderr = stderr;
    }

    /**
     * Starts a bar over {@code total} units named {@code unit}; with nothing to count ({@code total <=
     * 0}) or stderr not a terminal there is no bar, so no frame shows an unknown share.
     */
    static Progress start(String task, long total, String unit) {
        if (total <= 0 || !stderrIsTerminal()) {
            return new Progress(null, null);
        }
        PrintStream stderr = System.err;
        TerminalLine line = new TerminalLine(stderr, columns());
        System.setErr(new PrintStream(line, true, stderr.charset()));
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setRenderer(new BarRenderer(unit))
                .setConsumer(line)
                .setUpdateIntervalMillis(FRAME_MILLIS)
                .continuousUpdate()
                .build();
        return new Progress(bar, stderr);
    }

    /**
     * Whether stderr is a terminal. The launcher filters the JVM's stderr through a pipe and says what
     * its own stderr is ({@code -Dbitbudget.terminal}); a JVM started otherwise asks Linux what file
     * descriptor 2 is.
     */
    static boolean stderrIsTerminal() {
        String told = System.getProperty("bitbudget.terminal");
        if (told != null) {
            return Boolean.parseBoolean(told);
        }
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException notLinux) {
            return false;
        }
    }

    /**
     * Writes stderr straight to the terminal the launcher hands over ({@code -Dbitbudget.stderr}, a
     * {@code /dev/fd/N} path). The launcher's stderr pipe (it drops the JVM's incubator notice) delays
     * stderr behind stdout, so without this a summary printed on stdout could land inside a bar's last
     * frames. Called once, before any output.
     */
    static void adoptTerminalStderr() {
        String path = System.getProperty("bitbudget.stderr");
        if (path == null) {
            return;
        }
        try {
            System.setErr(new PrintStream(new FileOutputStream(path, true), true, System.err.charset()));
        } catch (FileNotFoundException e) {
            // The piped stderr still carries everything; only the order against stdout may differ.
            System.err.println("bitbudget: " + path + ": " + e.getMessage() + "; stderr stays piped");
        }
    }

    private static int columns() {
        try {
            int columns = Integer.parseInt(System.getProperty("bitbudget.columns", "80"));
            return columns >= 20 ? columns - 1 : 79;
        } catch (NumberFormatException e) {
            return 79;
        }
    }

    void stepBy(long n) {
        if (bar != null) {
            bar.stepBy(n);
        }
    }

    /** Text shown after the bar, such as the current loss. */
    void message(String text) {
        if (bar != null) {
            bar.setExtraMessage(text);
        }
    }

    /** Marks the work complete: the last frame shows 100% even where the total was an upper bound. */
    void finish() {
        if (bar != null && bar.getCurrent() > 0) {
            bar.maxHint(bar.getCurrent());
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            System.setErr(stderr);
        }
    }
}
