#!/usr/bin/env bash
# Records the benchmark capture: a real TCP transfer over flannel VXLAN, made in the project's
# network-namespace lab (samples/lab) and captured with tcpdump on three points of the sending
# host — the pod's eth0, flannel.1 and the underlay NIC ens33 — the way a user captures a slow
# transfer. Nothing is committed: the files are large (about 300,000 packets and 440 MB on the
# underlay with the default size) and the same script makes them again.
#
#   sudo TSL_PREFIX=tsb- bench/lab-capture.sh --out DIR [--bytes 400M] [--rate 300M]
#
# DIR receives host1-pod.pcap, host1-flannel.1.pcap, host1-ens33.pcap (the single-file benchmark
# input: VXLAN on 8472, both directions) and scenario.json. --bytes is what iperf3 sends (-n),
# --rate its pacing (-b; tcpdump in immediate mode, with a 64 MiB buffer, keeps up at a few
# hundred Mbit/s on two cores, and the lab refuses a recording in which the kernel dropped
# packets). Offloads are off
# (no GSO super-frames: every segment is one MTU-sized frame, as on most real NICs' captures),
# no NAT. Needs root and the lab's tools (samples/lab/README.md); TSL_PREFIX (default tsb-)
# names the namespaces, which are removed on exit.
set -euo pipefail
export TSL_PREFIX=${TSL_PREFIX:-tsb-}
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
lab="$(dirname "$here")/samples/lab"
# shellcheck source=../samples/lab/lib.sh
. "$lab/lib.sh"
# shellcheck source=../samples/lab/scenarios.sh
. "$lab/scenarios.sh"

out=""
bytes=400M
rate=300M
while [ $# -gt 0 ]; do
    case "$1" in
        --out) out=$2; shift 2 ;;
        --bytes) bytes=$2; shift 2 ;;
        --rate) rate=$2; shift 2 ;;
        -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument $1 (--help)" ;;
    esac
done
[[ -n $out ]] || die "--out DIR is required"
[[ $(id -u) -eq 0 ]] || die "must run as root (network namespaces)"
[[ $TSL_PREFIX != tsl- ]] || die "TSL_PREFIX=tsl- is the sample lab's; choose another prefix"
for t in ip bridge ethtool tcpdump iperf3 jq ss timeout capinfos; do
    command -v "$t" >/dev/null 2>&1 || die "missing tool $t (see samples/lab/README.md)"
done

# The lab's own lock: one recording at a time on a machine.
exec 9>/run/lock/tsl-lab.lock
flock -w 600 9 || die "another lab run holds /run/lock/tsl-lab.lock"

scenario_vxlan-masq
SCENARIO=bench-iperf3-vxlan
DESCRIPTION="benchmark capture: one iperf3 transfer ($bytes bytes at $rate bit/s) pod host1 -> pod host2 over flannel vxlan, offloads off, no NAT"
MASQ=off
OFFLOADS=off
OV_MTU=$((UL_MTU - 50)); BR_MTU=$OV_MTU; POD_MTU=$OV_MTU

# Larger capture buffers than the lab's (the last -B counts): at 400 Mbit/s with 8 MiB the
# kernel dropped 2-6% of the frames on two cores.
export TSL_TCPDUMP_OPTS="${TSL_TCPDUMP_OPTS:--B 65536}"

# Three capture points on the sending host instead of the lab's full plan.
capture_plan() {
    CAPS+=("host1-pod.pcap|host1|eth0|pod|$(pod_ns host1)|tcpdump|")
    CAPS+=("host1-flannel.1.pcap|host1|flannel.1|overlay-vxlan|$(host_ns host1)|tcpdump|")
    CAPS+=("host1-ens33.pcap|host1|ens33|underlay|$(host_ns host1)|tcpdump|")
}

# iperf3 -n BYTES -b RATE from host1's pod to host2's, bounded by timeouts.
bench_transfer() {
    local dst spid n res ok=false
    dst=$(pod_ip host2)
    log "tcp iperf3: $(pod_ip host1) -> $dst:5201, $bytes bytes at $rate bit/s"
    timeout 300 ip netns exec "$(pod_ns host2)" iperf3 -s -1 -B "$dst" -p 5201 >>"$LOGDIR/iperf3-server.log" 2>&1 &
    spid=$!; PIDS+=("$spid")
    for n in $(seq 50); do
        nsx "$(pod_ns host2)" ss -Hltn "sport = :5201" 2>/dev/null | grep -q 5201 && break
        sleep 0.1
    done
    if res=$(timeout 300 ip netns exec "$(pod_ns host1)" iperf3 -c "$dst" -p 5201 -n "$bytes" -b "$rate" \
        -l 128K --cport 40100 2>&1); then ok=true; fi
    printf '%s\n' "$res" >>"$LOGDIR/traffic.log"
    wait "$spid" 2>/dev/null || true
    $ok || die "iperf3 failed: $(tail -3 <<<"$res")"
    record_traffic "$(jq -cn --arg s "$(pod_ip host1)" --arg d "$dst" --arg b "$bytes" --arg r "$rate" \
        '{label:"iperf3-1to2", type:"tcp", tool:"iperf3", from:"host1-pod", src:$s, dst:$d, dstPort:5201,
          dataSrcPort:40100, bytes:$b, rate:$r, completed:true}')"
}

lab_prepare_run "$out" tsb-lab-log

cleanup_namespaces
log "$DESCRIPTION"
build_topology
start_captures
bench_transfer
log "stopping captures"
stop_captures
write_scenario_json
lab_cleanup
rm -rf "$LOGDIR"
for f in "$OUT"/*.pcap; do
    log "$(basename "$f"): $(capinfos -c -M "$f" | sed -n 's/^Number of packets: *//p') packets, $(du -h "$f" | cut -f1)"
done
