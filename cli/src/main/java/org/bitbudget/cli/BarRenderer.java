package org.bitbudget.cli;

import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBarRenderer;
import me.tongfei.progressbar.ProgressState;

/**
 * One frame of a bar: {@code search  42% [=====     ] 50/120 steps 0:12 ETA 0:16 sensitivity}. The
 * estimate appears once there is progress to extrapolate from; nothing in a frame is a placeholder
 * such as {@code ?}.
 */
final class BarRenderer implements ProgressBarRenderer {
    /** Narrower than this, the bar itself is left out and the numbers stay. */
    private static final int MIN_BAR = 5;

    private final String unit;

    BarRenderer(String unit) {
        this.unit = unit;
    }

    @Override
    public String render(ProgressState state, int maxLength) {
        long done = state.getCurrent() - state.getStart();
        long max = Math.max(1, state.getMax());
        double share = Math.min(1, Math.max(0, (double) state.getCurrent() / max));
        Duration elapsed = state.getElapsedAfterStart();
        String head = String.format(Locale.ROOT, "%s %3d%% ", state.getTaskName(), (int) Math.floor(100 * share));
        StringBuilder tail = new StringBuilder(String.format(
                Locale.ROOT, " %d/%d %s %s", state.getCurrent(), state.getMax(), unit, clock(state.getTotalElapsed())));
        if (done > 0 && state.getCurrent() < state.getMax()) {
            long remaining = state.getMax() - state.getCurrent();
            tail.append(" ETA ").append(clock(elapsed.multipliedBy(remaining).dividedBy(done)));
        }
        String message = state.getExtraMessage();
        if (message != null && !message.isBlank()) {
            tail.append(' ').append(message.strip());
        }
        int barWidth = maxLength - head.length() - tail.length() - 2;
        if (barWidth < MIN_BAR) {
            return head.strip() + tail;
        }
        int filled = (int) Math.floor(share * barWidth);
        return head + "[" + "=".repeat(filled) + " ".repeat(barWidth - filled) + "]" + tail;
    }

    private static String clock(Duration d) {
        long s = d.toSeconds();
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
