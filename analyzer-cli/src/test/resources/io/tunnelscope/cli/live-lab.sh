#!/usr/bin/env bash
# Namespace lab of LiveCommandLabTest: two "hosts" joined by a veth pair (underlay ul0,
# 192.168.77.1/.2), each with flannel.1 programmed exactly as flanneld's vxlan backend does it
# (VNI 1, dstport 8472, nolearning, 10.77.N.0/32, MTU 1450, onlink route + permanent neigh +
# fdb entry for the peer; see samples/lab/lib.sh build_vxlan). The underlay neighbours are
# permanent too, so that a ping produces exactly four packets per capture on the two devices.
# Host 1 also has a spare veth pair (gone0 10.99.1.1/gone1) that a test deletes under a running capture,
# two veths into a third namespace for floods (fl1 10.78.1.1 -> 10.78.1.2, fl2 10.78.2.1 ->
# 10.78.2.2 in PREFIX-h3), and a veth whose name holds ESC, BEL and the 8-bit CSI (10.99.2.1, peer
# evilp).
#
#   live-lab.sh up PREFIX     builds PREFIX-h1, PREFIX-h2, PREFIX-h3 (PREFIX must start with tsl-live-)
#   live-lab.sh down PREFIX   kills what runs inside them and deletes them
set -euo pipefail

cmd=${1:?up|down}
prefix=${2:?namespace prefix}
[[ $prefix == tsl-live-* ]] || { echo "prefix must start with tsl-live-" >&2; exit 2; }
H1=$prefix-h1
H2=$prefix-h2
H3=$prefix-h3

down() {
    local ns pid
    for ns in "$H1" "$H2" "$H3"; do
        if ip netns list | awk '{print $1}' | grep -qx "$ns"; then
            for pid in $(ip netns pids "$ns" 2>/dev/null); do
                kill -KILL "$pid" 2>/dev/null || true
            done
            ip netns del "$ns" 2>/dev/null || true
        fi
    done
}

up() {
    down
    local ns i peer
    for ns in "$H1" "$H2" "$H3"; do
        ip netns add "$ns"
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
        ip -n "$ns" link set lo up
    done
    ip -n "$H1" link add ul0 address 02:77:00:00:00:01 type veth \
        peer name ul0 netns "$H2" address 02:77:00:00:00:02
    for i in 1 2; do
        ns=$prefix-h$i
        peer=$((3 - i))
        ip -n "$ns" addr add "192.168.77.$i/24" dev ul0
        ip -n "$ns" link set ul0 up
        ip -n "$ns" neigh replace "192.168.77.$peer" lladdr "02:77:00:00:00:0$peer" dev ul0 nud permanent
        ip -n "$ns" link add flannel.1 address "0e:77:00:00:00:0$i" type vxlan id 1 \
            local "192.168.77.$i" dev ul0 dstport 8472 nolearning
        ip -n "$ns" link set flannel.1 mtu 1450
        ip -n "$ns" addr add "10.77.$i.0/32" dev flannel.1
        ip -n "$ns" link set flannel.1 up
        ip -n "$ns" route add "10.77.$peer.0/24" via "10.77.$peer.0" dev flannel.1 onlink
        ip -n "$ns" neigh replace "10.77.$peer.0" lladdr "0e:77:00:00:00:0$peer" dev flannel.1 nud permanent
        ip netns exec "$ns" bridge fdb append "0e:77:00:00:00:0$peer" dev flannel.1 dst "192.168.77.$peer" \
            self permanent
        # Checksums computed in software, as on a real NIC's wire (no "checksum wrong" notes).
        ip netns exec "$ns" ethtool -K ul0 tx off >/dev/null 2>&1 || true
        ip netns exec "$ns" ethtool -K flannel.1 tx off >/dev/null 2>&1 || true
    done
    ip -n "$H1" link add gone0 type veth peer name gone1
    ip -n "$H1" addr add 10.99.1.1/24 dev gone0
    ip -n "$H1" link set gone0 up
    ip -n "$H1" link set gone1 up
    for i in 1 2; do
        ip -n "$H1" link add name "fl$i" type veth peer name "fl${i}p" netns "$H3"
        ip -n "$H1" addr add "10.78.$i.1/24" dev "fl$i"
        ip -n "$H1" link set dev "fl$i" up
        ip -n "$H3" addr add "10.78.$i.2/24" dev "fl${i}p"
        ip -n "$H3" link set dev "fl${i}p" up
        ip -n "$H1" neigh replace "10.78.$i.2" lladdr "$(ip -n "$H3" -br link show dev "fl${i}p" | awk '{print $3}')" \
            dev "fl$i" nud permanent
    done
    ip -n "$H1" link add name $'t\e[1m\a\xc2\x9b' type veth peer name evilp
    ip -n "$H1" addr add 10.99.2.1/24 dev $'t\e[1m\a\xc2\x9b'
    ip -n "$H1" link set dev $'t\e[1m\a\xc2\x9b' up
    ip -n "$H1" link set dev evilp up
}

case $cmd in
    up) up ;;
    down) down ;;
    *) echo "usage: $0 up|down PREFIX" >&2; exit 2 ;;
esac
