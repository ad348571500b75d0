#!/usr/bin/env bash
# Installs the Debian packages the project needs, when they are missing. As root on
# Debian/Ubuntu it runs apt-get; otherwise it prints the exact command and fails.
set -euo pipefail

# binary:package pairs (a tool on the PATH)
# (sbatch: the Slurm executor of `taxonn sweep`, tested on the one-node cluster of scripts/slurm-local.sh)
need=(verilator:verilator iverilog:iverilog yosys:yosys nextpnr-ice40:nextpnr-ice40 icepack:fpga-icestorm sta:opensta sbatch:slurm-wlm ss:iproute2)
# file:package pairs (a data file the package installs)
need_files=(
  /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz:dataset-fashion-mnist
  # the default liberty of `taxonn synth --target asic` (src/flows/hardware/synth.ts DEFAULT_LIBERTY)
  /usr/share/qflow/tech/osu018/osu018_stdcells.lib:qflow-tech-osu018
  # the authentication daemon of scripts/slurm-local.sh's cluster
  /usr/sbin/munged:munge
)
missing=()
for pair in "${need[@]}"; do
  bin=${pair%%:*}
  pkg=${pair##*:}
  command -v "$bin" >/dev/null 2>&1 || missing+=("$pkg")
done
for pair in "${need_files[@]}"; do
  file=${pair%%:*}
  pkg=${pair##*:}
  [ -e "$file" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup: installing ${missing[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends ${missing[*]} >/dev/null
else
  echo "setup: missing ${missing[*]}; install them with: sudo $cmd" >&2
  exit 1
fi
