package org.bitbudget.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.pipeline.SettingException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code bitbudget} command line. User errors print one line
 * {@code bitbudget: <file or field>: <what is wrong>} and exit 2; internal errors exit 1 with the
 * stack trace on stderr.
 */
@Command(
        name = "bitbudget",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Mixed-precision search for neural networks under hardware budgets.",
        subcommands = {
            InspectCommand.class,
            EvalCommand.class,
            QuantizeCommand.class,
            TrainCommand.class,
            BenchCommand.class,
            SensitivityCommand.class,
            SearchCommand.class,
            CostsCommand.class,
            ConformanceCommand.class,
            BatchCommand.class,
            MergeCommand.class,
            DashboardCommand.class,
            ExportCommand.class,
            CommandLine.HelpCommand.class
        })
public final class BitBudgetCli implements Runnable {
    /** Exit code of a user error. */
    public static final int USER_ERROR = 2;
    /** Exit code of an internal error. */
    public static final int INTERNAL_ERROR = 1;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        Progress.adoptTerminalStderr();
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code, for tests and embedding. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new BitBudgetCli());
        cli.setParameterExceptionHandler(BitBudgetCli::onBadArguments);
        cli.setExecutionExceptionHandler((e, line, parsed) -> onFailure(e, line.getErr()));
        cli.setExecutionStrategy(CommandFiles::checkThenRun);
        return cli.execute(args);
    }

    private static int onBadArguments(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        String command = e.getCommandLine().getCommandSpec().qualifiedName();
        err.println("bitbudget: " + describe(e) + " (see '" + command + " --help')");
        err.flush();
        return USER_ERROR;
    }

    /** picocli's message in the {@code <field>: <what is wrong>} form of every other user error. */
    private static String describe(CommandLine.ParameterException e) {
        if (e instanceof CommandLine.UnmatchedArgumentException u
                && !u.getUnmatched().isEmpty()) {
            return u.getUnmatched().getFirst() + ": unknown option or argument";
        }
        if (e instanceof CommandLine.MissingParameterException m
                && !m.getMissing().isEmpty()
                && m.getMissing().getFirst() instanceof CommandLine.Model.OptionSpec option) {
            return option.longestName() + ": missing (required)";
        }
        String message = firstLine(e.getMessage());
        if (e.getArgSpec() instanceof CommandLine.Model.OptionSpec option) {
            String prefix = "Invalid value for option '" + option.longestName() + "': ";
            return option.longestName() + ": "
                    + (message.startsWith(prefix) ? message.substring(prefix.length()) : message);
        }
        return message;
    }

    private static int onFailure(Exception e, PrintWriter err) {
        if (e instanceof SettingException s) {
            e = SettingFlags.onFlags(s);
        }
        if (e instanceof IOException || e instanceof UncheckedIOException) {
            e = CommandFiles.userError(e);
        }
        if (e instanceof UserInputException u) {
            err.println("bitbudget: " + firstLine(u.getMessage()));
            err.flush();
            return USER_ERROR;
        }
        err.println("bitbudget: internal error: " + e);
        e.printStackTrace(err);
        err.flush();
        return INTERNAL_ERROR;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
