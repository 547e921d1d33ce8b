package org.bitbudget.cli;

import java.util.List;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.RuntimeTarget;
import picocli.CommandLine.Option;

/** {@code --target}: the runtime whose integer arithmetic the encodings must survive. */
final class TargetOption {
    @Option(
            names = "--target",
            paramLabel = "generic|x86-avx2|x86-vnni|arm",
            defaultValue = "generic",
            description = "Runtime the encodings must run exactly on: x86-avx2 (no VNNI; u8 x s8 pair sums "
                    + "saturate in int16) narrows the weights of layers whose pair sums could (int8 -> int7 beside "
                    + "8-bit activations); generic, x86-vnni and arm accumulate in 32 bits and change nothing "
                    + "(default: ${DEFAULT-VALUE})")
    String target;

    /** The target named by {@code --target}. */
    RuntimeTarget target() {
        try {
            return RuntimeTarget.parse(target);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--target", e.getMessage());
        }
    }

    /** {@code config} adjusted for the target. */
    RuntimeTarget.Adjusted adjust(PrecisionConfig config, Graph graph) {
        return target().adjust(config, graph);
    }

    /**
     * What the target did, one line each: the changes and their reason, or for a target that changes
     * nothing, the layers an x86 runtime without VNNI could compute differently.
     */
    List<String> notes(RuntimeTarget.Adjusted adjusted, PrecisionConfig config, Graph graph) {
        RuntimeTarget t = target();
        if (!adjusted.changes().isEmpty()) {
            return adjusted.changes().stream()
                    .map(c -> "target " + t.label() + ": " + c.describe())
                    .toList();
        }
        if (t == RuntimeTarget.GENERIC) {
            List<RuntimeTarget.Change> risky = RuntimeTarget.saturating(config, graph);
            if (!risky.isEmpty()) {
                return List.of("target generic: exact 32-bit accumulation assumed; on x86 without VNNI, "
                        + risky.size() + " layer(s) (" + risky.getFirst().layer() + ", ...) could saturate in "
                        + "vpmaddubsw: --target x86-avx2 narrows their weights to "
                        + risky.getFirst().to().name());
            }
        }
        return List.of("target " + t.label() + ": encodings as configured (32-bit accumulation)");
    }
}
