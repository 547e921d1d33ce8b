package org.bitbudget.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import me.tongfei.progressbar.ProgressBarConsumer;

/**
 * The terminal line a progress bar draws on. Each frame is written whole and flushed at once (a
 * frame ends in no newline, so a buffered stream would hold it back until the bar closed). As an
 * output stream it carries everything else printed to stderr while the bar is up: the frame is erased
 * first, the text printed, and the frame drawn again below once the text's line is complete, so a log
 * line never shares a line with a frame.
 */
final class TerminalLine extends OutputStream implements ProgressBarConsumer {
    /** Carriage return, then ANSI "erase to the end of the line". */
    private static final String ERASE = "\r\033[K";

    private final PrintStream terminal;
    private final int width;
    private String frame = "";
    private boolean frameShown;
    private boolean midLine;

    TerminalLine(PrintStream terminal, int width) {
        this.terminal = terminal;
        this.width = width;
    }

    @Override
    public int getMaxRenderedLength() {
        return width;
    }

    @Override
    public synchronized void accept(String rendered) {
        frame = rendered.length() > width ? rendered.substring(0, width) : rendered;
        if (!midLine) {
            draw();
        }
    }

    private void draw() {
        terminal.print(ERASE + frame);
        terminal.flush();
        frameShown = true;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        if (length == 0) {
            return;
        }
        if (frameShown) {
            terminal.print(ERASE);
            frameShown = false;
        }
        terminal.write(bytes, offset, length);
        midLine = bytes[offset + length - 1] != '\n';
        if (midLine || frame.isEmpty()) {
            terminal.flush();
        } else {
            draw();
        }
    }

    @Override
    public synchronized void flush() {
        terminal.flush();
    }

    /** Leaves the last frame on its line and moves below it. */
    @Override
    public synchronized void close() {
        if (frameShown) {
            terminal.println();
            frameShown = false;
        }
        terminal.flush();
    }
}
