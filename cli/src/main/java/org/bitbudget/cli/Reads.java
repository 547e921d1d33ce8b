package org.bitbudget.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a text option or parameter that may name a file or folder the command reads ({@code --data}); options and
 * parameters of type {@code Path} are inputs without it, unless marked {@link Writes}. {@link CommandFiles} keeps
 * outputs off them.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
@interface Reads {
    /** For a folder: the names the command reads in it; empty when the whole folder is read or it names a file. */
    String[] inside() default {};
}
