package org.bitbudget.cli;

import picocli.CommandLine;

/** The version line: BitBudget's version, the JVM and the CPU architecture. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = BitBudgetCli.class.getPackage().getImplementationVersion();
        return new String[] {
            "bitbudget " + (version == null ? "development build" : version) + " (Java " + Runtime.version() + ", "
                    + System.getProperty("os.arch") + ")"
        };
    }
}
