#!/usr/bin/env bash
# Stop what scripts/slurm/up.sh started: slurmctld and slurmd (scontrol shutdown), munged if up.sh started
# it, and remove the configuration and state it wrote. Safe to run when nothing is up.
set -uo pipefail
DIR=${INSAR_SLURM_DIR:-/var/tmp/insar-studio-slurm}
CONF=/etc/slurm/slurm.conf
MARK='# written by insar-studio scripts/slurm/up.sh'
say() { echo "slurm-down: $*" >&2; }

ours=0
[ -f "$CONF" ] && grep -qF "$MARK" "$CONF" && ours=1
if [ "$ours" = 0 ] && [ -f "$CONF" ]; then
  say "$CONF was not written by up.sh: leaving that cluster alone"
  exit 0
fi
pids=()
for f in "$DIR/slurmctld.pid" "$DIR/slurmd.pid"; do
  [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && pids+=("$(cat "$f")")
done
if [ ${#pids[@]} -gt 0 ]; then
  scancel --quiet --user=root 2>/dev/null || true
  scontrol shutdown >/dev/null 2>&1 || true
  for _ in $(seq 1 40); do
    alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.25
  done
  for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && kill "$p" 2>/dev/null; done
fi
if [ -f "$DIR/munged.ours" ]; then
  mp=$(cat /run/munge/munged.pid 2>/dev/null || true)
  [ -n "$mp" ] && kill "$mp" 2>/dev/null
fi
[ "$ours" = 1 ] && rm -f "$CONF"
rm -rf "$DIR"
say "down"
