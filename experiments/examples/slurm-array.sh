#!/usr/bin/env bash
# A Slurm job array that runs the example batch as 4 shards, then merges them:
#   sbatch experiments/examples/slurm-array.sh
#   # when all 4 tasks are done:
#   ./bitbudget merge runs/lenet5-budgets --out runs/lenet5-budgets/merged.csv
# Each task runs every 4th run; bitbudget reads SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT itself,
# so no --shard is needed. All tasks write into one folder on the shared file system; a re-submitted
# array (after a failure or a pre-emption) continues with --resume.
#SBATCH --job-name=bitbudget-lenet5
#SBATCH --array=0-3
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
#SBATCH --time=01:00:00
#SBATCH --output=logs/%x-%A_%a.out
set -euo pipefail
cd "${SLURM_SUBMIT_DIR:-.}"
./bitbudget batch experiments/examples/lenet5-budgets.yaml --out runs/lenet5-budgets --resume
