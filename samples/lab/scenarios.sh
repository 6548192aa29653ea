# shellcheck shell=bash
# Scenario definitions. Each scenario_<name> sets the topology; traffic_<name> sends the
# bounded traffic. Addresses follow the published flannel walk-throughs.

SCENARIOS=(vxlan-masq k8s-vxlan mtu-trouble udp-masq hostgw-masq vxlan-3host)

describe() {
    case $1 in
        vxlan-masq) echo "flannel vxlan 10.102.0.0/16 on 2 docker hosts (ens33 172.16.112.133/.130), docker ip-masq: pod traffic SNATed to the flannel.1 address" ;;
        k8s-vxlan) echo "Kubernetes layout: flannel vxlan 10.244.0.0/16, cni0, 3 workers 10.0.0.2-4 on eth0, flannel ip-masq (pod-to-pod not NATed), offloads on" ;;
        mtu-trouble) echo "vxlan with pod/bridge MTU 1500 over a 1450 overlay and a 1400 underlay: frag-needed, inner and outer fragmentation" ;;
        udp-masq) echo "flannel udp backend 10.101.0.0/16 (flannel0 TUN + UDP 8285 forwarder), docker ip-masq: SNAT to flannel0's .0 address" ;;
        hostgw-masq) echo "flannel host-gw 10.100.0.0/16 over ens33 172.16.112.133/.130, docker ip-masq: SNAT to the host's underlay address" ;;
        vxlan-3host) echo "flannel vxlan 10.254.0.0/16 on 3 hosts 192.168.254.10-12 (enp0s8), flannel ip-masq: pod-to-pod not NATed, pod-to-host masqueraded" ;;
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
