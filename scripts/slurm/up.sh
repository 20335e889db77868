#!/usr/bin/env bash
# Bring up a one-node Slurm cluster on this machine, on loopback, for the integration tests (test/slurm) and
# for trying `--cluster slurm` without an HPC system: Debian 12's slurm-wlm 22.05 + munge, slurmctld and
# slurmd as root, no cgroups (ProctrackType=proctrack/linuxproc, TaskPlugin=task/none). Cores and memory
# are consumable (CR_Core_Memory, 1 GB per CPU for a job that does not ask; with CR_Core the per-task memory
# limit is not enforced at all), and the limit is enforced by polling (jobacct_gather/linux + OverMemoryKill):
# that is how an out-of-memory task is exercised. Accounting is off; jobcomp/filetxt logs finished jobs.
#
# Writes /etc/slurm/slurm.conf (refuses to touch one it did not write) and keeps its state, logs and pid
# files in $INSAR_SLURM_DIR (default /var/tmp/insar-studio-slurm). scripts/slurm/down.sh undoes all of it.
# slurmd runs in a private mount namespace in which $INSAR_SLURM_DIR/login-only is an empty tmpfs: a work
# folder under it exists on the submitting side only, like a login node's local disk (the tests use it).
# Needs root. Idempotent: a cluster that is already up is left as it is.
set -euo pipefail
DIR=${INSAR_SLURM_DIR:-/var/tmp/insar-studio-slurm}
CONF=/etc/slurm/slurm.conf
MARK='# written by insar-studio scripts/slurm/up.sh'
say() { echo "slurm-up: $*" >&2; }

[ "$(id -u)" = 0 ] || { say "must run as root (it starts munged, slurmctld and slurmd)"; exit 1; }
for c in munged slurmctld slurmd sinfo sbatch; do
  command -v "$c" >/dev/null || { say "$c not found: apt-get install slurm-wlm munge"; exit 1; }
done
if [ -f "$CONF" ] && ! grep -qF "$MARK" "$CONF"; then
  say "$CONF exists and was not written by this script: not touching a real cluster's configuration"
  exit 1
fi
if [ -f "$DIR/slurmctld.pid" ] && kill -0 "$(cat "$DIR/slurmctld.pid")" 2>/dev/null && sinfo -h >/dev/null 2>&1; then
  say "already up ($(sinfo -h -o '%P %D node(s) %T' | head -1))"
  exit 0
fi

mkdir -p "$DIR"/{state,spool,log,login-only}
HOST=$(hostname -s)
CPUS=$(nproc)
MEM_MB=$(awk '/MemTotal/ {print int($2/1024*0.9)}' /proc/meminfo)

# munge: a key (1024 random bytes, munge:munge, 0400) and the daemon, unless one is running already
if ! munge -n </dev/null >/dev/null 2>&1; then
  mkdir -p /etc/munge /run/munge /var/lib/munge /var/log/munge
  if [ ! -s /etc/munge/munge.key ]; then
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  fi
  chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge
  chmod 0700 /etc/munge && chmod 0400 /etc/munge/munge.key && chmod 0755 /run/munge
  runuser -u munge -- munged
  touch "$DIR/munged.ours"
fi
# from here on a failure undoes what was started
trap 'say "failed: stopping what was started"; bash "$(dirname "$0")/down.sh"' ERR

cat >"$CONF" <<CONF
$MARK
ClusterName=insar
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1024
SchedulerType=sched/backfill
ReturnToService=2
KillWait=5
MinJobAge=600
MaxArraySize=10001
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=task=1
JobAcctGatherParams=OverMemoryKill
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/log/jobcomp.log
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF

slurmctld -c   # -c: a clean start (no jobs from an earlier cluster)
# slurmd in its own mount namespace, where login-only/ is an empty tmpfs (see the header)
unshare --mount --propagation private sh -c "mount -t tmpfs -o size=1m insar-login-only '$DIR/login-only' && exec slurmd"

for _ in $(seq 1 60); do
  state=$(sinfo -h -o '%T' 2>/dev/null | head -1 || true)
  case "$state" in idle | mixed | allocated) break ;; esac
  sleep 0.5
done
if [ "${state:-}" != idle ] && [ "${state:-}" != mixed ] && [ "${state:-}" != allocated ]; then
  say "the node did not come up (state '${state:-none}'); slurmd.log says: $(tail -2 "$DIR/log/slurmd.log" 2>/dev/null | tr '\n' ' ')"
  trap - ERR
  bash "$(dirname "$0")/down.sh"
  exit 1
fi
say "up: partition debug, node $HOST ($CPUS CPUs, $MEM_MB MB), state $state; stop with scripts/slurm/down.sh"
