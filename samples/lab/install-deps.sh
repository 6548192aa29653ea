#!/usr/bin/env bash
# Installs the Debian packages the lab needs (see README.md). Run as root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
    iproute2 iptables ethtool tcpdump tshark wireshark-common socat iperf3 iputils-ping \
    jq procps util-linux coreutils python3 nftables
