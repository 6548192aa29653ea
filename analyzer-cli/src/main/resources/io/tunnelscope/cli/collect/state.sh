# tunnelscope collect: one node's network state, run by the node's shell (POSIX sh: dash, bash,
# busybox). Every item is a section on stdout:
#   BOUNDARY begin NAME\n<the command's output, byte for byte>\nBOUNDARY end NAME EXIT\n
# followed by one "BOUNDARY error NAME LINE" line per line the command wrote on stderr.
# A command that is missing or fails only marks its item; the other items go on.
#   $1 boundary (random, chosen per run)   $2 the node's root ("/", or "/host" in a debug pod)
#   $3... the items to record (default: all)
B=$1
ROOT=${2%/}
shift 2
[ $# -gt 0 ] || set -- hostname tools ip-link.json ip-addr.json ip-route.json ip-neigh.json bridge-fdb.json \
    iptables-save.txt ip6tables-save.txt nft-ruleset.json conntrack.txt ethtool-k.txt proc-sys.txt subnet.env \
    kubernetes.json
export LC_ALL=C
exec 3>&1

item() {
    name=$1
    shift
    printf '%s begin %s\n' "$B" "$name"
    err=$( { "$@" 1>&3 3>&-; } 2>&1 )
    rc=$?
    printf '\n%s end %s %s\n' "$B" "$name" "$rc"
    if [ -n "$err" ]; then
        printf '%s\n' "$err" | while IFS= read -r line; do printf '%s error %s %s\n' "$B" "$name" "$line"; done
    fi
}

tools() {
    for t in tcpdump dumpcap ip bridge iptables-save nft conntrack ethtool kubectl; do
        printf '%s %s\n' "$t" "$(command -v "$t" || echo -)"
    done
    tcpdump --version 2>&1 | head -2
}

all_offloads() {
    for dev in $(ls /sys/class/net); do
        ethtool -k "$dev" || true
    done
}

# sysctls that matter for an overlay, as "path = value" (the path under /proc/sys keeps device
# names such as flannel.1 unambiguous)
sysctls() {
    for f in /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/conf/*/rp_filter \
        /proc/sys/net/ipv4/conf/*/forwarding /proc/sys/net/ipv4/tcp_mtu_probing \
        /proc/sys/net/ipv4/ip_no_pmtu_disc /proc/sys/net/bridge/bridge-nf-call-iptables \
        /proc/sys/net/bridge/bridge-nf-call-ip6tables /proc/sys/net/bridge/bridge-nf-call-arptables; do
        [ -r "$f" ] && printf '%s = %s\n' "${f#/proc/sys/}" "$(cat "$f")"
    done
    return 0
}

kubernetes() {
    command -v kubectl >/dev/null 2>&1 || { echo "kubectl: not installed" >&2; return 127; }
    if [ -n "${KUBECONFIG:-}" ] || [ -r "${HOME:-/nonexistent}/.kube/config" ]; then
        kubectl get pods,nodes,services -A -o json --request-timeout=15s
    elif [ -r "$ROOT/etc/kubernetes/admin.conf" ]; then
        kubectl --kubeconfig "$ROOT/etc/kubernetes/admin.conf" get pods,nodes,services -A -o json --request-timeout=15s
    else
        echo "no kubeconfig (KUBECONFIG, ~/.kube/config, /etc/kubernetes/admin.conf)" >&2
        return 3
    fi
}

for what in "$@"; do
    case $what in
        hostname) item hostname cat /proc/sys/kernel/hostname ;;
        tools) item tools.txt tools ;;
        ip-link.json) item "$what" ip -j -d link show ;;
        ip-addr.json) item "$what" ip -j addr show ;;
        ip-route.json) item "$what" ip -j route show ;;
        ip-neigh.json|ip-neigh-end.json) item "$what" ip -j neigh show ;;
        bridge-fdb.json) item "$what" bridge -j fdb show ;;
        iptables-save.txt) item "$what" iptables-save ;;
        ip6tables-save.txt) item "$what" ip6tables-save ;;
        nft-ruleset.json) item "$what" nft -j list ruleset ;;
        conntrack.txt|conntrack-end.txt) item "$what" conntrack -L ;;
        ethtool-k.txt) item "$what" all_offloads ;;
        proc-sys.txt) item "$what" sysctls ;;
        subnet.env) item "$what" cat "$ROOT/run/flannel/subnet.env" ;;
        kubernetes.json) item "$what" kubernetes ;;
        *) printf '%s error %s unknown item\n' "$B" "$what" ;;
    esac
done
