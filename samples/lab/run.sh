#!/usr/bin/env bash
# Tunnelscope sample-capture lab.
#
#   sudo samples/lab/run.sh --list
#   sudo samples/lab/run.sh <scenario> --out DIR [--masq off|docker|flannel] [--offloads on|off]
#                           [--hosts N] [--ul-mtu N] [--overlay-mtu N] [--bridge-mtu N] [--pod-mtu N]
#   sudo samples/lab/run.sh --cleanup
#
# TSL_BEFORE_TRAFFIC / TSL_AFTER_TRAFFIC: bash commands run (in the foreground) once every capture
# listens, before the traffic, and after the traffic, before the captures stop; they see
# TSL_PREFIX, TSL_HOSTS (the host names), TSL_HOST_NAMESPACES and TSL_OUT. A failing hook fails
# the run. Tests use them to capture the same traffic with another tool.
#
# Builds the scenario's hosts as network namespaces (tsl-*), records captures on every hop into
# DIR together with scenario.json, and tears everything down on exit, also on failure.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$LAB_DIR/lib.sh"
# shellcheck source=scenarios.sh
. "$LAB_DIR/scenarios.sh"

usage() {
    sed -n '3,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit "${1:-2}"
}

need_tools() {
    local t missing=()
    for t in ip bridge iptables ethtool tcpdump tshark capinfos socat iperf3 ping jq ss timeout; do
        command -v "$t" >/dev/null 2>&1 || missing+=("$t")
    done
    [[ ${#missing[@]} -eq 0 ]] || die "missing tools: ${missing[*]} (see samples/lab/README.md)"
}

# run_hook VAR: runs the bash command in $VAR, if set, with the lab's names in the environment.
run_hook() {
    local var=$1 h namespaces=()
    [[ -n ${!var:-} ]] || return 0
    for h in "${HOSTS[@]}"; do namespaces+=("$(host_ns "$h")"); done
    log "hook $var"
    TSL_PREFIX=$TSL_PREFIX TSL_HOSTS="${HOSTS[*]}" TSL_HOST_NAMESPACES="${namespaces[*]}" TSL_OUT=$OUT \
        bash -c "${!var}" || die "hook $var failed"
}

main() {
    local scenario="" out="" o_masq="" o_off="" o_hosts="" o_ul="" o_ov="" o_br="" o_pod=""
    [[ $# -gt 0 ]] || usage
    while [[ $# -gt 0 ]]; do
        case $1 in
            --list)
                local s
                for s in "${SCENARIOS[@]}"; do printf '%-20s %s\n' "$s" "$(describe "$s")"; done
                exit 0 ;;
            --cleanup)
                [[ $(id -u) -eq 0 ]] || die "must run as root"
                cleanup_namespaces
                log "removed all ${TSL_PREFIX}* namespaces"
                exit 0 ;;
            --out) out=$2; shift ;;
            --masq) o_masq=$2; shift ;;
            --offloads) o_off=$2; shift ;;
            --hosts) o_hosts=$2; shift ;;
            --ul-mtu) o_ul=$2; shift ;;
            --overlay-mtu) o_ov=$2; shift ;;
            --bridge-mtu) o_br=$2; shift ;;
            --pod-mtu) o_pod=$2; shift ;;
            -h|--help) usage 0 ;;
            -*) die "unknown option $1" ;;
            *) [[ -z $scenario ]] || die "one scenario at a time"; scenario=$1 ;;
        esac
        shift
    done
    [[ -n $scenario ]] || usage
    describe "$scenario" >/dev/null || die "unknown scenario '$scenario' (run.sh --list)"
    [[ -n $out ]] || die "--out DIR is required"
    [[ $(id -u) -eq 0 ]] || die "must run as root (network namespaces)"
    need_tools

    # One lab at a time on this machine: the namespace names are fixed.
    exec 9>/run/lock/tsl-lab.lock
    flock -w 300 9 || die "another lab run holds /run/lock/tsl-lab.lock"

    SCENARIO=$scenario
    DESCRIPTION=$(describe "$scenario")
    "scenario_$scenario"
    [[ -n $o_masq ]] && MASQ=$o_masq
    [[ -n $o_off ]] && OFFLOADS=$o_off
    [[ -n $o_ul ]] && UL_MTU=$o_ul
    [[ -n $o_ov ]] && OV_MTU=$o_ov
    [[ -n $o_br ]] && BR_MTU=$o_br
    [[ -n $o_pod ]] && POD_MTU=$o_pod
    if [[ -n $o_hosts ]]; then
        [[ $o_hosts -ge 2 && $o_hosts -le ${#HOSTS[@]} ]] || die "--hosts must be 2..${#HOSTS[@]}"
        HOSTS=("${HOSTS[@]:0:$o_hosts}")
    fi
    # IPv6-only: the helpers answer for IPv6; the overlay is flannel-v6.1, 70 bytes below the
    # underlay (IPv6 40 + UDP 8 + VXLAN 8 + Ethernet 14), what the kernel gives it
    if [[ $FAMILY == v6 ]]; then
        TFAM=6
        OV6_MTU=${OV_MTU:-${OV6_MTU:-$((UL_MTU - 70))}}
        OV_MTU=$OV6_MTU
    fi
    [[ $FAMILY == dual && -z $OV6_MTU ]] && OV6_MTU=$((UL_MTU - 70))
    if [[ -z $OV_MTU ]]; then
        case $BACKEND in vxlan) OV_MTU=$((UL_MTU - 50)) ;; udp) OV_MTU=$((UL_MTU - 28)) ;; ipip) OV_MTU=$((UL_MTU - 20)) ;; *) OV_MTU=$UL_MTU ;; esac
    fi
    [[ $BACKEND == host-gw ]] && OV_MTU=""
    [[ -n $BR_MTU ]] || BR_MTU=${OV_MTU:-$UL_MTU}
    [[ -n $POD_MTU ]] || POD_MTU=$BR_MTU

    lab_prepare_run "$out" tsl-lab-log

    # Leftovers of an aborted run would clash with the fixed names.
    cleanup_namespaces

    log "scenario $SCENARIO: $DESCRIPTION"
    log "backend=$BACKEND masq=$MASQ offloads=$OFFLOADS mtu underlay=$UL_MTU overlay=${OV_MTU:--} bridge=$BR_MTU pod=$POD_MTU hosts=${HOSTS[*]}"
    build_topology
    # fault scenarios break something (switch rules, iptables, stale entries) before capturing
    # setup_<scenario>: what the cluster would program besides flannel (a Service's NAT rules)
    if declare -F "setup_$scenario" >/dev/null; then "setup_$scenario"; fi
    if declare -F "fault_$scenario" >/dev/null; then "fault_$scenario"; fi
    start_captures
    run_hook TSL_BEFORE_TRAFFIC
    "traffic_$scenario"
    run_hook TSL_AFTER_TRAFFIC
    log "stopping captures"
    stop_captures
    log "writing scenario.json"
    write_scenario_json
    log "tearing down"
    lab_cleanup
    [[ -n ${TSL_KEEP_LOGS:-} ]] && log "logs kept in $LOGDIR" || rm -rf "$LOGDIR"
    log "done: $(find "$OUT" -maxdepth 1 -name '*.pcap*' | wc -l) captures, $(du -sh "$OUT" | cut -f1) in $OUT"
}

main "$@"
