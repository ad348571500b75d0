#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for `taxonn sweep --executor slurm` and its tests
# (docs/SWEEP.md, "Slurm"). Debian's slurm-wlm and munge (installed by scripts/setup-tools.sh);
# every daemon's state, socket, key and log live in one folder, nothing under /etc is touched.
#
#   scripts/slurm-local.sh up [DIR]     start munged, slurmctld and slurmd; print the export line
#   scripts/slurm-local.sh down [DIR]   stop them and delete DIR
#   scripts/slurm-local.sh status [DIR] exit 0 when the cluster in DIR answers
#
# DIR defaults to $TAXONN_SLURM_DIR or /tmp/taxonn-slurm. Clients find the cluster through
# SLURM_CONF=DIR/slurm.conf (`up` prints it). Two ports are picked free at `up` time, so two
# clusters (say a developer's and CI's) can run side by side.
set -euo pipefail

cmd=${1:-}
dir=${2:-${TAXONN_SLURM_DIR:-/tmp/taxonn-slurm}}
conf=$dir/slurm.conf

die() {
  echo "slurm-local: $*" >&2
  exit 1
}

answers() {
  [ -f "$conf" ] && SLURM_CONF=$conf timeout 10 sinfo -h -o '%T' 2>/dev/null | grep -Eq '^(idle|mixed|allocated)'
}

free_port() {
  local p=$1
  while ss -Hltn "sport = :$p" | grep -q .; do p=$((p + 1)); done
  echo "$p"
}

stop_pid() {
  local f=$1
  [ -f "$f" ] || return 0
  local pid
  pid=$(cat "$f")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

down() {
  [ -d "$dir" ] || return 0
  stop_pid "$dir/slurmd.pid"
  stop_pid "$dir/slurmctld.pid"
  stop_pid "$dir/munged.pid"
  rm -rf "$dir"
}

up() {
  for b in munged slurmctld slurmd sbatch sinfo ss; do
    command -v "$b" >/dev/null 2>&1 || [ -x "/usr/sbin/$b" ] || die "$b is missing: run \`make setup\` (Debian packages slurm-wlm, munge)"
  done
  if answers; then
    echo "export SLURM_CONF=$conf"
    return 0
  fi
  down
  mkdir -p "$dir/state" "$dir/spool" "$dir/munge"
  chmod 700 "$dir/munge"
  local user node cpus mem ctld_port d_port
  user=$(id -un)
  node=$(hostname -s)
  cpus=$(nproc)
  # a little under the machine's memory, so --mem requests are checked against something real
  mem=$(( $(awk '/^MemTotal/ {print $2}' /proc/meminfo) / 1024 * 9 / 10 ))
  ctld_port=$(free_port 6917)
  d_port=$(free_port $((ctld_port + 1)))

  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  chmod 400 "$dir/munge/munge.key"
  # --force: munged refuses to run as root, or with its key in a folder it does not own, without it
  /usr/sbin/munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
    --pid-file="$dir/munged.pid" --log-file="$dir/munged.log" --seed-file="$dir/munge/munge.seed" \
    || die "munged did not start (see $dir/munged.log)"

  cat >"$conf" <<EOF
# written by scripts/slurm-local.sh: a one-node cluster for taxonn's sweeps and tests
ClusterName=taxonn-local
SlurmctldHost=$node
SlurmUser=$user
SlurmdUser=root
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
# no cgroups in a container: processes are tracked by parent pid, memory by sampling
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=task=1
JobAcctGatherParams=OverMemoryKill
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MaxArraySize=100001
# finished jobs stay visible to scontrol (there is no accounting database for sacct) for an hour
MinJobAge=3600
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
MailProg=/bin/true
# a task that asks for no memory gets its share of the node, so --max-parallel, not memory, sets how many run
DefMemPerCPU=$((mem / cpus))
NodeName=$node CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF=$conf
  /usr/sbin/slurmctld -c -f "$conf" || die "slurmctld did not start (see $dir/slurmctld.log)"
  /usr/sbin/slurmd -c -f "$conf" || die "slurmd did not start (see $dir/slurmd.log)"
  for _ in $(seq 100); do
    if answers; then
      echo "export SLURM_CONF=$conf"
      return 0
    fi
    sleep 0.2
  done
  die "the cluster did not come up in 20 s (logs in $dir)"
}

case $cmd in
  up) up ;;
  down) down ;;
  status) answers ;;
  *) die "usage: scripts/slurm-local.sh up|down|status [DIR]" ;;
esac
