package org.bitbudget.pipeline;

import java.util.Objects;
import org.bitbudget.ir.UserInputException;

/**
 * A setting of a search run that cannot work, named as the library knows it: {@code budget 'size <=
 * 2KiB': no config meets it ...}, {@code strategy ga: ...}, {@code calibration images: must be at
 * least 1 ...}. A front end that has its own names for settings re-labels it with {@link #setting()}
 * and {@link #value()}.
 */
public final class SettingException extends UserInputException {
    private final Setting setting;
    private final String value;
    private final String problem;

    /**
     * @param setting the setting at fault
     * @param value   the value at fault as errors quote it (e.g. {@code 'size <= 2KiB'}), or null
     * @param problem what is wrong, without a trailing period
     */
    public SettingException(Setting setting, String value, String problem) {
        super(source(setting.label(), value), problem);
        this.setting = setting;
        this.value = value;
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    /** An error about the setting as a whole. */
    public SettingException(Setting setting, String problem) {
        this(setting, null, problem);
    }

    /** {@code name} followed by the quoted value, if any: the source of the one-line error. */
    public static String source(String name, String value) {
        return value == null ? name : name + " " + value;
    }

    /** The setting at fault. */
    public Setting setting() {
        return setting;
    }

    /** The value at fault as errors quote it, or null when the setting as a whole is at fault. */
    public String value() {
        return value;
    }

    /** What is wrong, without the source. */
    public String problem() {
        return problem;
    }
}
