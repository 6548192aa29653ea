# shellcheck shell=bash
# Tunnelscope sample-capture lab: building blocks.
#
# Everything lives in network namespaces named tsl-*: one switch namespace (tsl-sw, bridge sw0)
# and per host a host namespace (tsl-<host>) plus a container namespace (tsl-<host>-pod).
# Nothing is ever configured in the root namespace, and traffic only goes to addresses that
# exist inside these namespaces.

TSL_PREFIX=${TSL_PREFIX:-tsl-}  # overridable: concurrent lab runs need distinct prefixes
SW_NS=${TSL_PREFIX}sw

# ---------------------------------------------------------------- state ----
# Scenario parameters (set by a scenario_* function, overridable from the command line).
SCENARIO=""
DESCRIPTION=""
BACKEND=vxlan          # vxlan | udp | host-gw | ipip
LAYOUT=docker          # docker (docker0) | k8s (cni0) | calico (no bridge: cali veths, gateway 169.254.1.1)
OV_NAME=""             # vxlan device name (default flannel.1; Calico: vxlan.calico)
VXLAN_VNI=1            # VNI of the vxlan device (flannel 1, Calico 4096)
VXLAN_PORT=8472        # its UDP port (flannel 8472, Calico and the IANA port 4789)
NETWORK=""             # flannel network, e.g. 10.102.0.0/16
MASQ=off               # off | docker | flannel
OFFLOADS=off           # on | off
UL_MTU=1500            # underlay NIC MTU
OV_MTU=""              # overlay device MTU (default: UL_MTU-50 for vxlan, UL_MTU-28 for udp)
BR_MTU=""              # bridge MTU (default: overlay MTU, what flannel's subnet.env gives docker/CNI)
POD_MTU=""             # container eth0 MTU (default: BR_MTU)
NHOSTS=""              # how many of the defined hosts to build (default: all)
VXLAN_UDPCSUM=""       # "" kernel default (outer UDP checksum computed), off: noudpcsum (zero)
UL_SNAPLEN=""          # "" full packets; N: the underlay captures keep only N bytes per frame
BR_NF_CALL_IPTABLES="" # "" machine default; 0|1: net.bridge.bridge-nf-call-iptables in the host
                       # namespaces (only where br_netfilter is loaded; recorded in scenario.json)
SERVICE_JSON=""        # scenario.json "service" (a ClusterIP service the scenario installs)
FAMILY=v4              # v4 | v6 (IPv6-only cluster: flannel-v6.1 over an IPv6 underlay) | dual
                       # (both: flannel.1 over IPv4 and flannel-v6.1 over IPv6, dual-stack pods)
TFAM=4                 # the address family the helpers below (sub_net, pod_ip, ov_dev, ul_ip..)
                       # answer for; v6 sets 6, dual switches it per device / traffic
NETWORK6=""            # flannel IPv6Network, e.g. fd00:10:244::/56 (a /64 per node)
OV6_MTU=""             # flannel-v6.1 MTU (default UL_MTU-70: what the kernel gives a vxlan
                       # device over an IPv6 lower device)
HOSTS=()               # host names in order
declare -A UL_DEV UL_IP UL_MAC SUBNET BR_DEV BR_MAC POD_MAC POD_VETH VTEP_MAC UL_GW
declare -A UL_IP6 SUBNET6 VTEP6_MAC  # IPv6: underlay address, /64 prefix (fd00:10:244:1), VTEP MAC
EXTRA_CAPTURES=()      # extra capture specs, see capture_plan
EXTERNAL_JSON=""       # scenario.json "external" (a host outside the cluster the pods talk to)
declare -A CAPTURE_FILTER  # capture file -> BPF filter it is taken with (a capture that misses packets)
declare -A LATE_CAPTURE    # capture file -> 1: not started with the others; the traffic starts it
                           # (start_late_capture), so it misses what went before

# Runtime bookkeeping.
OUT=""
LOGDIR=""
PIDS=()                # every background process this run started
CAPS=()                # "file|host|device|role|ns|tool|linktype-request|snaplen"
CAP_PIDS=()
declare -A IPT_RULES   # host -> newline separated iptables commands
TRAFFIC_JSONL=""
FAULTS_JSONL=""         # faults a scenario injected (scenario.json "faults")

# running and not a zombie (a child we have not reaped yet still answers kill -0)
alive() { local st; st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) && [[ $st != Z ]]; }

log() { printf '[lab %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

host_ns() { echo "${TSL_PREFIX}$1"; }
pod_ns() { echo "${TSL_PREFIX}$1-pod"; }
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# the families a scenario builds, in order
families() { case $FAMILY in v6) echo 6 ;; dual) echo "4 6" ;; *) echo 4 ;; esac; }
v6() { [[ $TFAM == 6 ]]; }
# <subnet prefix> e.g. 10.102.20 for 10.102.20.0/24; IPv6 (TFAM=6): fd00:10:244:1 for
# fd00:10:244:1::/64 (flannel's IPv6SubnetLen default), gateway ::1, pod ::2, flannel-v6.1 ::
sub_net() { if v6; then echo "${SUBNET6[$1]}::/64"; else echo "${SUBNET[$1]}.0/24"; fi; }
sub_len() { if v6; then echo 64; else echo 24; fi; }
br_ip() { if v6; then echo "${SUBNET6[$1]}::1"; else echo "${SUBNET[$1]}.1"; fi; }
ul_ip() { if v6; then echo "${UL_IP6[$1]}"; else echo "${UL_IP[$1]}"; fi; }
ul_len() { if v6; then echo 64; else echo 24; fi; }
vtep_len() { if v6; then echo 128; else echo 32; fi; }
net_of() { if v6; then echo "$NETWORK6"; else echo "$NETWORK"; fi; }
# addresses are added without duplicate address detection: a tentative address could not be
# used for the first seconds (CNI waits for DAD to settle; the lab skips it)
nodad() { if v6; then echo nodad; fi; }
# the pods' default gateway: the bridge's address, or Calico's link-local 169.254.1.1 that the
# host-side veth answers ARP for (proxy_arp)
CALICO_GW=169.254.1.1
pod_gw() { if [[ $LAYOUT == calico ]]; then echo "$CALICO_GW"; else br_ip "$1"; fi; }
pod_ip() { if v6; then echo "${SUBNET6[$1]}::2"; else echo "${SUBNET[$1]}.2"; fi; }
vtep_ip() { if v6; then echo "${SUBNET6[$1]}::"; else echo "${SUBNET[$1]}.0"; fi; }
ov_dev() { case $BACKEND in vxlan) if v6; then echo flannel-v6.1; else echo "${OV_NAME:-flannel.1}"; fi ;; udp) echo flannel0 ;; ipip) echo tunl0 ;; *) echo "" ;; esac; }
# the device a pod's host-side capture is taken on: the bridge, or (Calico) the cali veth
side_dev() { if [[ $LAYOUT == calico ]]; then echo "${POD_VETH[$1]}"; else echo "${BR_DEV[$1]}"; fi; }
net_len() { echo "${NETWORK#*/}"; }

# ----------------------------------------------------------------- run ----
# lab_prepare_run <out dir> <log dir prefix>: the output directory emptied of captures, a log
# directory, the traffic/fault logs, and the traps that tear the lab down on any exit.
lab_prepare_run() {
    mkdir -p "$1"
    OUT=$(cd "$1" && pwd)
    rm -f "$OUT"/*.pcap "$OUT"/*.pcapng "$OUT"/scenario.json
    LOGDIR=$(mktemp -d "/tmp/$2.XXXXXX")
    TRAFFIC_JSONL=$LOGDIR/traffic.jsonl
    : >"$TRAFFIC_JSONL"
    FAULTS_JSONL=$LOGDIR/faults.jsonl
    : >"$FAULTS_JSONL"
    trap 'rc=$?; lab_cleanup; [[ $rc -eq 0 ]] || log "failed (rc=$rc), logs in $LOGDIR"; exit $rc' EXIT
    trap 'exit 130' INT TERM
}

# ------------------------------------------------------------- cleanup ----
# Kill what this run started (by pid), then remove every tsl-* namespace.
lab_cleanup() {
    local pid ns
    for pid in "${CAP_PIDS[@]}" "${PIDS[@]}"; do
        kill -INT "$pid" 2>/dev/null || true
    done
    sleep 0.3
    for pid in "${CAP_PIDS[@]}" "${PIDS[@]}"; do
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    CAP_PIDS=(); PIDS=()
    cleanup_namespaces
}

# Remove the lab's tsl-* namespaces; processes still inside them (which only this lab starts) are
# killed by pid first. The live-capture test's namespaces (tsl-live-*) belong to another test that
# may be running: they are left alone.
cleanup_namespaces() {
    local ns pid
    for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^${TSL_PREFIX}" | grep -v "^${TSL_PREFIX}live-" || true); do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            kill -KILL "$pid" 2>/dev/null || true
        done
        ip netns del "$ns" 2>/dev/null || true
    done
}

# ------------------------------------------------------------ topology ----
ns_base() { # ns [ipv6]
    local ns=$1
    ip netns add "$ns"
    # No IPv6 where the scenario does not use it: no router solicitations, MLD or DAD noise in
    # the captures. The IPv6 scenarios keep it on in the hosts and pods (link-local addresses,
    # neighbour discovery and MLD as on a real node), never on the switch.
    if [[ ${2:-} == ipv6 ]]; then
        nsx "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0
    else
        nsx "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    fi
    ip -n "$ns" link set lo up
}

set_offloads() { # ns dev
    local ns=$1 dev=$2 state
    state=$OFFLOADS
    # Offloads "on" is what the kernel gives veths/bridges/vxlan by default; only turning
    # them off needs ethtool.
    if [[ $state == off ]]; then
        nsx "$ns" ethtool -K "$dev" tx off sg off tso off gso off gro off >/dev/null 2>&1 ||
            nsx "$ns" ethtool -K "$dev" tx off tso off gso off >/dev/null 2>&1 || true
    else
        nsx "$ns" ethtool -K "$dev" tx on sg on tso on gso on >/dev/null 2>&1 || true
    fi
}

build_switch() {
    ns_base "$SW_NS"
    ip -n "$SW_NS" link add sw0 type bridge stp_state 0 forward_delay 0
    ip -n "$SW_NS" link set sw0 mtu "$UL_MTU"
    ip -n "$SW_NS" link set sw0 up
}

build_host() { # host index
    local h=$1 i=$2 hns pns
    local v6on="" f
    [[ $FAMILY != v4 ]] && v6on=ipv6
    hns=$(host_ns "$h"); pns=$(pod_ns "$h")
    ns_base "$hns" $v6on
    ns_base "$pns" $v6on
    nsx "$hns" sysctl -qw net.ipv4.ip_forward=1
    [[ -n $v6on ]] && nsx "$hns" sysctl -qw net.ipv6.conf.all.forwarding=1
    # br_netfilter is a machine-wide module; where it is loaded every new namespace starts with
    # bridge-nf-call-iptables=1 and bridged IPv4 passes the IP hooks at the bridge port, before
    # the bridge device (and its capture) sees the frame. A scenario that depends on where NAT
    # happens fixes the value so recordings do not depend on the machine.
    if [[ -n $BR_NF_CALL_IPTABLES && -e /proc/sys/net/bridge/bridge-nf-call-iptables ]]; then
        nsx "$hns" sysctl -qw net.bridge.bridge-nf-call-iptables="$BR_NF_CALL_IPTABLES"
    fi

    # underlay NIC, cabled to the switch
    ip -n "$hns" link add "${UL_DEV[$h]}" address "${UL_MAC[$h]}" mtu "$UL_MTU" type veth \
        peer name "sw-$h" netns "$SW_NS" mtu "$UL_MTU"
    ip -n "$SW_NS" link set "sw-$h" master sw0 up
    for f in $(families); do
        TFAM=$f ip -n "$hns" addr add "$(TFAM=$f ul_ip "$h")/$(TFAM=$f ul_len)" dev "${UL_DEV[$h]}" $(TFAM=$f nodad)
    done
    ip -n "$hns" link set "${UL_DEV[$h]}" up
    set_offloads "$hns" "${UL_DEV[$h]}"
    set_offloads "$SW_NS" "sw-$h"

    if [[ $LAYOUT == calico ]]; then
        build_calico_pod "$h"
        return
    fi

    # bridge (docker0 / cni0)
    ip -n "$hns" link add "${BR_DEV[$h]}" address "${BR_MAC[$h]}" type bridge stp_state 0 forward_delay 0
    for f in $(families); do
        ip -n "$hns" addr add "$(TFAM=$f br_ip "$h")/$(TFAM=$f sub_len)" dev "${BR_DEV[$h]}" $(TFAM=$f nodad)
    done

    # container behind a veth, its end named eth0
    ip -n "$hns" link add "${POD_VETH[$h]}" mtu "$POD_MTU" type veth \
        peer name eth0 netns "$pns" address "${POD_MAC[$h]}" mtu "$POD_MTU"
    ip -n "$hns" link set "${POD_VETH[$h]}" master "${BR_DEV[$h]}" up
    ip -n "$hns" link set "${BR_DEV[$h]}" mtu "$BR_MTU"
    ip -n "$hns" link set "${BR_DEV[$h]}" up
    for f in $(families); do
        ip -n "$pns" addr add "$(TFAM=$f pod_ip "$h")/$(TFAM=$f sub_len)" dev eth0 $(TFAM=$f nodad)
    done
    ip -n "$pns" link set eth0 up
    for f in $(families); do
        ip -n "$pns" -$f route add default via "$(TFAM=$f br_ip "$h")"
    done
    set_offloads "$hns" "${POD_VETH[$h]}"
    set_offloads "$pns" eth0
    set_offloads "$hns" "${BR_DEV[$h]}"
}

# Calico's pod wiring: no bridge; the host side of the pod's veth (cali<11 hex>, MAC
# ee:ee:ee:ee:ee:ee, no address) has proxy_arp on (proxy_delay 0, as Felix sets it) and a /32
# route to the pod; the pod has its address as /32 and routes everything via 169.254.1.1 on eth0,
# which exists nowhere: the cali veth answers the pod's ARP for it with its own MAC. Proxy ARP
# only answers for an address the host routes out of another device, so the node has a default
# route (to an underlay router that is never used here).
build_calico_pod() {
    local h=$1 hns pns veth
    hns=$(host_ns "$h"); pns=$(pod_ns "$h"); veth=${POD_VETH[$h]}
    ip -n "$hns" link add "$veth" address ee:ee:ee:ee:ee:ee mtu "$POD_MTU" type veth \
        peer name eth0 netns "$pns" address "${POD_MAC[$h]}" mtu "$POD_MTU"
    nsx "$hns" sysctl -qw "net.ipv4.conf.$veth.proxy_arp=1" "net.ipv4.neigh.$veth.proxy_delay=0"
    ip -n "$hns" link set "$veth" up
    ip -n "$hns" route add "$(pod_ip "$h")/32" dev "$veth" scope link
    ip -n "$hns" route add blackhole "$(sub_net "$h")"
    [[ -n ${UL_GW[$h]:-} ]] && ip -n "$hns" route add default via "${UL_GW[$h]}" dev "${UL_DEV[$h]}"
    ip -n "$pns" addr add "$(pod_ip "$h")/32" dev eth0
    ip -n "$pns" link set eth0 up
    ip -n "$pns" route add "$CALICO_GW" dev eth0 scope link
    ip -n "$pns" route add default via "$CALICO_GW" dev eth0
    set_offloads "$hns" "$veth"
    set_offloads "$pns" eth0
}

build_vxlan() { # host: flannel.1 / flannel-v6.1 as flanneld programs them (dual stack: both)
    local f
    for f in $(families); do TFAM=$f build_vxlan_family "$1"; done
}

# flannel.1 exactly as flanneld programs it (vxlan.calico as Felix does); with TFAM=6 flannel-v6.1
# (EnableIPv6): the same VNI and port, local = the node's IPv6 underlay address, its /64's
# first address as /128, and per peer the IPv6 route/neighbour/FDB triple.
build_vxlan_family() {
    local h=$1 hns p ov mac mtu overhead=50
    hns=$(host_ns "$h"); ov=$(ov_dev)
    mac=${VTEP_MAC[$h]:-}; mtu=$OV_MTU
    if v6; then mac=${VTEP6_MAC[$h]}; mtu=$OV6_MTU; overhead=70; fi
    local csum=()
    [[ $VXLAN_UDPCSUM == off ]] && csum=(noudpcsum)
    ip -n "$hns" link add "$ov" address "$mac" type vxlan id "$VXLAN_VNI" \
        local "$(ul_ip "$h")" dev "${UL_DEV[$h]}" dstport "$VXLAN_PORT" nolearning "${csum[@]}"
    if (( mtu + overhead > UL_MTU )); then
        # The kernel caps a vxlan device's MTU at its lower device's MTU - 50, so this mismatch
        # arises the way it does in real life: flannel.1 was sized for a 1500 underlay, whose
        # MTU was lowered afterwards (DHCP option, cloud network, VPN, ...).
        ip -n "$hns" link set "${UL_DEV[$h]}" mtu $((mtu + overhead))
        ip -n "$hns" link set "$ov" mtu "$mtu"
        ip -n "$hns" link set "${UL_DEV[$h]}" mtu "$UL_MTU"
    else
        ip -n "$hns" link set "$ov" mtu "$mtu"
    fi
    ip -n "$hns" addr add "$(vtep_ip "$h")/$(vtep_len)" dev "$ov" $(nodad)
    ip -n "$hns" link set "$ov" up
    set_offloads "$hns" "$ov"
    for p in "${HOSTS[@]}"; do
        [[ $p == "$h" ]] && continue
        local pmac=${VTEP_MAC[$p]:-}
        v6 && pmac=${VTEP6_MAC[$p]}
        ip -n "$hns" route add "$(sub_net "$p")" via "$(vtep_ip "$p")" dev "$ov" onlink
        ip -n "$hns" neigh replace "$(vtep_ip "$p")" lladdr "$pmac" dev "$ov" nud permanent
        nsx "$hns" bridge fdb append "$pmac" dev "$ov" dst "$(ul_ip "$p")" self permanent
    done
}

build_hostgw() {
    local h=$1 hns p
    hns=$(host_ns "$h")
    for p in "${HOSTS[@]}"; do
        [[ $p == "$h" ]] && continue
        ip -n "$hns" route add "$(sub_net "$p")" via "${UL_IP[$p]}" dev "${UL_DEV[$h]}"
    done
}

# flannel's udp backend: flannel0 is a TUN device (raw IP, no packet-info header); a userspace
# forwarder (socat here, flanneld in real life) sends every IP packet read from it as the
# payload of a UDP datagram from port 8285 to the peer's port 8285, and writes what it
# receives back into the TUN. Two hosts only: one socat per host with a fixed peer.
build_udp() {
    local h=$1 hns p pid n
    hns=$(host_ns "$h")
    [[ ${#HOSTS[@]} -eq 2 ]] || die "udp backend: the socat forwarder supports exactly 2 hosts"
    for p in "${HOSTS[@]}"; do [[ $p != "$h" ]] && break; done
    ip netns exec "$hns" socat -lf "$LOGDIR/socat-$h.log" \
        "TUN:$(vtep_ip "$h")/$(net_len),tun-name=flannel0,iff-no-pi,tun-type=tun,iff-up" \
        "UDP:${UL_IP[$p]}:8285,bind=${UL_IP[$h]}:8285" &
    pid=$!
    PIDS+=("$pid")
    for n in $(seq 50); do
        ip -n "$hns" link show flannel0 >/dev/null 2>&1 && break
        sleep 0.1
    done
    ip -n "$hns" link show flannel0 >/dev/null 2>&1 || die "socat did not create flannel0 on $h"
    ip -n "$hns" link set flannel0 mtu "$OV_MTU"
    set_offloads "$hns" flannel0
}

# IP in IP (Calico's tunl0, flannel's ipip backend). The lab kernel has no ipip module, so tunl0
# is a TUN device (raw IP, no packet-info header) and a userspace forwarder does what the ipip
# driver does: socat sends every IP packet read from tunl0 as the payload of an IPv4 packet of
# protocol 4 from this host's underlay address to the peer's (a raw socket: the kernel builds the
# outer header), and writes the payload of what arrives with protocol 4 (outer header stripped)
# back into tunl0. So the NIC sees real IPv4-in-IPv4 packets. The route to the peer's subnet is
# Calico's: via the peer's underlay address, onlink on tunl0. Two hosts only (a fixed peer).
build_ipip() {
    local h=$1 hns p n
    hns=$(host_ns "$h")
    [[ ${#HOSTS[@]} -eq 2 ]] || die "ipip backend: the socat forwarder supports exactly 2 hosts"
    for p in "${HOSTS[@]}"; do [[ $p != "$h" ]] && break; done
    ip netns exec "$hns" socat -lf "$LOGDIR/socat-$h.log" \
        "TUN:$(vtep_ip "$h")/32,tun-name=tunl0,iff-no-pi,tun-type=tun,iff-up" \
        "IP4-DATAGRAM:${UL_IP[$p]}:4,bind=${UL_IP[$h]}" &
    PIDS+=("$!")
    for n in $(seq 50); do
        ip -n "$hns" link show tunl0 >/dev/null 2>&1 && break
        sleep 0.1
    done
    ip -n "$hns" link show tunl0 >/dev/null 2>&1 || die "socat did not create tunl0 on $h"
    ip -n "$hns" link set tunl0 mtu "$OV_MTU"
    set_offloads "$hns" tunl0
    ip -n "$hns" route add "$(sub_net "$p")" via "${UL_IP[$p]}" dev tunl0 onlink
}

ipt() { # host iptables-args...  (runs and records the rule; ip6tables when TFAM=6)
    local h=$1 cmd=iptables; shift
    v6 && cmd=ip6tables
    nsx "$(host_ns "$h")" $cmd -w "$@"
    IPT_RULES[$h]+="$cmd$(printf ' %q' "$@")"$'\n'
}

build_masq() {
    local f
    for f in $(families); do TFAM=$f build_masq_family "$1"; done
}

# flanneld's rules for one family: ip6tables with the IPv6Network for IPv6 (flannel installs the
# same FLANNEL-POSTRTG chain there, multicast ff00::/8 instead of 224.0.0.0/4)
build_masq_family() {
    local h=$1 s net mcast=224.0.0.0/4
    s=$(sub_net "$h"); net=$(net_of)
    v6 && mcast=ff00::/8
    case $MASQ in
        off) ;;
        docker)
            # what dockerd --ip-masq=true installs for its bridge
            ipt "$h" -t nat -A POSTROUTING -s "$s" ! -o "${BR_DEV[$h]}" -j MASQUERADE
            ;;
        flannel)
            # flanneld --ip-masq (v0.2x): never NAT pod-to-pod inside the flannel network,
            # masquerade what leaves it.
            ipt "$h" -t nat -N FLANNEL-POSTRTG
            ipt "$h" -t nat -A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG
            ipt "$h" -t nat -A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 -m comment --comment "flanneld masq" -j RETURN
            ipt "$h" -t nat -A FLANNEL-POSTRTG -s "$s" -d "$net" -m comment --comment "flanneld masq" -j RETURN
            ipt "$h" -t nat -A FLANNEL-POSTRTG -s "$net" -d "$s" -m comment --comment "flanneld masq" -j RETURN
            ipt "$h" -t nat -A FLANNEL-POSTRTG ! -s "$net" -d "$s" -m comment --comment "flanneld masq" -j RETURN
            ipt "$h" -t nat -A FLANNEL-POSTRTG -s "$net" ! -d "$mcast" -m comment --comment "flanneld masq" -j MASQUERADE --random-fully
            ipt "$h" -t nat -A FLANNEL-POSTRTG ! -s "$net" -d "$net" -m comment --comment "flanneld masq" -j MASQUERADE --random-fully
            ipt "$h" -N FLANNEL-FWD
            ipt "$h" -A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD
            ipt "$h" -A FLANNEL-FWD -s "$net" -m comment --comment "flanneld forward" -j ACCEPT
            ipt "$h" -A FLANNEL-FWD -d "$net" -m comment --comment "flanneld forward" -j ACCEPT
            ;;
        calico)
            # Felix's natOutgoing for the pool, reduced to the rule (cali-nat-outgoing matches
            # the pool's ipset): pod traffic leaving the pool is masqueraded, pod to pod is not
            ipt "$h" -t nat -N cali-nat-outgoing
            ipt "$h" -t nat -A POSTROUTING -m comment --comment "cali:nat-outgoing" -j cali-nat-outgoing
            ipt "$h" -t nat -A cali-nat-outgoing -s "$net" ! -d "$net" -m comment --comment "cali:natOutgoing" -j MASQUERADE --random-fully
            ;;
        *) die "unknown --masq $MASQ" ;;
    esac
}

build_topology() {
    local h i=0
    build_switch
    for h in "${HOSTS[@]}"; do i=$((i + 1)); build_host "$h" "$i"; done
    for h in "${HOSTS[@]}"; do
        case $BACKEND in
            vxlan) build_vxlan "$h" ;;
            udp) build_udp "$h" ;;
            host-gw) build_hostgw "$h" ;;
            ipip) build_ipip "$h" ;;
            *) die "unknown backend $BACKEND" ;;
        esac
        build_masq "$h"
    done
}

# ------------------------------------------------------------ captures ----
# Capture plan: on every host the pod's eth0 (inside the pod namespace), the bridge, the
# overlay device and the underlay NIC; an 'any' capture (Linux cooked v2) on the first host;
# on the last host its underlay also as pcapng written by tshark, and one multi-interface
# pcapng (bridge + overlay/underlay) written by tshark with one IDB per interface.
capture_plan() {
    local h ov ovs=() f first last
    # the overlay devices: one per family (dual stack: flannel.1 and flannel-v6.1)
    for f in $(families); do ov=$(TFAM=$f ov_dev); [[ -n $ov ]] && ovs+=("$ov"); done
    ov=$(IFS=,; echo "${ovs[*]}")
    first=${HOSTS[0]}; last=${HOSTS[-1]}
    for h in "${HOSTS[@]}"; do
        CAPS+=("$h-pod.pcap|$h|eth0|pod|$(pod_ns "$h")|tcpdump|")
        if [[ $LAYOUT == calico ]]; then
            CAPS+=("$h-${POD_VETH[$h]}.pcap|$h|${POD_VETH[$h]}|veth|$(host_ns "$h")|tcpdump|")
        else
            CAPS+=("$h-${BR_DEV[$h]}.pcap|$h|${BR_DEV[$h]}|bridge|$(host_ns "$h")|tcpdump|")
        fi
        local o
        for o in "${ovs[@]}"; do
            local role=overlay-vxlan
            [[ $BACKEND == udp || $BACKEND == ipip ]] && role=overlay-tun
            CAPS+=("$h-$o.pcap|$h|$o|$role|$(host_ns "$h")|tcpdump|")
        done
        if [[ $h == "$last" ]]; then
            CAPS+=("$h-${UL_DEV[$h]}.pcapng|$h|${UL_DEV[$h]}|underlay|$(host_ns "$h")|tshark||$UL_SNAPLEN")
        else
            CAPS+=("$h-${UL_DEV[$h]}.pcap|$h|${UL_DEV[$h]}|underlay|$(host_ns "$h")|tcpdump||$UL_SNAPLEN")
        fi
    done
    CAPS+=("$first-any.pcap|$first|any|any|$(host_ns "$first")|tcpdump|LINUX_SLL2")
    if [[ -z ${NO_MULTI:-} ]]; then
        local multi
        multi=$(side_dev "$last")
        if [[ -n $ov ]]; then multi+=",$ov"; else multi+=",${UL_DEV[$last]}"; fi
        CAPS+=("$last-multi.pcapng|$last|$multi|any|$(host_ns "$last")|tshark|")
    fi
    local e
    for e in "${EXTRA_CAPTURES[@]}"; do CAPS+=("$e"); done
}

start_capture() { # spec
    local file host dev role ns tool lt snap pid logf n args=()
    IFS='|' read -r file host dev role ns tool lt snap <<<"$1"
    logf="$LOGDIR/cap-$file.log"
    local filter=${CAPTURE_FILTER[$file]:-}
    if [[ $tool == tcpdump ]]; then
        # -B: the default ring drops packets on the TUN device under a short TCP burst
        # -s: the snapshot length (0: whole packets) unless the plan asks for a short one
        args=(-i "$dev" -n -s "${snap:-0}" -B 8192 -Z root -U --immediate-mode -w "$OUT/$file")
        [[ -n $lt ]] && args+=(-y "$lt")
        # immediate mode means TPACKET_V2 with frames sized from the MTU; 'any' has none, so its
        # frames are snaplen (256 KiB) big: give it enough of them
        [[ $dev == any ]] && args+=(-B 65536)
        # shellcheck disable=SC2206
        args+=(${TSL_TCPDUMP_OPTS:-})
        [[ -n $filter ]] && args+=("$filter")
        ip netns exec "$ns" tcpdump "${args[@]}" >"$logf" 2>&1 &
        pid=$!
        for n in $(seq 100); do grep -q "listening on" "$logf" 2>/dev/null && break; sleep 0.05; done
        grep -q "listening on" "$logf" || die "tcpdump on $ns/$dev did not start: $(cat "$logf")"
    else
        local d
        IFS=',' read -ra devs <<<"$dev"
        for d in "${devs[@]}"; do args+=(-i "$d"); done
        [[ -n $snap ]] && args+=(-s "$snap")
        [[ -n $lt ]] && args+=(-y "$lt")
        [[ -n $filter ]] && args+=(-f "$filter")
        # tshark runs dumpcap; -F pcapng writes one IDB (with if_name) per interface.
        ip netns exec "$ns" tshark "${args[@]}" -n -q -F pcapng -w "$OUT/$file" >"$logf" 2>&1 &
        pid=$!
        for n in $(seq 200); do grep -q "Capturing on" "$logf" 2>/dev/null && break; sleep 0.05; done
        grep -q "Capturing on" "$logf" || die "tshark on $ns/$dev did not start: $(cat "$logf")"
    fi
    CAP_PIDS+=("$pid")
}

start_captures() {
    local c
    capture_plan
    for c in "${CAPS[@]}"; do
        [[ -n ${LATE_CAPTURE[${c%%|*}]:-} ]] || start_capture "$c"
    done
    sleep 0.5
}

# start_late_capture <file>: starts a capture of the plan that start_captures left out.
start_late_capture() {
    local c
    for c in "${CAPS[@]}"; do
        if [[ ${c%%|*} == "$1" ]]; then
            log "starting the capture $1 late"
            start_capture "$c"
            sleep 0.3
            return
        fi
    done
    die "no capture $1 in the plan"
}

stop_captures() {
    local pid n
    sleep 0.5
    for pid in "${CAP_PIDS[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
    for pid in "${CAP_PIDS[@]}"; do
        for n in $(seq 100); do alive "$pid" || break; sleep 0.05; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    CAP_PIDS=()
    # A capture that lost packets would make the recorded facts wrong: refuse it.
    local f d bad=0
    for f in "$LOGDIR"/cap-*.log; do
        d=$(sed -n 's/^\([0-9]\+\) packets dropped by kernel/\1/p' "$f")
        if [[ -n $d && $d != 0 ]] || grep -qiE "dropped from|dropped on interface.*/[1-9]" "$f"; then
            log "capture $(basename "$f" .log) dropped packets: $(tr '\n' ' ' <"$f")"
            bad=1
        fi
    done
    [[ $bad -eq 0 ]] || die "captures dropped packets; try again"
    # tshark (dumpcap) as root may leave the file mode 0600; make captures readable.
    chmod a+r "$OUT"/*.pcap "$OUT"/*.pcapng 2>/dev/null || true
}

# ------------------------------------------------------------- traffic ----
record_traffic() { # json object
    printf '%s\n' "$1" >>"$TRAFFIC_JSONL"
}

# t_ping <label> <from host> <to host|ip> <count> [size] [pmtudisc do|dont|want]
t_ping() {
    local label=$1 from=$2 to=$3 count=$4 size=${5:-56} df=${6:-want} dst out rx hdr=28
    if [[ $to =~ ^[0-9.]+$|: ]]; then dst=$to; else dst=$(pod_ip "$to"); fi
    # IPv6: 40-byte header + 8 of ICMPv6; -M do/dont set no DF there (IPv6 has none: routers
    # never fragment, the sender does after a Packet Too Big)
    [[ $dst == *:* ]] && hdr=48
    local TFAM=$TFAM; [[ $dst == *:* ]] && TFAM=6
    log "ping $label: $(pod_ip "$from") -> $dst x$count size $size df=$df"
    out=$(timeout 20 ip netns exec "$(pod_ns "$from")" ping -n -c "$count" -i 0.3 -W 1 -w 10 \
        -s "$size" -M "$df" "$dst" 2>&1) || true
    printf '%s\n' "$out" >>"$LOGDIR/traffic.log"
    rx=$(sed -n 's/.* \([0-9]\+\) received.*/\1/p' <<<"$out"); rx=${rx:-0}
    record_traffic "$(jq -cn --arg l "$label" --arg f "$from-pod" --arg s "$(pod_ip "$from")" \
        --arg d "$dst" --argjson c "$count" --argjson z "$size" --arg df "$df" --argjson rx "$rx" \
        '{label:$l, type:"icmp-echo", from:$f, src:$s, dst:$d, count:$c, payloadSize:$z,
          ipPacketSize:($z+'"$hdr"'), pmtudisc:$df, dfSet:($df!="dont"), repliesReceived:$rx}')"
    sleep 0.3
}

# t_tcp <label> <from host> <to host> <bytes>  -- iperf3, bounded by -n and timeouts
t_tcp() {
    local label=$1 from=$2 to=$3 bytes=$4 dst spid n out ok=false
    dst=$(pod_ip "$to")
    log "tcp $label: $(pod_ip "$from") -> $dst:5201 $bytes bytes (iperf3)"
    timeout 20 ip netns exec "$(pod_ns "$to")" iperf3 -s -1 -B "$dst" -p 5201 >>"$LOGDIR/iperf3-server.log" 2>&1 &
    spid=$!; PIDS+=("$spid")
    for n in $(seq 50); do
        nsx "$(pod_ns "$to")" ss -Hltn "sport = :5201" 2>/dev/null | grep -q 5201 && break
        sleep 0.1
    done
    if out=$(timeout 20 ip netns exec "$(pod_ns "$from")" iperf3 -c "$dst" -p 5201 -n "$bytes" -l 16K \
        --cport 40100 2>&1); then ok=true; fi
    printf '%s\n' "$out" >>"$LOGDIR/traffic.log"
    wait "$spid" 2>/dev/null || true
    record_traffic "$(jq -cn --arg l "$label" --arg f "$from-pod" --arg s "$(pod_ip "$from")" \
        --arg d "$dst" --arg b "$bytes" --argjson ok $ok \
        '{label:$l, type:"tcp", tool:"iperf3", from:$f, src:$s, dst:$d, dstPort:5201,
          dataSrcPort:40100, bytes:$b, completed:$ok}')"
    sleep 0.3
}

# t_udp <label> <from host> <to host> <count> [interval]  -- one-shot datagrams with socat
t_udp() {
    local label=$1 from=$2 to=$3 count=$4 gap=${5:-0.2} port=${6:-9000} dst rpid i got
    dst=$(pod_ip "$to")
    log "udp $label: $(pod_ip "$from"):40200 -> $dst:$port x$count (socat)"
    : >"$LOGDIR/udp-recv-$label.txt"
    local u=UDP4 b=$dst
    if v6; then u=UDP6; b="[$dst]"; fi
    timeout $((10 + count / 5)) ip netns exec "$(pod_ns "$to")" socat -u "$u-RECV:$port,bind=$b" \
        "OPEN:$LOGDIR/udp-recv-$label.txt,append" 2>>"$LOGDIR/traffic.log" &
    rpid=$!; PIDS+=("$rpid")
    sleep 0.3
    for i in $(seq "$count"); do
        printf 'tunnelscope %s datagram %d\n' "$label" "$i" |
            timeout 5 ip netns exec "$(pod_ns "$from")" socat -u - "$u-SENDTO:$b:$port,sourceport=40200,reuseaddr" ||
            true
        sleep "$gap"
    done
    sleep 0.5
    kill -INT "$rpid" 2>/dev/null || true
    wait "$rpid" 2>/dev/null || true
    got=$(wc -l <"$LOGDIR/udp-recv-$label.txt")
    record_traffic "$(jq -cn --arg l "$label" --arg f "$from-pod" --arg s "$(pod_ip "$from")" \
        --arg d "$dst" --argjson c "$count" --argjson g "$got" --argjson p "$port" \
        '{label:$l, type:"udp", tool:"socat", from:$f, src:$s, dst:$d, srcPort:40200, dstPort:$p,
          count:$c, received:$g}')"
}

# t_ping_n <label> <from host> <to host|ip> <count> <interval>  -- exactly <count> requests:
# no -w deadline (with -w, ping keeps sending until <count> replies came back, so a lossy path
# would get more requests), each reply awaited at most 1 s.
t_ping_n() {
    local label=$1 from=$2 to=$3 count=$4 gap=$5 dst out rx
    if [[ $to =~ ^[0-9.]+$|: ]]; then dst=$to; else dst=$(pod_ip "$to"); fi
    local TFAM=$TFAM; [[ $dst == *:* ]] && TFAM=6
    log "ping $label: $(pod_ip "$from") -> $dst x$count every ${gap}s (no deadline)"
    out=$(timeout 30 ip netns exec "$(pod_ns "$from")" ping -n -c "$count" -i "$gap" -W 1 "$dst" 2>&1) || true
    printf '%s\n' "$out" >>"$LOGDIR/traffic.log"
    rx=$(sed -n 's/.* \([0-9]\+\) received.*/\1/p' <<<"$out"); rx=${rx:-0}
    record_traffic "$(jq -cn --arg l "$label" --arg f "$from-pod" --arg s "$(pod_ip "$from")" \
        --arg d "$dst" --argjson c "$count" --arg i "$gap" --argjson rx "$rx" \
        '{label:$l, type:"icmp-echo", from:$f, src:$s, dst:$d, count:$c, interval:($i|tonumber),
          payloadSize:56, ipPacketSize:84, pmtudisc:"want", dfSet:true, repliesReceived:$rx}')"
    sleep 0.3
}

# t_tcp_stall <label> <from host> <to host> <bytes> <seconds>  -- one socat TCP connection
# (source port 40100 -> 5201) that writes <bytes> and is killed after <seconds> whether or not
# they were delivered; linger=0 makes that kill send a RST instead of leaving an orphan socket
# retransmitting behind the capture's back.
t_tcp_stall() {
    local label=$1 from=$2 to=$3 bytes=$4 secs=$5 dst rpid n got ok=false
    dst=$(pod_ip "$to")
    log "tcp $label: $(pod_ip "$from"):40100 -> $dst:5201 $bytes bytes, at most ${secs}s (socat)"
    timeout $((secs + 3)) ip netns exec "$(pod_ns "$to")" socat -u \
        "TCP4-LISTEN:5201,bind=$dst,reuseaddr" "CREATE:$LOGDIR/tcp-recv-$label.bin" \
        2>>"$LOGDIR/traffic.log" &
    rpid=$!; PIDS+=("$rpid")
    for n in $(seq 50); do
        nsx "$(pod_ns "$to")" ss -Hltn "sport = :5201" 2>/dev/null | grep -q 5201 && break
        sleep 0.1
    done
    # stdin stays open for secs+1 s, so socat does not close (and RST) before its timeout
    if { head -c "$bytes" /dev/zero; sleep $((secs + 1)); } |
        timeout "$secs" ip netns exec "$(pod_ns "$from")" socat -u - \
            "TCP4:$dst:5201,sourceport=40100,reuseaddr,linger=0" 2>>"$LOGDIR/traffic.log"; then
        ok=true
    fi
    wait "$rpid" 2>/dev/null || true
    got=$(stat -c %s "$LOGDIR/tcp-recv-$label.bin" 2>/dev/null || echo 0)
    record_traffic "$(jq -cn --arg l "$label" --arg f "$from-pod" --arg s "$(pod_ip "$from")" \
        --arg d "$dst" --argjson b "$bytes" --argjson t "$secs" --argjson ok $ok --argjson g "$got" \
        '{label:$l, type:"tcp", tool:"socat", from:$f, src:$s, dst:$d, dstPort:5201,
          dataSrcPort:40100, bytes:$b, timeoutSeconds:$t, completed:$ok, bytesReceived:$g}')"
    sleep 0.3
}

# t_tcp_svc <label> <from host> <backend host> <service ip> <service port> <backend port> <count>
# -- <count> short TCP connections from the pod to a ClusterIP service, one after the other:
# each sends one line (source port 40301, 40302, ..) and gets it echoed by a one-shot socat
# server on the backend pod (EXEC:cat), everything under timeout.
t_tcp_svc() {
    local label=$1 from=$2 to=$3 vip=$4 vport=$5 bport=$6 count=$7 bip spid n i line out ok=0 ports=()
    bip=$(pod_ip "$to")
    log "tcp $label: $(pod_ip "$from") -> service $vip:$vport (backend $bip:$bport) x$count (socat)"
    for i in $(seq "$count"); do
        timeout 8 ip netns exec "$(pod_ns "$to")" socat "TCP4-LISTEN:$bport,bind=$bip,reuseaddr" EXEC:cat \
            2>>"$LOGDIR/traffic.log" &
        spid=$!; PIDS+=("$spid")
        for n in $(seq 50); do
            nsx "$(pod_ns "$to")" ss -Hltn "sport = :$bport" 2>/dev/null | grep -q "$bport" && break
            sleep 0.1
        done
        line="tunnelscope $label connection $i"
        ports+=($((40300 + i)))
        out=$(printf '%s\n' "$line" | timeout 5 ip netns exec "$(pod_ns "$from")" socat -t 1 - \
            "TCP4:$vip:$vport,sourceport=$((40300 + i)),reuseaddr" 2>>"$LOGDIR/traffic.log") || true
        [[ $out == "$line" ]] && ok=$((ok + 1))
        wait "$spid" 2>/dev/null || true
        sleep 0.3
    done
    record_traffic "$(jq -cn --arg l "$label" --arg f "$from-pod" --arg s "$(pod_ip "$from")" \
        --arg d "$vip" --argjson dp "$vport" --arg b "$bip" --argjson bp "$bport" --arg bh "$to-pod" \
        --argjson c "$count" --argjson ok "$ok" --argjson ports "$(printf '%s\n' "${ports[@]}" | jq -sc '.')" \
        '{label:$l, type:"tcp", tool:"socat", from:$f, src:$s, dst:$d, dstPort:$dp,
          backend:{pod:$bh, dst:$b, dstPort:$bp}, connections:$c, srcPorts:$ports,
          payload:"one line each way (echo)", echoed:$ok}')"
}

# t_tcp_ext <label> <from host> <external address> <port> <bytes>  -- one socat TCP connection
# from the pod (source port 40400) to a host outside the cluster network, which writes what it
# receives to a file: the pod's traffic leaving the flannel network, masqueraded by flannel's
# ip-masq rules.
t_tcp_ext() {
    local label=$1 from=$2 dst=$3 port=$4 bytes=$5 ens rpid n ok=false got l=TCP4 c=TCP4 b=$3
    ens=$(host_ns external)
    if [[ $dst == *:* ]]; then l=TCP6; c=TCP6; b="[$dst]"; fi
    local TFAM=$TFAM; [[ $dst == *:* ]] && TFAM=6
    log "tcp $label: $(pod_ip "$from"):40400 -> $dst:$port $bytes bytes (socat, external host)"
    timeout 10 ip netns exec "$ens" socat -u "$l-LISTEN:$port,bind=$b,reuseaddr" \
        "CREATE:$LOGDIR/tcp-recv-$label.bin" 2>>"$LOGDIR/traffic.log" &
    rpid=$!; PIDS+=("$rpid")
    for n in $(seq 50); do
        nsx "$ens" ss -Hltn "sport = :$port" 2>/dev/null | grep -q "$port" && break
        sleep 0.1
    done
    if head -c "$bytes" /dev/zero | timeout 8 ip netns exec "$(pod_ns "$from")" socat -u - \
        "$c:$b:$port,sourceport=40400,reuseaddr" 2>>"$LOGDIR/traffic.log"; then ok=true; fi
    wait "$rpid" 2>/dev/null || true
    got=$(stat -c %s "$LOGDIR/tcp-recv-$label.bin" 2>/dev/null || echo 0)
    record_traffic "$(jq -cn --arg l "$label" --arg f "$from-pod" --arg s "$(pod_ip "$from")" \
        --arg d "$dst" --argjson p "$port" --argjson b "$bytes" --argjson ok $ok --argjson g "$got" \
        '{label:$l, type:"tcp", tool:"socat", from:$f, src:$s, dst:$d, to:"external", dstPort:$p,
          dataSrcPort:40400, bytes:$b, completed:$ok, bytesReceived:$g}')"
    sleep 0.3
}

# ---------------------------------------------------------------- faults ----
# record_fault <json object>: what a scenario broke, for scenario.json "faults"
record_fault() { printf '%s\n' "$1" >>"$FAULTS_JSONL"; }

# sw_nft <description> <nft ruleset text>: load a ruleset into the switch namespace (nftables
# bridge family: no br_netfilter, which would be a global module) and record it.
sw_nft() {
    local what=$1 rules=$2
    command -v nft >/dev/null 2>&1 || die "nft is missing (apt-get install nftables)"
    # If br_netfilter is loaded on the machine (Docker loads it), every new namespace starts
    # with bridge-nf-call-iptables=1 and bridged IPv4 goes through the IP stack's hooks, which
    # silently drop a frame whose IP header checksum is wrong. A switch does not do that: turn
    # it off in the switch namespace only (the sysctls are per namespace).
    if [[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]]; then
        nsx "$SW_NS" sysctl -qw net.bridge.bridge-nf-call-iptables=0 net.bridge.bridge-nf-call-arptables=0
    fi
    nsx "$SW_NS" nft -f - <<<"$rules"
    record_fault "$(jq -cn --arg w "$what" --arg ns "$SW_NS" --arg r "$rules" \
        '{kind:"switch-nftables", what:$w, namespace:$ns, ruleset:$r}')"
}

# ------------------------------------------------------------ metadata ----
link_json() { # ns dev -> {device, mac, mtu, kind}
    ip -n "$1" -j -d link show dev "$2" |
        jq -c '.[0] | {device: .ifname, mac: .address, mtu: .mtu, kind: (.linkinfo.info_kind // "unknown")}'
}

u32le() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
u16le() { od -An -tu2 -j "$2" -N2 "$1" | tr -d ' '; }
# LINKTYPE_ values of a capture file, one per interface in IDB order (pcap: the header's;
# pcapng: the IDBs written before the first packet block). Little-endian files only, which is
# what tcpdump and dumpcap write on x86/arm64.
capture_linktypes() {
    local f=$1 magic off type len
    magic=$(od -An -tx4 -N4 "$f" | tr -d ' ')
    case $magic in
        a1b2c3d4|a1b23c4d) u32le "$f" 20 ;;
        0a0d0d0a)
            off=0
            while :; do
                type=$(u32le "$f" "$off"); len=$(u32le "$f" $((off + 4)))
                [[ -n $type && -n $len && $len -gt 0 ]] || break
                case $type in
                    168627466) ;;                       # SHB
                    1) u16le "$f" $((off + 8)) ;;        # IDB: LinkType
                    *) break ;;
                esac
                off=$((off + len))
            done ;;
    esac
}
capture_ifnames() {
    capinfos -M "$1" 2>/dev/null | sed -n 's/.*Interface #[0-9]* info:.*//p; s/^ *Name = \(.*\)$/\1/p'
}

# host_json <host>: the host as built, in the family TFAM says; a dual-stack host is its IPv4
# description with the IPv6 one under "ipv6" (addresses, flannel-v6.1, routes, neighbours, FDB)
host_json() {
    if [[ $FAMILY == dual && $TFAM == 4 ]]; then
        jq -c --argjson v6 "$(TFAM=6 host_json_family "$1")" \
            '. + {ipv6: {subnet: $v6.subnet, underlayAddress: $v6.underlay.address,
                         bridgeAddress: $v6.bridge.address, podAddress: $v6.pod.address,
                         podGateway: $v6.pod.gateway, overlay: $v6.overlay, routes: $v6.routes,
                         permanentNeighbours: $v6.permanentNeighbours, vxlanFdb: $v6.vxlanFdb,
                         iptables: ($v6.iptables | map(select(startswith("ip6tables "))))}}
             | .iptables |= map(select(startswith("iptables ")))' <<<"$(host_json_family "$1")"
    else
        host_json_family "$1"
    fi
}

host_json_family() {
    local h=$1 hns pns ov ul br=null brip="" pod ovj=null vethj=null rules podlen
    podlen=$(sub_len)
    hns=$(host_ns "$h"); pns=$(pod_ns "$h"); ov=$(ov_dev)
    ul=$(link_json "$hns" "${UL_DEV[$h]}")
    if [[ $LAYOUT == calico ]]; then
        # no bridge: the pod's /32 is routed to the cali veth, which answers ARP for the gateway
        podlen=32
        vethj=$(link_json "$hns" "${POD_VETH[$h]}" | jq -c \
            --arg pa "$(nsx "$hns" sysctl -n "net.ipv4.conf.${POD_VETH[$h]}.proxy_arp")" \
            --arg pd "$(nsx "$hns" sysctl -n "net.ipv4.neigh.${POD_VETH[$h]}.proxy_delay")" \
            '. + {address: null, proxyArp: ($pa == "1"), proxyDelay: ($pd | tonumber)}')
    else
        br=$(link_json "$hns" "${BR_DEV[$h]}")
        brip="$(br_ip "$h")/$(sub_len)"
    fi
    pod=$(link_json "$pns" eth0)
    if [[ $BACKEND == vxlan ]]; then
        ovj=$(ip -n "$hns" -j -d link show dev "$ov" | jq -c --arg a "$(vtep_ip "$h")/$(vtep_len)" \
            '.[0] | {device: .ifname, type: "vxlan", address: $a, mac: .address, mtu: .mtu,
                     vni: .linkinfo.info_data.id, dstPort: .linkinfo.info_data.port,
                     learning: .linkinfo.info_data.learning, local: (.linkinfo.info_data.local // .linkinfo.info_data.local6),
                     underlayDevice: .linkinfo.info_data.link}')
        ovj=$(jq -c --arg d "${UL_DEV[$h]}" '.underlayDevice = $d' <<<"$ovj")
    elif [[ $BACKEND == udp ]]; then
        ovj=$(ip -n "$hns" -j -d link show dev flannel0 | jq -c --arg a "$(vtep_ip "$h")/$(net_len)" \
            '.[0] | {device: .ifname, type: "tun", address: $a, mac: null, mtu: .mtu,
                     linkType: "RAW", packetInfo: false, encapsulation: "udp", port: 8285,
                     forwarder: "socat"}')
    elif [[ $BACKEND == ipip ]]; then
        ovj=$(ip -n "$hns" -j -d link show dev tunl0 | jq -c --arg a "$(vtep_ip "$h")/32" \
            '.[0] | {device: .ifname, type: "tun", address: $a, mac: null, mtu: .mtu,
                     linkType: "RAW", packetInfo: false, encapsulation: "ipip", ipProtocol: 4,
                     emulates: "ipip (no ipip module in the lab kernel)", forwarder: "socat"}')
    fi
    rules=$(printf '%s' "${IPT_RULES[$h]:-}" | jq -Rsc 'split("\n") | map(select(length > 0))')
    jq -cn --arg name "$h" --arg hns "$hns" --arg pns "$pns" --argjson ul "$ul" --argjson br "$br" \
        --argjson pod "$pod" --argjson ov "$ovj" --arg ulip "$(ul_ip "$h")/$(ul_len)" --arg brip "$brip" \
        --arg podip "$(pod_ip "$h")/$podlen" --arg gw "$(pod_gw "$h")" --arg veth "${POD_VETH[$h]}" \
        --argjson vethj "$vethj" \
        --arg subnet "$(sub_net "$h")" --argjson rules "$rules" \
        --argjson routes "$(ip -n "$hns" -j -"$TFAM" route show | jq -c '[.[] | del(.flags | select(length == 0))]')" \
        --argjson neigh "$(ip -n "$hns" -j -"$TFAM" neigh show nud permanent | jq -c '.')" \
        --argjson fdb "$( [[ $BACKEND == vxlan ]] && nsx "$hns" bridge -j fdb show dev "$ov" | jq -c '[.[] | select(.dst != null)]' || echo '[]')" \
        --argjson vethmtu "$(ip -n "$hns" -j link show dev "${POD_VETH[$h]}" | jq '.[0].mtu')" \
        '{name: $name, namespace: $hns, subnet: $subnet,
          underlay: ($ul + {address: $ulip}),
          bridge: (if $br == null then null else $br + {address: $brip} end),
          pod: ($pod + {namespace: $pns, address: $podip, gateway: $gw,
                        hostVeth: $veth, hostVethMtu: $vethmtu}),
          overlay: $ov, routes: $routes, permanentNeighbours: $neigh, vxlanFdb: $fdb,
          iptables: $rules}
         + (if $vethj == null then {} else {veth: $vethj} end)'
}

captures_json() {
    local c file host dev role ns tool lt snap lts ifs fmt
    for c in "${CAPS[@]}"; do
        IFS='|' read -r file host dev role ns tool lt snap <<<"$c"
        [[ -f $OUT/$file ]] || continue
        lts=$(capture_linktypes "$OUT/$file" | jq -Rsc 'split("\n") | map(select(length>0) | tonumber)')
        ifs=$(capture_ifnames "$OUT/$file" | jq -Rsc 'split("\n") | map(select(length>0))')
        fmt=pcap; [[ $file == *.pcapng ]] && fmt=pcapng
        jq -cn --arg f "$file" --arg h "$host" --arg d "$dev" --arg r "$role" --arg t "$tool" \
            --arg fmt "$fmt" --argjson lts "$lts" --argjson ifs "$ifs" --arg ns "$ns" --arg snap "$snap" \
            --arg filter "${CAPTURE_FILTER[$file]:-}" --arg late "${LATE_CAPTURE[$file]:-}" \
            '{file: $f, host: $h, device: $d, role: $r, namespace: $ns, linkType: $lts[0],
              linkTypeName: ({"1":"EN10MB","101":"RAW","113":"LINUX_SLL","276":"LINUX_SLL2"}[($lts[0]|tostring)] // null),
              format: $fmt, writer: $t}
             + (if $fmt == "pcapng" then {interfaces: [range(0; $lts|length) as $i | {name: $ifs[$i], linkType: $lts[$i]}]} else {} end)
             + (if $snap != "" then {snaplen: ($snap | tonumber)} else {} end)
             + (if $filter != "" then {filter: $filter} else {} end)
             + (if $late != "" then {startedLate: true} else {} end)'
    done | jq -sc '.'
}

write_scenario_json() {
    local h hosts traffic
    hosts=$(for h in "${HOSTS[@]}"; do host_json "$h"; done | jq -sc '.')
    traffic=$(jq -sc '.' "$TRAFFIC_JSONL")
    jq -n --arg s "$SCENARIO" --arg d "$DESCRIPTION" --arg b "$BACKEND" --arg l "$LAYOUT" \
        --arg n "$NETWORK" --arg m "$MASQ" --arg o "$OFFLOADS" --argjson hosts "$hosts" \
        --argjson caps "$(captures_json)" --argjson traffic "$traffic" \
        --argjson faults "$(jq -sc '.' "$FAULTS_JSONL" 2>/dev/null || echo '[]')" \
        --argjson service "${SERVICE_JSON:-null}" \
        --argjson mtu "$(jq -n --argjson u "$UL_MTU" --argjson o "${OV_MTU:-null}" --argjson b "$BR_MTU" --argjson p "$POD_MTU" \
            --arg o6 "$([[ $FAMILY == dual ]] && echo "$OV6_MTU")" \
            '{underlay:$u, overlay:$o, bridge:$b, pod:$p} + (if $o6 != "" then {overlayIpv6: ($o6|tonumber)} else {} end)')" \
        --arg fam "$FAMILY" --arg n6 "$NETWORK6" --argjson ext "${EXTERNAL_JSON:-null}" \
        --arg k "$(uname -r)" --arg td "$(tcpdump --version 2>&1 | head -1)" \
        --arg lp "$(tcpdump --version 2>&1 | sed -n 's/^libpcap version \([^ ]*\).*/\1/p')" \
        --arg ts "$(tshark --version 2>/dev/null | head -1)" \
        '{scenario: $s, description: $d, backend: $b, layout: $l, network: $n,
          ipMasq: $m, offloads: ($o == "on"), mtu: $mtu,
          recordedWith: {kernel: $k, tcpdump: $td, libpcap: $lp, tshark: $ts},
          hosts: $hosts, captures: $caps, traffic: $traffic}
         + (if ($faults | length) > 0 then {faults: $faults} else {} end)
         + (if $service != null then {service: $service} else {} end)
         + (if $fam != "v4" then {family: {v6: "ipv6", dual: "dual-stack"}[$fam]} else {} end)
         + (if $fam == "dual" then {networkIpv6: $n6} else {} end)
         + (if $ext != null then {external: $ext} else {} end)' >"$OUT/scenario.json"
}
