package org.bitbudget.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an option or parameter whose value is a file or folder the command writes, so that {@link CommandFiles}
 * refuses it before any work when it is an input of the same command or cannot be written.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
@interface Writes {
    /**
     * For a folder: the names the command writes in it (a name ending in {@code /} is a subfolder written whole);
     * empty for a file.
     */
    String[] inside() default {};
}
