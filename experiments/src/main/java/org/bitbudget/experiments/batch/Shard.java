package org.bitbudget.experiments.batch;

import java.util.Map;
import org.bitbudget.ir.UserInputException;

/**
 * Shard {@code index} of {@code count}: the runs whose grid position p has p mod count = index.
 *
 * <p>Without {@code --shard}, the shard comes from the environment: a Slurm job array
 * ({@code SLURM_ARRAY_TASK_ID} minus {@code SLURM_ARRAY_TASK_MIN}, of {@code SLURM_ARRAY_TASK_COUNT}) or a
 * Kubernetes Indexed Job ({@code JOB_COMPLETION_INDEX}, of {@code JOB_COMPLETIONS}, which the
 * manifest sets to the job's {@code completions}; {@code BITBUDGET_SHARD_COUNT} works too).
 *
 * @param index 0-based
 * @param count at least 1
 */
public record Shard(int index, int count) {
    /** All runs. */
    public static final Shard ALL = new Shard(0, 1);

    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("shard " + index + "/" + count + " is not i/N with 0 <= i < N");
        }
    }

    /** True when grid position {@code position} belongs to this shard. */
    public boolean includes(int position) {
        return position % count == index;
    }

    /** True when this is the whole grid. */
    public boolean isAll() {
        return count == 1;
    }

    /** Parses {@code i/N}; {@code option} names the option or variable in errors. */
    public static Shard parse(String text, String option) {
        String t = text.strip();
        int slash = t.indexOf('/');
        try {
            if (slash > 0) {
                int i = Integer.parseInt(t.substring(0, slash).strip());
                int n = Integer.parseInt(t.substring(slash + 1).strip());
                if (n >= 1 && i >= 0 && i < n) {
                    return new Shard(i, n);
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UserInputException(option, "'" + text + "' is not i/N with 0 <= i < N (e.g. 0/4)");
    }

    /** The shard the environment asks for (Slurm array or Kubernetes Indexed Job), else {@link #ALL}. */
    public static Shard fromEnvironment(Map<String, String> env) {
        String slurmId = env.get("SLURM_ARRAY_TASK_ID");
        if (slurmId != null && !slurmId.isBlank()) {
            String count = env.get("SLURM_ARRAY_TASK_COUNT");
            if (count == null || count.isBlank()) {
                throw new UserInputException(
                        "SLURM_ARRAY_TASK_ID", "is set but SLURM_ARRAY_TASK_COUNT is not; " + "pass --shard i/N");
            }
            int id = integer(env, "SLURM_ARRAY_TASK_ID");
            int min = env.containsKey("SLURM_ARRAY_TASK_MIN") ? integer(env, "SLURM_ARRAY_TASK_MIN") : 0;
            return parse(
                    (id - min) + "/" + integer(env, "SLURM_ARRAY_TASK_COUNT"),
                    "SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT (arrays must be contiguous, e.g. --array=0-3)");
        }
        String k8s = env.get("JOB_COMPLETION_INDEX");
        if (k8s != null && !k8s.isBlank()) {
            String name = env.containsKey("JOB_COMPLETIONS") ? "JOB_COMPLETIONS" : "BITBUDGET_SHARD_COUNT";
            if (!env.containsKey(name)) {
                throw new UserInputException(
                        "JOB_COMPLETION_INDEX",
                        "is set but neither JOB_COMPLETIONS nor "
                                + "BITBUDGET_SHARD_COUNT is; set JOB_COMPLETIONS to the job's completions in the manifest");
            }
            return parse(
                    integer(env, "JOB_COMPLETION_INDEX") + "/" + integer(env, name), "JOB_COMPLETION_INDEX/" + name);
        }
        return ALL;
    }

    private static int integer(Map<String, String> env, String name) {
        try {
            return Integer.parseInt(env.get(name).strip());
        } catch (NumberFormatException e) {
            throw new UserInputException(name, "'" + env.get(name) + "' is not an integer");
        }
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
