/** The {@code bitbudget} command line (picocli): one class per command. */
package org.bitbudget.cli;
