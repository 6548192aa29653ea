# shellcheck shell=bash
# Scenario definitions. Each scenario_<name> sets the topology; traffic_<name> sends the
# bounded traffic. Addresses follow the published flannel walk-throughs.

SCENARIOS=(vxlan-masq k8s-vxlan mtu-trouble udp-masq hostgw-masq vxlan-3host
           underlay-loss pmtu-blackhole stale-vtep bad-checksum bad-checksum-nocsum
           k8s-service-dnat short-snaplen vxlan-mirror hostgw-sparse drop-in-host capture-gap any-snaplen
           calico-vxlan ipip vxlan-v6 dual-stack)

describe() {
    case $1 in
        vxlan-masq) echo "flannel vxlan 10.102.0.0/16 on 2 docker hosts (ens33 172.16.112.133/.130), docker ip-masq: pod traffic SNATed to the flannel.1 address" ;;
        k8s-vxlan) echo "Kubernetes layout: flannel vxlan 10.244.0.0/16, cni0, 3 workers 10.0.0.2-4 on eth0, flannel ip-masq (pod-to-pod not NATed), offloads on" ;;
        mtu-trouble) echo "vxlan with pod/bridge MTU 1500 over a 1450 overlay and a 1400 underlay: frag-needed, inner and outer fragmentation" ;;
        udp-masq) echo "flannel udp backend 10.101.0.0/16 (flannel0 TUN + UDP 8285 forwarder), docker ip-masq: SNAT to flannel0's .0 address" ;;
        hostgw-masq) echo "flannel host-gw 10.100.0.0/16 over ens33 172.16.112.133/.130, docker ip-masq: SNAT to the host's underlay address" ;;
        vxlan-3host) echo "flannel vxlan 10.254.0.0/16 on 3 hosts 192.168.254.10-12 (enp0s8), flannel ip-masq: pod-to-pod not NATed, pod-to-host masqueraded" ;;
        underlay-loss) echo "FAULT: flannel vxlan 10.110.0.0/16, the switch drops every 4th VXLAN packet from host1 (172.16.110.21) to host2 (.22), none the other way" ;;
        pmtu-blackhole) echo "FAULT: pod/docker0 MTU 1500 over a 1450 flannel.1 (10.111.0.0/16) and host1 drops its own ICMP frag-needed: TCP's 1500-byte DF segments vanish at flannel.1" ;;
        stale-vtep) echo "FAULT: host1 (10.112.0.0/16) keeps the route/neighbour/FDB of a departed node 10.112.3.0/24 whose VTEP 172.16.113.99 no longer exists" ;;
        bad-checksum) echo "FAULT: the switch corrupts every 10th VXLAN packet host1->host2 in the inner payload and every 10th in the outer IP header (10.113.0.0/16, offloads off)" ;;
        bad-checksum-nocsum) echo "FAULT: as bad-checksum (10.115.0.0/16) but flannel.1 sends outer UDP checksum 0 (noudpcsum, what RFC 7348 recommends): the inner corruption is decapsulated and reaches pod2" ;;
        k8s-service-dnat) echo "Kubernetes layout: flannel vxlan 10.244.0.0/16, 2 workers 10.0.1.2/.3, kube-proxy-style DNAT of ClusterIP 10.96.0.10:80 to the worker2 pod :8080 on worker1, offloads off" ;;
        vxlan-mirror) echo "flannel vxlan 10.117.0.0/16 on 2 docker hosts (172.16.117.21/.22); host1 mirrors its pod's traffic (both directions, tc mirred) in VXLAN VNI 42 on UDP 4789 to a collector 172.16.117.99 that only listens" ;;
        short-snaplen) echo "flannel vxlan 10.116.0.0/16 on 2 docker hosts (172.16.116.21/.22), underlays captured with snaplen 64: outer and VXLAN headers kept, inner IP/TCP headers cut" ;;
        hostgw-sparse) echo "flannel host-gw 10.120.0.0/16 (172.16.120.21/.22), docker ip-masq, and only 3 pings pod1 -> pod2: the pod-to-pod SNAT from a handful of packets" ;;
        drop-in-host) echo "FAULT: flannel vxlan 10.121.0.0/16, host2's FORWARD chain drops UDP to pod2 port 9001: the packets die in host2 between flannel.1 and docker0" ;;
        capture-gap) echo "flannel vxlan 10.122.0.0/16, host2's docker0 capture starts late and skips echoes of odd sequence numbers: packets missing from a capture, not from the network" ;;
        any-snaplen) echo "flannel vxlan 10.123.0.0/16, besides the per-device captures: any captures of host1 with -s 96 and -s 128 (tcpdump, Linux cooked v2) and of host2 whole and with -s 128 (dumpcap pcapng, Linux cooked v1: no interface index)" ;;
        calico-vxlan) echo "Calico VXLAN: vxlan.calico VNI 4096 on UDP 4789, 2 nodes 172.16.124.21/.22 (eth0), pool 10.48.0.0/16 (a /24 block per node), cali veths with proxy ARP for the pods' gateway 169.254.1.1, no bridge, natOutgoing (pod-to-pod not NATed)" ;;
        ipip) echo "IP in IP (Calico tunl0 / flannel ipip): tunl0 emulated by a TUN device and a socat forwarder of IP protocol 4, 2 workers 172.16.125.21/.22 (eth0), 10.49.0.0/16, cni0, flannel ip-masq (pod-to-pod not NATed)" ;;
        vxlan-v6) echo "flannel IPv6 VXLAN (EnableIPv6, IPv6-only): flannel-v6.1 over an IPv6 underlay fd00:172:16:126::21/::22 (eth0), IPv6Network fd00:10:244::/56 (a /64 per node), cni0 and pods at flannel's MTU 1450 over a 1430 flannel-v6.1, ip6tables ip-masq: pod-to-pod not NATed, pod to an external host masqueraded" ;;
        dual-stack) echo "flannel dual stack: flannel.1 over IPv4 172.16.127.21/.22 and flannel-v6.1 over IPv6 fd00:172:16:127::21/::22, 10.50.0.0/16 + fd00:10:50::/56, cni0 and pods with both, traffic in both families" ;;
        *) return 1 ;;
    esac
}

# docker host: h index subnet ul_dev ul_ip ul_mac
def_docker_host() {
    local h=$1 i=$2 s=$3 a b c
    HOSTS+=("$h")
    SUBNET[$h]=$s
    UL_DEV[$h]=$4; UL_IP[$h]=$5; UL_MAC[$h]=$6
    BR_DEV[$h]=docker0
    BR_MAC[$h]=$(printf '02:42:b7:5e:00:%02x' "$i")
    IFS=. read -r a b c <<<"$s"
    # docker derives a container's MAC from its IPv4 address
    POD_MAC[$h]=$(printf '02:42:%02x:%02x:%02x:02' "$a" "$b" "$c")
    POD_VETH[$h]=$(printf 'vethd0c%02x1' "$i")
    VTEP_MAC[$h]=$(printf '6e:fa:00:00:00:%02x' "$i")
}

def_k8s_host() {
    local h=$1 i=$2 s=$3 a b c
    def_docker_host "$@"
    BR_DEV[$h]=cni0
    BR_MAC[$h]=$(printf '3e:c2:10:00:00:%02x' "$i")
    IFS=. read -r a b c <<<"$s"
    POD_MAC[$h]=$(printf '0a:58:%02x:%02x:%02x:02' "$a" "$b" "$c")
    POD_VETH[$h]=$(printf 'veth6b0c%04x' "$i")
}

scenario_vxlan-masq() {
    BACKEND=vxlan; LAYOUT=docker; NETWORK=10.102.0.0/16; MASQ=docker
    def_docker_host host1 1 10.102.20 ens33 172.16.112.133 00:0c:29:3e:71:85
    def_docker_host host2 2 10.102.19 ens33 172.16.112.130 00:0c:29:a9:4c:12
}
traffic_vxlan-masq() {
    t_ping ping-1to2 host1 host2 3
    t_ping ping-2to1 host2 host1 2
    t_ping ping-1to2-1422-df host1 host2 2 1422 do
    t_tcp tcp-1to2 host1 host2 64K
    t_udp udp-1to2 host1 host2 3
}

scenario_k8s-vxlan() {
    BACKEND=vxlan; LAYOUT=k8s; NETWORK=10.244.0.0/16; MASQ=flannel; OFFLOADS=on
    def_k8s_host worker1 1 10.244.1 eth0 10.0.0.2 52:54:00:4b:0a:02
    def_k8s_host worker2 2 10.244.2 eth0 10.0.0.3 52:54:00:4b:0a:03
    def_k8s_host worker3 3 10.244.3 eth0 10.0.0.4 52:54:00:4b:0a:04
}
traffic_k8s-vxlan() {
    t_ping ping-1to2 worker1 worker2 3
    t_ping ping-1to3 worker1 worker3 2
    t_tcp tcp-1to2 worker1 worker2 64K
    t_udp udp-1to3 worker1 worker3 2
}

scenario_mtu-trouble() {
    BACKEND=vxlan; LAYOUT=docker; NETWORK=10.102.0.0/16; MASQ=off
    UL_MTU=1400; OV_MTU=1450; BR_MTU=1500; POD_MTU=1500
    def_docker_host host1 1 10.102.20 ens33 172.16.112.133 00:0c:29:3e:71:85
    def_docker_host host2 2 10.102.19 ens33 172.16.112.130 00:0c:29:a9:4c:12
}
traffic_mtu-trouble() {
    t_ping ping-small host1 host2 2
    # Order matters: a pod that has learned PMTU 1450 from a frag-needed fragments by itself
    # and advertises MSS 1410, so the DF-less ping and the TCP transfer come first.
    t_ping ping-1472-nodf host1 host2 2 1472 dont
    # pod2's 1500-byte DF segments draw a frag-needed from host2, TCP resends at 1450
    t_tcp tcp-2to1 host2 host1 16K
    t_ping ping-1472-df host1 host2 2 1472 do
    t_ping ping-1422-df host1 host2 2 1422 do
}

scenario_udp-masq() {
    BACKEND=udp; LAYOUT=docker; NETWORK=10.101.0.0/16; MASQ=docker
    def_docker_host host1 1 10.101.83 ens33 172.16.112.133 00:0c:29:3e:71:85
    def_docker_host host2 2 10.101.12 ens33 172.16.112.130 00:0c:29:a9:4c:12
}
traffic_udp-masq() {
    t_ping ping-1to2 host1 host2 3
    t_ping ping-2to1 host2 host1 2
    t_ping ping-1to2-1444-df host1 host2 2 1444 do
    t_tcp tcp-1to2 host1 host2 64K
    t_udp udp-1to2 host1 host2 3
}

scenario_hostgw-masq() {
    BACKEND=host-gw; LAYOUT=docker; NETWORK=10.100.0.0/16; MASQ=docker
    def_docker_host host1 1 10.100.63 ens33 172.16.112.133 00:0c:29:3e:71:85
    def_docker_host host2 2 10.100.45 ens33 172.16.112.130 00:0c:29:a9:4c:12
}
traffic_hostgw-masq() {
    t_ping ping-1to2 host1 host2 3
    t_ping ping-2to1 host2 host1 2
    t_tcp tcp-1to2 host1 host2 64K
    t_udp udp-1to2 host1 host2 3
}

scenario_vxlan-3host() {
    BACKEND=vxlan; LAYOUT=docker; NETWORK=10.254.0.0/16; MASQ=flannel
    def_docker_host host1 1 10.254.36 enp0s8 192.168.254.10 08:00:27:b1:5c:0a
    def_docker_host host2 2 10.254.50 enp0s8 192.168.254.11 08:00:27:6d:e2:0b
    def_docker_host host3 3 10.254.94 enp0s8 192.168.254.12 08:00:27:f4:93:0c
}
traffic_vxlan-3host() {
    t_ping ping-1to2 host1 host2 3
    t_ping ping-1to3 host1 host3 3
    t_ping ping-2to3 host2 host3 2
    t_ping ping-1tohost2 host1 192.168.254.11 2
    t_tcp tcp-1to3 host1 host3 64K
    t_udp udp-1to2 host1 host2 2
}

# ---------------------------------------------------------------------------- faults ----
# Each fault scenario has a fault_<name> function that run.sh calls after building the
# topology and before starting the captures. Faults are deterministic: the switch uses an
# nftables counter (numgen inc) rather than netem's random loss/corruption (iproute2 6.1 has no
# netem seed), so the same packets are hit in every recording.

scenario_underlay-loss() {
    BACKEND=vxlan; LAYOUT=docker; NETWORK=10.110.0.0/16; MASQ=off
    def_docker_host host1 1 10.110.1 ens33 172.16.110.21 00:0c:29:6e:10:21
    def_docker_host host2 2 10.110.2 ens33 172.16.110.22 00:0c:29:6e:10:22
}
fault_underlay-loss() {
    # Every 4th VXLAN packet the switch forwards from host1's port to host2's is dropped (the
    # counter only advances for packets that reached it: host1 -> host2 UDP 8472).
    sw_nft "drop every 4th VXLAN packet host1 -> host2 (sw-host1 -> sw-host2, UDP 8472)" \
'table bridge tsl_fault {
    chain forward {
        type filter hook forward priority 0; policy accept;
        iifname "sw-host1" oifname "sw-host2" udp dport 8472 numgen inc mod 4 == 3 counter drop
    }
}'
}
traffic_underlay-loss() {
    # requests 1..20: the 4th, 8th, .. 20th VXLAN packet host1 -> host2 is a request
    t_ping_n ping-1to2 host1 host2 20 0.05
    # the other way the requests are not touched, but host1's replies are VXLAN host1 -> host2:
    # the counter goes on from 20, so the 4th reply (packet 24) is dropped
    t_ping_n ping-2to1 host2 host1 4 0.05
}

scenario_pmtu-blackhole() {
    BACKEND=vxlan; LAYOUT=docker; NETWORK=10.111.0.0/16; MASQ=off
    UL_MTU=1500; OV_MTU=1450; BR_MTU=1500; POD_MTU=1500
    def_docker_host host1 1 10.111.1 ens33 172.16.111.21 00:0c:29:6e:11:21
    def_docker_host host2 2 10.111.2 ens33 172.16.111.22 00:0c:29:6e:11:22
}
fault_pmtu-blackhole() {
    # host1 forwards pod1's 1500-byte DF packets into the 1450 flannel.1, so it must drop them
    # and send ICMP frag-needed; a firewall dropping ICMP makes that a black hole. Locally
    # generated ICMP errors go through OUTPUT.
    ipt host1 -A OUTPUT -p icmp --icmp-type fragmentation-needed -j DROP
    record_fault "$(jq -cn '{kind:"iptables", host:"host1",
        what:"host1 drops the ICMP frag-needed it generates (OUTPUT), pod MTU 1500 > overlay MTU 1450",
        rule:"iptables -A OUTPUT -p icmp --icmp-type fragmentation-needed -j DROP"}')"
}
traffic_pmtu-blackhole() {
    # small packets pass
    t_ping ping-1to2 host1 host2 3
    # the handshake passes (MSS 1460 both ways), the 1500-byte segments never arrive
    t_tcp_stall tcp-1to2 host1 host2 200000 4
}

scenario_stale-vtep() {
    BACKEND=vxlan; LAYOUT=docker; NETWORK=10.112.0.0/16; MASQ=off
    def_docker_host host1 1 10.112.1 ens33 172.16.113.21 00:0c:29:6e:13:21
    def_docker_host host2 2 10.112.2 ens33 172.16.113.22 00:0c:29:6e:13:22
}
fault_stale-vtep() {
    # host3 (10.112.3.0/24, VTEP 172.16.113.99, MAC 6e:fa:00:00:00:03) left the cluster but
    # host1 still has what flanneld programmed for it, and its ARP entry for the departed
    # node is still cached (stale): the VXLAN packets leave host1 towards a MAC nobody has, and
    # the switch floods them as unknown unicast.
    local hns
    hns=$(host_ns host1)
    ip -n "$hns" route add 10.112.3.0/24 via 10.112.3.0 dev flannel.1 onlink
    ip -n "$hns" neigh replace 10.112.3.0 lladdr 6e:fa:00:00:00:03 dev flannel.1 nud permanent
    nsx "$hns" bridge fdb append 6e:fa:00:00:00:03 dev flannel.1 dst 172.16.113.99 self permanent
    ip -n "$hns" neigh replace 172.16.113.99 lladdr 00:0c:29:6e:13:99 dev ens33 nud stale
    record_fault "$(jq -cn '{kind:"stale-vtep", host:"host1",
        what:"route, neighbour and FDB entry of a departed node; its ARP entry still cached (stale)",
        subnet:"10.112.3.0/24", vtep:"172.16.113.99", vtepMac:"6e:fa:00:00:00:03",
        underlayMac:"00:0c:29:6e:13:99",
        commands:["ip route add 10.112.3.0/24 via 10.112.3.0 dev flannel.1 onlink",
                  "ip neigh replace 10.112.3.0 lladdr 6e:fa:00:00:00:03 dev flannel.1 nud permanent",
                  "bridge fdb append 6e:fa:00:00:00:03 dev flannel.1 dst 172.16.113.99 self permanent",
                  "ip neigh replace 172.16.113.99 lladdr 00:0c:29:6e:13:99 dev ens33 nud stale"]}')"
}
traffic_stale-vtep() {
    t_ping ping-1to2 host1 host2 3
    t_ping ping-2to1 host2 host1 2
    # last, and within the 5 s a stale ARP entry is used unchecked (delay_first_probe_time):
    # no ARP probe for the departed node falls into the captures
    t_ping_n ping-1to3 host1 10.112.3.2 4 0.3
}

scenario_bad-checksum() {
    BACKEND=vxlan; LAYOUT=docker; NETWORK=10.113.0.0/16; MASQ=off; OFFLOADS=off
    def_docker_host host1 1 10.113.1 ens33 172.16.114.21 00:0c:29:6e:14:21
    def_docker_host host2 2 10.113.2 ens33 172.16.114.22 00:0c:29:6e:14:22
}
fault_bad-checksum() {
    # One bit flipped in every 10th VXLAN packet host1 -> host2 (3rd, 13th, ..) in the inner
    # UDP payload (its first byte, 't' -> 'T'), and in every 10th (7th, 17th, ..) in the outer
    # IP identification. nftables does not fix checksums for raw payload writes, so these are
    # real bad checksums: the outer UDP checksum of Linux VXLAN is 0 (not used), so the first
    # shows as a bad inner UDP checksum, the second as a bad outer IP header checksum.
    sw_nft "flip one bit in every 10th VXLAN packet host1 -> host2: inner UDP payload (3rd, 13th, ..) and outer IP id (7th, 17th, ..)" \
'table bridge tsl_fault {
    chain forward {
        type filter hook forward priority 0; policy accept;
        iifname "sw-host1" oifname "sw-host2" udp dport 8472 numgen inc mod 10 == 2 counter @th,464,8 set @th,464,8 ^ 0x20
        iifname "sw-host1" oifname "sw-host2" udp dport 8472 numgen inc mod 10 == 6 counter @nh,32,16 set @nh,32,16 ^ 0x0100
    }
}'
}
traffic_bad-checksum() {
    t_udp udp-1to2 host1 host2 50 0.05
    # host1's replies are VXLAN packets 51 and 52 host1 -> host2: not hit (3rd/7th of ten)
    t_ping ping-2to1 host2 host1 2
}

scenario_bad-checksum-nocsum() {
    BACKEND=vxlan; LAYOUT=docker; NETWORK=10.115.0.0/16; MASQ=off; OFFLOADS=off
    VXLAN_UDPCSUM=off
    def_docker_host host1 1 10.115.1 ens33 172.16.115.21 00:0c:29:6e:15:21
    def_docker_host host2 2 10.115.2 ens33 172.16.115.22 00:0c:29:6e:15:22
}
fault_bad-checksum-nocsum() {
    # Without the outer UDP checksum nothing on the underlay covers the inner packet: host2
    # decapsulates the corrupted ones, and only pod2's UDP stack sees the bad checksum.
    record_fault "$(jq -cn '{kind:"vxlan-config", what:"flannel.1 on both hosts created with noudpcsum: outer UDP checksum 0",
        command:"ip link add flannel.1 ... type vxlan id 1 ... dstport 8472 nolearning noudpcsum"}')"
    fault_bad-checksum
}
traffic_bad-checksum-nocsum() { traffic_bad-checksum; }

# -------------------------------------------------------------------- more scenarios ----
scenario_k8s-service-dnat() {
    BACKEND=vxlan; LAYOUT=k8s; NETWORK=10.244.0.0/16; MASQ=flannel; OFFLOADS=off
    # where the DNAT shows in the captures depends on br_netfilter: with bridge-nf-call-iptables=1
    # the nat PREROUTING hook runs at the cni0 port, before the cni0 capture sees the frame; with 0
    # the frame goes up through cni0 and is routed, so cni0 shows the ClusterIP. 0 here, so a
    # machine without the module records the same.
    BR_NF_CALL_IPTABLES=0
    def_k8s_host worker1 1 10.244.1 eth0 10.0.1.2 52:54:00:4b:0b:02
    def_k8s_host worker2 2 10.244.2 eth0 10.0.1.3 52:54:00:4b:0b:03
}
setup_k8s-service-dnat() {
    # not a fault: the Service kube-proxy (iptables mode) would program on worker1, reduced to
    # one DNAT per hook (KUBE-SERVICES -> KUBE-SVC -> KUBE-SEP collapsed): PREROUTING for what
    # the node's pods send, OUTPUT for the node's own processes
    local vip=10.96.0.10 bip
    bip=$(pod_ip worker2)
    ipt worker1 -t nat -A PREROUTING -d "$vip/32" -p tcp --dport 80 -m comment --comment "default/web:http cluster IP" \
        -j DNAT --to-destination "$bip:8080"
    ipt worker1 -t nat -A OUTPUT -d "$vip/32" -p tcp --dport 80 -m comment --comment "default/web:http cluster IP" \
        -j DNAT --to-destination "$bip:8080"
    SERVICE_JSON=$(jq -cn --arg v "$vip" --arg b "$bip" --arg h worker1 \
        --arg brnf "$(nsx "$(host_ns worker1)" sysctl -n net.bridge.bridge-nf-call-iptables 2>/dev/null || echo absent)" \
        '{name:"default/web", type:"ClusterIP", clusterIP:$v, port:80, protocol:"TCP",
          endpoints:[{pod:"worker2-pod", address:$b, port:8080}], natHost:$h, proxyMode:"iptables",
          bridgeNfCallIptables:$brnf}')
}
traffic_k8s-service-dnat() {
    t_tcp_svc svc-1to2 worker1 worker2 10.96.0.10 80 8080 3
}

scenario_short-snaplen() {
    BACKEND=vxlan; LAYOUT=docker; NETWORK=10.116.0.0/16; MASQ=off; OFFLOADS=off
    # the underlay captures keep 64 bytes per frame: outer Ethernet/IP/UDP (42) + VXLAN (8) +
    # inner Ethernet (14); the inner IP header and everything after it are cut
    UL_SNAPLEN=64
    def_docker_host host1 1 10.116.1 ens33 172.16.116.21 00:0c:29:6e:16:21
    def_docker_host host2 2 10.116.2 ens33 172.16.116.22 00:0c:29:6e:16:22
}
traffic_short-snaplen() {
    t_ping ping-1to2 host1 host2 3
    t_tcp tcp-1to2 host1 host2 16K
}

scenario_vxlan-mirror() {
    BACKEND=vxlan; LAYOUT=docker; NETWORK=10.117.0.0/16; MASQ=off
    def_docker_host host1 1 10.117.1 ens33 172.16.117.21 00:0c:29:6e:17:21
    def_docker_host host2 2 10.117.2 ens33 172.16.117.22 00:0c:29:6e:17:22
    EXTRA_CAPTURES+=("collector-eth0.pcap|collector|eth0|underlay|$(host_ns collector)|tcpdump|")
}
setup_vxlan-mirror() {
    # A traffic-mirroring collector on the underlay switch: it listens on UDP 4789 (so no ICMP
    # port unreachable goes back) and never sends anything, as cloud mirroring targets behave.
    local cns hns veth
    cns=$(host_ns collector); hns=$(host_ns host1); veth=${POD_VETH[host1]}
    ns_base "$cns"
    ip -n "$cns" link add eth0 address 00:0c:29:6e:17:99 mtu "$UL_MTU" type veth \
        peer name sw-collector netns "$SW_NS" mtu "$UL_MTU"
    ip -n "$SW_NS" link set sw-collector master sw0 up
    ip -n "$cns" addr add 172.16.117.99/24 dev eth0
    ip -n "$cns" link set eth0 up
    ip netns exec "$cns" socat -u UDP4-RECV:4789 OPEN:/dev/null 2>>"$LOGDIR/traffic.log" &
    PIDS+=("$!")
    # host1 copies every frame its pod sends and receives into VXLAN VNI 42 towards the collector.
    ip -n "$hns" link add mirror0 type vxlan id 42 local "${UL_IP[host1]}" remote 172.16.117.99 \
        dev "${UL_DEV[host1]}" dstport 4789
    ip -n "$hns" link set mirror0 up
    nsx "$hns" tc qdisc add dev "$veth" clsact
    nsx "$hns" tc filter add dev "$veth" ingress u32 match u32 0 0 action mirred egress mirror dev mirror0
    nsx "$hns" tc filter add dev "$veth" egress u32 match u32 0 0 action mirred egress mirror dev mirror0
    record_fault "$(jq -cn --arg v "$veth" '{kind:"traffic-mirror", host:"host1",
        what:"both directions of the pod veth mirrored in VXLAN to a collector that only listens",
        collector:"172.16.117.99", vni:42, dstPort:4789, device:"mirror0",
        commands:["ip link add mirror0 type vxlan id 42 local 172.16.117.21 remote 172.16.117.99 dev ens33 dstport 4789",
                  ("tc qdisc add dev " + $v + " clsact"),
                  ("tc filter add dev " + $v + " ingress u32 match u32 0 0 action mirred egress mirror dev mirror0"),
                  ("tc filter add dev " + $v + " egress u32 match u32 0 0 action mirred egress mirror dev mirror0")]}')"
}
traffic_vxlan-mirror() {
    t_ping ping-1to2 host1 host2 4
    t_ping ping-2to1 host2 host1 3
}

# ------------------------------------------------------------ harder cases ----

scenario_hostgw-sparse() {
    BACKEND=host-gw; LAYOUT=docker; NETWORK=10.120.0.0/16; MASQ=docker
    def_docker_host host1 1 10.120.1 ens33 172.16.120.21 00:0c:29:6e:20:21
    def_docker_host host2 2 10.120.2 ens33 172.16.120.22 00:0c:29:6e:20:22
}
traffic_hostgw-sparse() {
    t_ping ping-1to2 host1 host2 3
}

scenario_drop-in-host() {
    BACKEND=vxlan; LAYOUT=docker; NETWORK=10.121.0.0/16; MASQ=off
    def_docker_host host1 1 10.121.1 ens33 172.16.121.21 00:0c:29:6e:21:21
    def_docker_host host2 2 10.121.2 ens33 172.16.121.22 00:0c:29:6e:21:22
}
fault_drop-in-host() {
    # What a NetworkPolicy or a stray rule does: forwarded UDP to one pod port never reaches the
    # bridge. The packet is decapsulated on flannel.1, then dropped in FORWARD.
    local rule=(-I FORWARD -d "$(pod_ip host2)" -p udp --dport 9001 -j DROP)
    ipt host2 "${rule[@]}"
    record_fault "$(jq -cn --arg r "iptables ${rule[*]}" \
        '{host:"host2", kind:"iptables", rule:$r, effect:"UDP to pod2 port 9001 dies in host2 between flannel.1 and docker0"}')"
}
traffic_drop-in-host() {
    t_ping ping-1to2 host1 host2 3
    t_udp udp-1to2 host1 host2 3
    t_udp udp-1to2-blocked host1 host2 4 0.2 9001
}

scenario_capture-gap() {
    BACKEND=vxlan; LAYOUT=docker; NETWORK=10.122.0.0/16; MASQ=off
    def_docker_host host1 1 10.122.1 ens33 172.16.122.21 00:0c:29:6e:22:21
    def_docker_host host2 2 10.122.2 ens33 172.16.122.22 00:0c:29:6e:22:22
    # host2's bridge is captured by its own file only (no multi-interface capture), which starts
    # after the first pings and skips echo requests and replies of odd sequence numbers.
    NO_MULTI=1
    LATE_CAPTURE[host2-docker0.pcap]=1
    CAPTURE_FILTER[host2-docker0.pcap]='not (icmp and (icmp[7] & 1) = 1)'
}
traffic_capture-gap() {
    t_ping_n ping-1to2-early host1 host2 4 0.2
    start_late_capture host2-docker0.pcap
    t_ping_n ping-1to2 host1 host2 6 0.2
}

scenario_any-snaplen() {
    BACKEND=vxlan; LAYOUT=docker; NETWORK=10.123.0.0/16; MASQ=off
    def_docker_host host1 1 10.123.1 ens33 172.16.123.21 00:0c:29:6e:23:21
    def_docker_host host2 2 10.123.2 ens33 172.16.123.22 00:0c:29:6e:23:22
    EXTRA_CAPTURES=(
        "host1-any96.pcap|host1|any|any|$(host_ns host1)|tcpdump|LINUX_SLL2|96"
        "host1-any128.pcap|host1|any|any|$(host_ns host1)|tcpdump|LINUX_SLL2|128"
        "host2-anyv1.pcapng|host2|any|any|$(host_ns host2)|tshark|LINUX_SLL|"
        "host2-anyv1s128.pcapng|host2|any|any|$(host_ns host2)|tshark|LINUX_SLL|128"
    )
}
traffic_any-snaplen() {
    t_ping ping-1to2 host1 host2 3
    t_ping ping-2to1 host2 host1 2
    t_tcp tcp-1to2 host1 host2 16K
    t_udp udp-1to2 host1 host2 3
}

# ------------------------------------------------------------ other CNIs' overlays ----

# Calico node: no bridge; the host side of the pod's veth is cali<11 hex> (Felix names it after
# a hash of the workload), MAC ee:ee:ee:ee:ee:ee; the pod's eth0 has a MAC of its own.
def_calico_host() {
    local h=$1 i=$2 s=$3 a b c
    def_docker_host "$@"
    BR_DEV[$h]=""
    BR_MAC[$h]=""
    IFS=. read -r a b c <<<"$s"
    POD_MAC[$h]=$(printf '8a:3c:%02x:%02x:%02x:02' "$a" "$b" "$c")
    POD_VETH[$h]=$(printf 'cali%011x' $((0x5a1c0de0000 + i)))
    VTEP_MAC[$h]=$(printf '66:c0:a1:1c:00:%02x' "$i")
    UL_GW[$h]=${UL_IP[$h]%.*}.1
}

scenario_calico-vxlan() {
    # Calico's VXLAN mode (IPPool vxlanMode: Always, blockSize 24 so a node's block is a /24):
    # vxlan.calico, VNI 4096, UDP 4789, MTU 1450, its address the block's first; per peer the
    # same route/neighbour/FDB triple flannel programs.
    BACKEND=vxlan; LAYOUT=calico; NETWORK=10.48.0.0/16; MASQ=calico
    OV_NAME=vxlan.calico; VXLAN_VNI=4096; VXLAN_PORT=4789
    def_calico_host node1 1 10.48.1 eth0 172.16.124.21 52:54:00:7c:24:21
    def_calico_host node2 2 10.48.2 eth0 172.16.124.22 52:54:00:7c:24:22
}
traffic_calico-vxlan() {
    t_ping ping-1to2 node1 node2 3
    t_ping ping-2to1 node2 node1 2
    t_ping ping-1to2-1422-df node1 node2 2 1422 do
    t_tcp tcp-1to2 node1 node2 16K
    t_udp udp-1to2 node1 node2 3
}

scenario_ipip() {
    # IP in IP as Calico (ipipMode: Always) and flannel's ipip backend run it: tunl0, MTU
    # underlay-20, routes to the peer's subnet via its underlay address onlink on tunl0.
    BACKEND=ipip; LAYOUT=k8s; NETWORK=10.49.0.0/16; MASQ=flannel
    def_k8s_host worker1 1 10.49.1 eth0 172.16.125.21 52:54:00:7d:25:21
    def_k8s_host worker2 2 10.49.2 eth0 172.16.125.22 52:54:00:7d:25:22
}
traffic_ipip() {
    t_ping ping-1to2 worker1 worker2 3
    t_ping ping-2to1 worker2 worker1 2
    t_ping ping-1to2-1452-df worker1 worker2 2 1452 do
    t_tcp tcp-1to2 worker1 worker2 16K
    t_udp udp-1to2 worker1 worker2 3
}

# ------------------------------------------------------------ IPv6 and dual stack ----

# A Kubernetes node of an IPv6-only flannel cluster: h index subnet6 ul_dev ul_ip6 ul_mac. The
# CNI bridge plugin gives pods no address-derived MAC in IPv6; fixed ones keep captures stable.
def_v6_host() {
    local h=$1 i=$2
    HOSTS+=("$h")
    SUBNET6[$h]=$3
    UL_DEV[$h]=$4; UL_IP6[$h]=$5; UL_MAC[$h]=$6
    BR_DEV[$h]=cni0
    BR_MAC[$h]=$(printf '3e:c2:10:00:06:%02x' "$i")
    POD_MAC[$h]=$(printf '0a:58:fd:00:%02x:02' "$i")
    POD_VETH[$h]=$(printf 'veth6b0c%04x' "$i")
    VTEP6_MAC[$h]=$(printf '6e:fa:00:00:06:%02x' "$i")
}

# A dual-stack node: h index subnet subnet6 ul_dev ul_ip ul_ip6 ul_mac
def_dual_host() {
    local h=$1 i=$2
    def_k8s_host "$h" "$i" "$3" "$5" "$6" "$8"
    SUBNET6[$h]=$4; UL_IP6[$h]=$7
    VTEP6_MAC[$h]=$(printf '6e:fa:00:00:06:%02x' "$i")
}

# an external host on the underlay switch: not a node, no route to the pods (it only sees the
# node's address the pods' traffic is masqueraded to)
add_external_host() { # address/len mac
    local ens
    ens=$(host_ns external)
    ns_base "$ens" ipv6
    ip -n "$ens" link add eth0 address "$2" mtu "$UL_MTU" type veth peer name sw-external netns "$SW_NS" mtu "$UL_MTU"
    ip -n "$SW_NS" link set sw-external master sw0 up
    ip -n "$ens" addr add "$1" dev eth0 nodad
    ip -n "$ens" link set eth0 up
    EXTERNAL_JSON=$(jq -cn --arg a "$1" --arg m "$2" --arg ns "$ens" \
        '{name:"external", namespace:$ns, device:"eth0", address:$a, mac:$m,
          what:"a host outside the cluster network on the underlay switch, no route to the pods, not captured"}')
}

scenario_vxlan-v6() {
    # flannel with EnableIPv6 (and EnableIPv4 false): flannel-v6.1, VNI 1, UDP 8472, local = the
    # node's IPv6 address, its /64's first address as /128, per peer route/neighbour/FDB. The
    # MTU flannel writes to subnet.env (and the CNI gives cni0 and the pods) is the underlay's
    # minus 50 whatever the family (pkg/backend/vxlan: encapOverhead = 50), while the kernel sizes
    # a vxlan device over an IPv6 lower device at minus 70: pods at 1450 over a 1430 overlay.
    BACKEND=vxlan; LAYOUT=k8s; FAMILY=v6; MASQ=flannel
    NETWORK6=fd00:10:244::/56; NETWORK=$NETWORK6
    BR_MTU=1450
    def_v6_host worker1 1 fd00:10:244:1 eth0 fd00:172:16:126::21 52:54:00:7e:26:21
    def_v6_host worker2 2 fd00:10:244:2 eth0 fd00:172:16:126::22 52:54:00:7e:26:22
}
setup_vxlan-v6() {
    add_external_host fd00:172:16:126::99/64 52:54:00:7e:26:99
}
traffic_vxlan-v6() {
    t_ping ping-1to2 worker1 worker2 3
    t_ping ping-2to1 worker2 worker1 2
    # Order matters (as in mtu-trouble): a pod that learned the path MTU from a Packet Too Big
    # advertises the smaller MSS, so the TCP transfer goes first. pod2's full-size (1450-byte)
    # segments are 20 above flannel-v6.1's MTU: worker2 answers with ICMPv6 Packet Too Big
    # (MTU 1430) and TCP resends smaller.
    t_tcp tcp-2to1 worker2 worker1 64K
    # 1402 bytes of payload: a 1450-byte IPv6 packet, the same Packet Too Big from worker1; the
    # second request fails in the pod (it learned MTU 1430)
    t_ping ping-1to2-1402 worker1 worker2 2 1402 do
    t_udp udp-1to2 worker1 worker2 3
    # leaving the cluster network: masqueraded to worker1's address by flannel's ip6tables rules
    t_ping ping-1toext worker1 fd00:172:16:126::99 2
    t_tcp_ext tcp-1toext worker1 fd00:172:16:126::99 8080 16384
}

scenario_dual-stack() {
    # flannel with EnableIPv4 and EnableIPv6: flannel.1 over the IPv4 underlay and flannel-v6.1
    # over the IPv6 one, one lease with a /24 and a /64; cni0 and pods at flannel's MTU 1450
    BACKEND=vxlan; LAYOUT=k8s; FAMILY=dual; MASQ=flannel
    NETWORK=10.50.0.0/16; NETWORK6=fd00:10:50::/56
    def_dual_host worker1 1 10.50.1 fd00:10:50:1 eth0 172.16.127.21 fd00:172:16:127::21 52:54:00:7f:27:21
    def_dual_host worker2 2 10.50.2 fd00:10:50:2 eth0 172.16.127.22 fd00:172:16:127::22 52:54:00:7f:27:22
}
traffic_dual-stack() {
    t_ping ping-1to2 worker1 worker2 3
    t_ping ping-2to1 worker2 worker1 2
    t_tcp tcp-1to2 worker1 worker2 16K
    t_udp udp-1to2 worker1 worker2 3
    TFAM=6
    t_ping ping6-1to2 worker1 worker2 3
    t_ping ping6-2to1 worker2 worker1 2
    t_tcp tcp6-1to2 worker1 worker2 16K
    t_udp udp6-1to2 worker1 worker2 3
    TFAM=4
}
