#!/usr/bin/env bash
# A Slurm job array that runs an experiment batch as 4 shards, all writing into one output folder:
#   sbatch experiments/examples/slurm-array.sh [EXPERIMENT.yaml [OUT]]
# (default: experiments/examples/lenet5-budgets.yaml into runs/lenet5-budgets). Task i runs shard i/4,
# i.e. every 4th run. Workers sharing the folder never compute a run twice: each run is claimed by the
# worker that starts it (runs/KEY/claim: host, pid, heartbeat), results.csv is rebuilt under a file
# lock after every run, and a claim whose worker died (scancel, pre-emption, kill -9) is taken over.
# Re-submit a failed task by its index, e.g. `sbatch --array=2 experiments/examples/slurm-array.sh`:
# it resumes shard 2/4. When all tasks are done, OUT/results.csv holds every run; `bitbudget merge`
# joins shards that were written into separate folders.
#SBATCH --job-name=bitbudget-batch
#SBATCH --array=0-3
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
#SBATCH --time=01:00:00
#SBATCH --output=logs/%x-%A_%a.out
set -euo pipefail
SHARDS=4 # the number of tasks of --array above
EXPERIMENT="${1:-experiments/examples/lenet5-budgets.yaml}"
OUT="${2:-runs/$(basename "$EXPERIMENT" .yaml)}"
cd "${SLURM_SUBMIT_DIR:-.}"
exec ./bitbudget batch "$EXPERIMENT" --out "$OUT" --shard "${SLURM_ARRAY_TASK_ID:-0}/$SHARDS" --resume
