#!/usr/bin/env python3
"""Derive expected.json for a recorded scenario from what tshark sees in its captures.

    samples/lab/derive-expected.py samples/captures/<scenario> [--write]

Reads scenario.json, dissects every per-hop capture with tshark (VXLAN on 8472, IP-in-UDP on
8285, IP reassembly off so every fragment is seen where it really is) and reports:
  paths      for each traffic item the capture points its first request (and reply) crossed,
             ordered by capture timestamp, and checked against the topology's expected order
  nat        where the innermost source/destination address changes between two hops
  mtuEvents  ICMP frag-needed (next-hop MTU, sending host, where seen), outer (underlay)
             fragmentation, inner fragmentation, and the configured MTU mismatches
  offloads   frames larger than the device MTU (GSO/TSO super-frames)
  traffic    what was sent, with the requests/replies actually seen on the sender's pod capture
For scenarios that inject a fault (scenario.json "faults") also:
  losses         per underlay direction A -> B: encapsulated packets A's capture sent to B and
                 how many of them B's capture never saw (matched by the inner packet)
  pmtuBlackhole  TCP flows whose segments above the overlay MTU are retransmitted, never
                 acknowledged, with no ICMP frag-needed anywhere
  unknownVteps   encapsulated packets to an underlay address that no host has
  badChecksums   per capture point, frames whose IP/UDP/TCP/ICMP checksum is wrong
For a scenario with a ClusterIP service (scenario.json "service"): the DNAT with ports, the
reply path of the first connection (SYN-ACK) and where the replies get their source rewritten
back to the service address (nat[].replyTranslation), and per capture point how many packets of
the service connections carry the service address and how many the backend's.
For captures taken with a short snapshot length (scenario.json captures[].snaplen):
  truncatedCaptures  per such capture the snaplen in its header, the frames cut short and the
                     packets whose headers were cut (tshark's "Packet size limited during
                     capture"); a capture whose encapsulated packets lose the inner IP header
                     cannot be matched to the other points, so it is left out of the paths
                     (paths[].notMatchableAt)
Without --write it prints the result; a human still reads it before committing. Exits 1 when a
path disagrees with the topology.
"""
import json
import os
import subprocess
import sys

FIELDS = ["frame.number", "frame.time_epoch", "frame.len", "ip.src", "ip.dst", "ip.flags.df",
          "ip.flags.mf", "ip.frag_offset", "ip.proto", "udp.srcport", "udp.dstport", "vxlan.vni",
          "icmp.type", "icmp.code", "icmp.ident", "icmp.seq", "icmp.mtu", "icmp.data_time", "data.data", "tcp.srcport",
          "tcp.dstport", "tcp.seq_raw", "tcp.flags.syn", "tcp.flags.ack", "ip.id", "eth.dst", "ip.len",
          "tcp.ack_raw",
          # IPv6 (flannel-v6.1, dual stack): folded into the ip.*/icmp.* view by ipv6_as_ip
          "ipv6.src", "ipv6.dst", "ipv6.nxt", "ipv6.plen", "ipv6.fraghdr.offset", "ipv6.fraghdr.more",
          "ipv6.fraghdr.ident", "icmpv6.type", "icmpv6.code", "icmpv6.echo.identifier",
          "icmpv6.echo.sequence_number", "icmpv6.mtu"]
# ICMPv6 in the ICMP terms the rest of the script speaks: echo request/reply as 8/0, Packet Too
# Big as frag-needed (3/4, its MTU as the next-hop MTU); anything else (neighbour discovery, MLD,
# router solicitations) as a type no IPv4 ICMP has, so it matches no traffic
ICMPV6_AS_ICMP = {"128": ("8", "0"), "129": ("0", "0"), "2": ("3", "4")}
ENCAP_PORTS = {"8472", "8285"}  # plus the VXLAN port of a scenario whose overlay uses another (4789)
# veth: the host side of a pod's veth where there is no bridge (Calico's cali<hex>)
PATH_ROLES = ["pod", "veth", "bridge", "overlay-vxlan", "overlay-tun", "underlay"]


def dissect(path):
    cmd = ["tshark", "-r", path, "-n", "-o", "ip.defragment:FALSE",
           "-d", "udp.port==8472,vxlan", "-d", "udp.port==8285,ip",
           "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=|"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    frames = []
    for line in out.splitlines():
        cols = line.split("\t")
        rec = {f: (cols[i].split("|") if i < len(cols) and cols[i] != "" else [])
               for i, f in enumerate(FIELDS)}
        frames.append(frame_view(rec))
    return frames


def first(lst, i=0):
    return lst[i] if len(lst) > i else None


def ipv6_as_ip(r):
    """An IPv6 frame seen through the IPv4 field names (the lab's overlays never mix families in
    one frame: flannel.1 carries IPv4 over IPv4, flannel-v6.1 IPv6 over IPv6). IPv6 has no DF:
    routers never fragment, so every packet is taken as DF set."""
    n = len(r["ipv6.src"])
    r["ip.src"], r["ip.dst"] = r["ipv6.src"], r["ipv6.dst"]
    r["ip.proto"] = ["1" if p == "58" else p for p in r["ipv6.nxt"]]
    r["ip.flags.df"] = ["1"] * n
    r["ip.flags.mf"] = r["ipv6.fraghdr.more"]
    r["ip.frag_offset"] = r["ipv6.fraghdr.offset"]
    r["ip.id"] = r["ipv6.fraghdr.ident"]
    r["ip.len"] = [str(int(p) + 40) for p in r["ipv6.plen"]]
    if r["icmpv6.type"]:
        t, c = ICMPV6_AS_ICMP.get(r["icmpv6.type"][0], (str(1000 + int(r["icmpv6.type"][0])), "0"))
        r["icmp.type"], r["icmp.code"] = [t], [c if t == "3" else first(r["icmpv6.code"]) or "0"]
        r["icmp.ident"], r["icmp.seq"] = r["icmpv6.echo.identifier"], r["icmpv6.echo.sequence_number"]
        r["icmp.mtu"] = r["icmpv6.mtu"]
    r["ipv6"] = True


def frame_view(r):
    """Outer/inner view of one frame."""
    if not r["ip.src"] and r["ipv6.src"]:
        ipv6_as_ip(r)
    # microseconds: pcap files from tcpdump are in us, pcapng from dumpcap in ns; hops on one
    # kernel path share one timestamp, so compare at the coarser precision
    sec, _, frac = r["frame.time_epoch"][0].partition(".")
    v = {"no": int(r["frame.number"][0]), "t": int(sec) * 1000000 + int((frac + "000000")[:6]),
         "len": int(r["frame.len"][0]), "raw": r}
    if not r["ip.src"]:
        v["ip"] = False
        return v
    v["ip"] = True
    encap = ((first(r["udp.dstport"]) in ENCAP_PORTS or first(r["udp.srcport"]) in ENCAP_PORTS)
             and first(r["ip.proto"]) == "17" or first(r["ip.proto"]) == "4") and len(r["ip.src"]) > 1
    k = 1 if encap else 0
    v["encap"] = encap
    v["vni"] = first(r["vxlan.vni"])
    v["outer"] = {"src": r["ip.src"][0], "dst": r["ip.dst"][0], "mf": first(r["ip.flags.mf"]) in ("1", "True"),
                  "off": int(first(r["ip.frag_offset"]) or 0), "proto": first(r["ip.proto"])}
    v["innerId"] = first(r["ip.id"], k)
    v["innerLen"] = int(first(r["ip.len"], k) or 0)
    v["eth"] = r["eth.dst"]
    v["inner"] = {"src": first(r["ip.src"], k), "dst": first(r["ip.dst"], k),
                  "df": first(r["ip.flags.df"], k) in ("1", "True"),
                  "mf": first(r["ip.flags.mf"], k) in ("1", "True"),
                  "off": int(first(r["ip.frag_offset"], k) or 0), "proto": first(r["ip.proto"], k)}
    v["icmp"] = None
    if r["icmp.type"] and v["inner"]["proto"] == "1":
        v["icmp"] = {"type": int(r["icmp.type"][0]), "code": int(first(r["icmp.code"]) or 0),
                     "ident": first(r["icmp.ident"]), "seq": first(r["icmp.seq"]),
                     # ping's payload starts with its send time (struct timeval; tshark shows
                     # whole seconds only, the microseconds are the first payload bytes)
                     "stamp": (first(r["icmp.data_time"]), (first(r["data.data"]) or "")[:16]),
                     "mtu": int(r["icmp.mtu"][0]) if r["icmp.mtu"] else None}
        if v["icmp"]["type"] == 3:
            v["icmp"]["quoted"] = {"src": first(r["ip.src"], k + 1), "dst": first(r["ip.dst"], k + 1)}
    v["tcp"] = None
    if r["tcp.srcport"] and v["inner"]["proto"] == "6":
        v["tcp"] = {"sport": r["tcp.srcport"][-1], "dport": r["tcp.dstport"][-1],
                    "seq": r["tcp.seq_raw"][-1], "ackNo": (r["tcp.ack_raw"] or [None])[-1],
                    "syn": r["tcp.flags.syn"][-1] in ("1", "True"),
                    "ack": r["tcp.flags.ack"][-1] in ("1", "True")}
    v["udp"] = None
    if r["udp.srcport"] and v["inner"]["proto"] == "17":
        v["udp"] = {"sport": r["udp.srcport"][-1], "dport": r["udp.dstport"][-1]}
    return v


def frag_needed_list(fn):
    return [{"src": k[0], "dst": k[1], "mtu": k[2], "quoted": v["quoted"]} for k, v in fn.items()]


# ------------------------------------------------------------------ fault scenarios ----
def inner_key(f):
    """What identifies an encapsulated packet on both underlays, even when a bit of it was
    corrupted in between: the inner addresses, protocol, IP id and ICMP/TCP/UDP details."""
    r = f["raw"]
    ic = f["icmp"] or {}
    return (f["inner"]["src"], f["inner"]["dst"], f["inner"]["proto"], f["innerId"], ic.get("type"), ic.get("seq"),
            (f["tcp"] or {}).get("seq"), (f["udp"] or {}).get("sport"))


def describe_inner(f):
    i = f["inner"]
    if f["icmp"]:
        kind = {8: "echo request", 0: "echo reply"}.get(f["icmp"]["type"], f"type {f['icmp']['type']}")
        return f"{i['src']} > {i['dst']} icmp {kind} seq={f['icmp']['seq']}"
    if f["tcp"]:
        return f"{i['src']}:{f['tcp']['sport']} > {i['dst']}:{f['tcp']['dport']} tcp"
    if f["udp"]:
        return f"{i['src']}:{f['udp']['sport']} > {i['dst']}:{f['udp']['dport']} udp ip.id={f['innerId']}"
    return f"{i['src']} > {i['dst']} proto {i['proto']} ip.id={f['innerId']}"


def fault_facts(d, sc, caps, frames, point):
    hosts = {h["name"]: h for h in sc["hosts"]}
    order = [h["name"] for h in sc["hosts"]]
    ul_ip = {h: hosts[h]["underlay"]["address"].split("/")[0] for h in order}
    ul_cap = {c["host"]: c["file"] for c in caps if c["role"] == "underlay"}

    def encap(f):
        return f["ip"] and f["encap"] and f["outer"]["off"] == 0

    # losses: per direction between two hosts' underlay captures
    losses = []
    for a in order:
        for b in order:
            if a == b or a not in ul_cap or b not in ul_cap:
                continue
            sent = [f for f in frames[ul_cap[a]] if encap(f) and f["outer"]["src"] == ul_ip[a]
                    and f["outer"]["dst"] == ul_ip[b]]
            if not sent:
                continue
            got = {}
            for f in frames[ul_cap[b]]:
                if encap(f) and f["outer"]["src"] == ul_ip[a] and f["outer"]["dst"] == ul_ip[b]:
                    got[inner_key(f)] = got.get(inner_key(f), 0) + 1
            missing = []
            for f in sent:  # FIFO: the n-th copy sent pairs with the n-th copy received
                k = inner_key(f)
                if got.get(k, 0) > 0:
                    got[k] -= 1
                else:
                    missing.append(f)
            losses.append({"from": point[ul_cap[a]], "to": point[ul_cap[b]], "outerSrc": ul_ip[a],
                           "outerDst": ul_ip[b], "sent": len(sent), "missing": len(missing),
                           "missingPackets": [{"frame": f["no"], "packet": describe_inner(f)} for f in missing]})

    # pmtuBlackhole: sender-side TCP segments above the overlay MTU, retransmitted, never ACKed,
    # and no frag-needed anywhere
    black = []
    ov_mtu = sc["mtu"].get("overlay") or sc["mtu"]["underlay"]
    frag_needed_seen = {}
    for c in caps:
        n = sum(1 for f in frames[c["file"]] if f["ip"] and f["icmp"] and f["icmp"]["type"] == 3
                and f["icmp"]["code"] == 4)
        if n:
            frag_needed_seen[point[c["file"]]] = n
    for c in caps:
        if c["role"] != "pod":
            continue
        out = subprocess.run(["tshark", "-r", os.path.join(d, c["file"]), "-n", "-Y", "tcp",
                              "-T", "fields", "-E", "separator=\t",
                              "-e", "ip.src", "-e", "tcp.srcport", "-e", "ip.dst", "-e", "tcp.dstport",
                              "-e", "ip.len", "-e", "frame.len", "-e", "tcp.len", "-e", "tcp.seq",
                              "-e", "tcp.ack", "-e", "tcp.flags.ack", "-e", "tcp.analysis.retransmission",
                              "-e", "tcp.flags.reset", "-e", "tcp.options.sack_le", "-e", "tcp.options.sack_re"],
                             check=True, capture_output=True, text=True).stdout
        rows = [l.split("\t") for l in out.splitlines()]
        src_ip = hosts[c["host"]]["pod"]["address"].split("/")[0]
        flows = {}
        for r in rows:
            if r[0] == src_ip:
                flows.setdefault((r[0], r[1], r[2], r[3]), []).append(("out", r))
            elif r[2] == src_ip:
                flows.setdefault((r[2], r[3], r[0], r[1]), []).append(("in", r))
        for (s_ip, s_port, d_ip, d_port), seg in flows.items():
            large = [r for o, r in seg if o == "out" and int(r[4]) > ov_mtu]
            if not large:
                continue
            retrans = [r for r in large if r[10]]
            first_large = min(int(r[7]) for r in large)
            max_ack = max([int(r[8]) for o, r in seg if o == "in" and r[9] in ("1", "True")] or [0])
            acked = [r for r in large if int(r[7]) + int(r[6]) <= max_ack]
            sacked = sorted({(int(le), int(re)) for o, r in seg if o == "in" and r[12]
                             for le, re in zip(r[12].split(","), r[13].split(","))})
            if not retrans or acked:
                continue
            quoted = any(f["icmp"].get("quoted") == {"src": s_ip, "dst": d_ip}
                         for cc in caps for f in frames[cc["file"]] if f["ip"] and f["icmp"] and f["icmp"]["type"] == 3)
            # where the large segments were seen (by their raw sequence number on every point)
            seqs = set()
            for f in frames[c["file"]]:
                if f["ip"] and f["tcp"] and f["inner"]["src"] == s_ip and f["tcp"]["sport"] == s_port \
                        and f["innerLen"] > ov_mtu:
                    seqs.add(f["tcp"]["seq"])
            seen_at = [point[cc["file"]] for cc in caps
                       if any(f["ip"] and f["tcp"] and f["tcp"]["sport"] == s_port and f["tcp"]["seq"] in seqs
                              and f["inner"]["src"] == s_ip and f["innerLen"] > ov_mtu for f in frames[cc["file"]])]
            black.append({"flow": f"{s_ip}:{s_port} > {d_ip}:{d_port}", "point": point[c["file"]],
                          "pathMtu": ov_mtu, "largeSegments": len(large),
                          "retransmittedLargeSegments": len(retrans),
                          "maxSegmentSize": max(int(r[6]) for r in large),
                          "maxIpPacketSize": max(int(r[4]) for r in large),
                          "maxFrameLen": max(int(r[5]) for r in large),
                          "firstLargeSeq": first_large, "highestAckFromPeer": max_ack,
                          "largeSegmentsAcked": 0, "sackedByPeer": [list(x) for x in sacked],
                          "resetBySender": any(o == "out" and r[11] in ("1", "True") for o, r in seg),
                          "largeSegmentsSeenAt": seen_at,
                          "icmpSeen": bool(quoted or frag_needed_seen),
                          "fragNeededSeenAt": frag_needed_seen})

    # unknownVteps: encapsulated packets to an underlay address no host has
    unknown = {}
    for c in caps:
        if c["role"] != "underlay":
            continue
        for f in frames[c["file"]]:
            if not encap(f) or f["outer"]["dst"] in ul_ip.values():
                continue
            e = unknown.setdefault(f["outer"]["dst"], {"at": {}, "inner": set(), "mac": set(), "ulmac": set(),
                                                       "src": set()})
            e["at"][point[c["file"]]] = e["at"].get(point[c["file"]], 0) + 1
            e["inner"].add(f["inner"]["dst"]); e["src"].add(f["outer"]["src"])
            if len(f["eth"]) > 1:
                e["mac"].add(f["eth"][1])
            e["ulmac"].add(f["eth"][0])
    vteps = []
    for vtep, e in sorted(unknown.items()):
        senders = [h for h in order if ul_ip[h] in e["src"]]
        frm = point[ul_cap[senders[0]]] if senders and senders[0] in ul_cap else None
        vteps.append({"vtep": vtep, "from": frm, "packets": e["at"].get(frm, 0),
                      "innerDestinations": sorted(e["inner"]), "vtepMac": sorted(e["mac"]),
                      "underlayDstMac": sorted(e["ulmac"]),
                      "alsoSeenAt": {p: n for p, n in e["at"].items() if p != frm},
                      "fdbEntryOn": [h["name"] for h in sc["hosts"]
                                     if any(x.get("dst") == vtep for x in h.get("vxlanFdb") or [])]})

    # badChecksums: what tshark flags with checksum verification on
    bad = []
    for c in caps:
        out = subprocess.run(["tshark", "-r", os.path.join(d, c["file"]), "-n", "-o", "ip.defragment:FALSE",
                              "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
                              "-o", "tcp.check_checksum:TRUE", "-d", "udp.port==8472,vxlan", "-d", "udp.port==8285,ip",
                              "-Y", "ip.checksum.status==0 || udp.checksum.status==0 || tcp.checksum.status==0"
                                    " || icmp.checksum.status==0",
                              "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,",
                              "-e", "frame.number", "-e", "ip.checksum.status", "-e", "udp.checksum.status",
                              "-e", "tcp.checksum.status", "-e", "icmp.checksum.status"],
                             check=True, capture_output=True, text=True).stdout
        if not out.strip():
            continue
        byno = {f["no"]: f for f in frames[c["file"]]}
        items = []
        for line in out.splitlines():
            no, ips, udps, tcps, icmps = (line.split("\t") + [""] * 5)[:5]
            f = byno[int(no)]
            outer = f.get("encap", False)
            layers = []
            for proto, st in (("ip", ips), ("udp", udps), ("tcp", tcps), ("icmp", icmps)):
                vals = st.split(",") if st else []
                for i, v in enumerate(vals):
                    if v == "0":
                        if proto in ("ip", "udp") and outer and len(vals) > 1:
                            layers.append(("outer " if i == 0 else "inner ") + proto)
                        elif proto == "ip" and outer:
                            layers.append(("outer " if i == 0 else "inner ") + proto)
                        else:
                            layers.append(("inner " if outer else "") + proto)
            k = inner_key(f)
            # in path order: the sending host's pod .. underlay, then the others' underlay .. pod
            sender = next((h for h in order if f["inner"]["src"] == hosts[h]["pod"]["address"].split("/")[0]), None)
            rk = {"pod": 0, "veth": 1, "bridge": 1, "overlay-vxlan": 2, "overlay-tun": 2, "underlay": 3}
            seen = [point[cc["file"]] for cc in sorted(
                        caps, key=lambda cc: (0, rk[cc["role"]]) if cc["host"] == sender
                        else (1 + order.index(cc["host"]), -rk[cc["role"]]))
                    if any(ff["ip"] and inner_key(ff) == k for ff in frames[cc["file"]])]
            items.append({"frame": int(no), "badChecksums": layers, "packet": describe_inner(f), "seenAt": seen})
        bad.append({"point": point[c["file"]], "count": len(items), "frames": items})
    return {"losses": losses, "pmtuBlackhole": black, "unknownVteps": vteps, "badChecksums": bad}


# ------------------------------------------------------------------ ClusterIP service ----
def service_facts(sc, svc, nat_out, paths, frames, caps, point, problems):
    """The DNAT of the service's connections, checked on every packet, not only the first SYN:
    per capture point how many client->server packets go to the ClusterIP and how many to the
    backend, and how many server->client packets come from each. The reply translation (conntrack
    rewriting the backend's source back to the ClusterIP) is where the reply path's source
    changes."""
    vip, vport = svc["clusterIP"], str(svc["port"])
    be = svc["endpoints"][0]
    bip, bport = be["address"], str(be["port"])
    svc_traffic = [t for t in sc["traffic"] if "backend" in t]
    clients = {(t["src"], str(p)) for t in svc_traffic for p in t["srcPorts"]}
    per_point = {}
    for c in caps:
        n = {"toClusterIP": 0, "toBackend": 0, "fromClusterIP": 0, "fromBackend": 0}
        for f in frames[c["file"]]:
            tc = f["ip"] and f["tcp"]
            if not tc:
                continue
            i = f["inner"]
            if (i["src"], tc["sport"]) in clients:
                if (i["dst"], tc["dport"]) == (vip, vport):
                    n["toClusterIP"] += 1
                elif (i["dst"], tc["dport"]) == (bip, bport):
                    n["toBackend"] += 1
            elif (i["dst"], tc["dport"]) in clients:
                if (i["src"], tc["sport"]) == (vip, vport):
                    n["fromClusterIP"] += 1
                elif (i["src"], tc["sport"]) == (bip, bport):
                    n["fromBackend"] += 1
        if any(n.values()):
            per_point[point[c["file"]]] = n
    for e in nat_out:
        if e["kind"] != "DNAT" or e["original"] != vip:
            continue
        reply = {}
        for p in paths:
            if p["direction"] != "reply" or p["traffic"] not in e["traffic"]:
                continue
            for a, b in zip(p["hops"], p["hops"][1:]):
                if a["src"] != b["src"]:
                    reply = {"kind": "un-DNAT (conntrack, reply direction)",
                             "original": a["src"], "translated": b["src"],
                             "from": a["point"], "to": b["point"], "packet": p["packet"],
                             "alsoRewritten": [{"traffic": p["traffic"], "field": "source port",
                                                "original": a.get("srcPort"), "translated": b.get("srcPort")}]
                             if a.get("srcPort") != b.get("srcPort") else []}
        e["replyTranslation"] = reply
        e["clusterIPSeenAt"] = [p for p, n in per_point.items() if n["toClusterIP"] or n["fromClusterIP"]]
        e["backendSeenAt"] = [p for p, n in per_point.items() if n["toBackend"] or n["fromBackend"]]
        e["packetsPerPoint"] = per_point
        # every packet agrees: no point shows both, and the rewrite points are the boundaries
        mixed = [p for p, n in per_point.items() if (n["toClusterIP"] and n["toBackend"])
                 or (n["fromClusterIP"] and n["fromBackend"])]
        if mixed:
            problems.append(f"service {vip}:{vport}: points with both addresses {mixed}")
        if e["from"] not in e["clusterIPSeenAt"] or e["to"] not in e["backendSeenAt"] or \
                not reply or reply["from"] not in e["backendSeenAt"] or reply["to"] not in e["clusterIPSeenAt"]:
            problems.append(f"service {vip}:{vport}: rewrite points disagree with the per-packet counts")


# ------------------------------------------------------------------ short snaplen ----
def truncation_facts(d, sc, point):
    """For every capture taken with a snaplen: its header's snaplen, the frames cut short, and
    the packets whose headers were cut (tshark flags them '[Packet size limited during
    capture]'). A capture in which encapsulated packets lose their inner IP header is 'opaque':
    no correlation by the inner packet is possible there."""
    out, opaque = [], set()
    for c in sc["captures"]:
        if "snaplen" not in c:
            continue
        path = os.path.join(d, c["file"])
        rows = subprocess.run(["tshark", "-r", path, "-n", "-o", "ip.defragment:FALSE",
                               "-d", "udp.port==8472,vxlan", "-d", "udp.port==8285,ip",
                               "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,",
                               "-e", "frame.number", "-e", "frame.len", "-e", "frame.cap_len",
                               "-e", "frame.protocols", "-e", "_ws.short", "-e", "ip.src", "-e", "vxlan.vni"],
                              check=True, capture_output=True, text=True).stdout.splitlines()
        cap = subprocess.run(["capinfos", "-l", "-T", "-r", path], check=True, capture_output=True,
                             text=True).stdout.strip().split("\t")
        # pcap: the file header's snaplen; pcapng: none in the header, the IDBs' (capinfos' min/max)
        file_snaplen = next((int(x) for x in cap[1:] if x.isdigit()), None)
        frames = cut = short = encap = encap_cut = 0
        max_cap = 0
        cut_at = {}
        for r in rows:
            no, flen, clen, protos, ws_short, ips, vni = (r.split("\t") + [""] * 7)[:7]
            frames += 1
            max_cap = max(max_cap, int(clen))
            if int(clen) < int(flen):
                cut += 1
            if ws_short:
                short += 1
                last = protos.split(":")[-1]
                cut_at[last] = cut_at.get(last, 0) + 1
            if vni:
                encap += 1
                if len(ips.split(",")) < 2:
                    encap_cut += 1
        if encap and encap_cut == encap:
            opaque.add(c["file"])
        out.append({"point": point[c["file"]], "file": c["file"], "snaplen": c["snaplen"],
                    "fileSnaplen": file_snaplen, "frames": frames, "framesCutShort": cut,
                    "packetsWithCutHeaders": short, "maxCapturedLength": max_cap,
                    "lastDissectedLayer": cut_at,
                    "encapsulatedFrames": encap, "encapsulatedWithoutInnerIp": encap_cut,
                    "innerPacketsMatchable": c["file"] not in opaque,
                    "canSee": "outer Ethernet, IPv4, UDP and the VXLAN header (VNI) of every packet, the inner "
                              "Ethernet header (VTEP MACs) where snaplen reaches it, and every frame's original "
                              "length (frame.len)" if encap else "the first " + str(c["snaplen"]) + " bytes",
                    "cannotSee": ("the inner IPv4 header and everything after it (addresses, ICMP/TCP/UDP headers, "
                                  "payload): these packets cannot be matched to the other points (no path, NAT, "
                                  "loss or checksum verdict for them here)") if c["file"] in opaque else
                                 "the bytes beyond the snaplen"})
    return out, opaque


def main():
    d = sys.argv[1]
    write = "--write" in sys.argv
    sc = json.load(open(os.path.join(d, "scenario.json")))
    hosts = {h["name"]: h for h in sc["hosts"]}
    host_order = [h["name"] for h in sc["hosts"]]
    addr_host = {}
    for h in sc["hosts"]:
        if (h["overlay"] or {}).get("type") == "vxlan":
            ENCAP_PORTS.add(str(h["overlay"]["dstPort"]))
    for h in sc["hosts"]:
        for a in (h["underlay"]["address"], (h["bridge"] or {}).get("address"), h["pod"]["address"],
                  (h["overlay"] or {}).get("address")):
            if a:
                addr_host[a.split("/")[0]] = h["name"]
        v6 = h.get("ipv6") or {}
        for a in (v6.get("underlayAddress"), v6.get("bridgeAddress"), v6.get("podAddress"),
                  (v6.get("overlay") or {}).get("address")):
            if a:
                addr_host[a.split("/")[0]] = h["name"]
    # the overlay devices that carry IPv6 (flannel-v6.1): a packet of one family crosses only its
    # family's overlay device on a dual-stack node
    v6_overlays = {(h["name"], h["overlay"]["device"]) for h in sc["hosts"]
                   if h.get("overlay") and sc.get("family") == "ipv6"}
    v6_overlays |= {(h["name"], h["ipv6"]["overlay"]["device"]) for h in sc["hosts"]
                    if (h.get("ipv6") or {}).get("overlay")}
    cur = {"v6": sc.get("family") == "ipv6"}
    caps = [c for c in sc["captures"] if c["role"] in PATH_ROLES]
    point = {c["file"]: os.path.splitext(c["file"])[0] for c in sc["captures"]}
    frames = {c["file"]: dissect(os.path.join(d, c["file"])) for c in caps}
    truncated_caps, opaque = truncation_facts(d, sc, point)
    # the points correlation can follow a packet through: not those whose inner headers are cut
    path_caps = [c for c in caps if c["file"] not in opaque]
    rank = {}
    for c in caps:
        rank[c["file"]] = PATH_ROLES.index(c["role"] if c["role"] != "overlay-tun" else "overlay-vxlan")
    problems = []
    truncated = []  # (label, direction, last point): checked against frag-needed below

    def pod_file(host):
        return next(c["file"] for c in caps if c["host"] == host and c["role"] == "pod")

    def host_of_addr(a):
        return addr_host.get(a)

    def expected_points(src_host, dst_host, to_host=None):
        """to_host: None (pod to pod), 'request' (pod to a host address), 'reply' (back) or
        'unknown' (an address no host has: the sender's whole chain, then the other hosts'
        underlays the switch floods the frames to)."""
        overlay = {"overlay-vxlan", "overlay-tun"}

        def seq(h, rev, roles):
            pts = [c["file"] for r in roles for c in path_caps if c["host"] == h and c["role"] == r
                   and (r not in overlay or ((h, c["device"]) in v6_overlays) == cur["v6"])]
            return list(reversed(pts)) if rev else pts
        full = ["pod", "veth", "bridge", "overlay-vxlan", "overlay-tun", "underlay"]
        local = [r for r in full if r not in overlay]
        if to_host == "request":
            return seq(src_host, False, local) + seq(dst_host, True, ["underlay"])
        if to_host == "reply":
            return seq(src_host, False, ["underlay"]) + seq(dst_host, True, local)
        if to_host == "unknown":
            return seq(src_host, False, full) + [p for h in host_order if h != src_host
                                                 for p in seq(h, False, ["underlay"])]
        return seq(src_host, False, full) + seq(dst_host, True, full)

    def trace(match, src_host, dst_host, label, direction, to_host=None):
        seen = []
        for c in path_caps:
            for f in frames[c["file"]]:
                # dual stack: only the traffic's family (a UDP match would take the other's)
                if f["ip"] and (":" in (f["inner"]["src"] or "")) == cur["v6"] and match(f):
                    seen.append((f["t"], c["file"], f))
                    break
        exp = expected_points(src_host, dst_host, to_host)
        pos = {p: i for i, p in enumerate(exp)}
        seen.sort(key=lambda s: (s[0], pos.get(s[1], 99)))
        order = [s[1] for s in seen]
        if to_host == "unknown":
            # flooded copies carry the sender's timestamp (us/ns rounding): order by topology
            order = [p for p in exp if p in order]
            chain = expected_points(src_host, None, "unknown")[:len([c for c in caps if c["host"] == src_host
                                                                     and c["role"] in PATH_ROLES])]
            if order[:len(chain)] != chain:
                problems.append(f"{label} {direction}: seen {[point[o] for o in order]}, "
                                f"the sender's chain is {[point[e] for e in chain]}")
        elif order != exp:
            # equal timestamps: accept if the same set and timestamps non-decreasing along exp
            ts = {s[1]: s[0] for s in seen}
            if set(order) == set(exp) and all(ts[exp[i]] <= ts[exp[i + 1]] for i in range(len(exp) - 1)):
                order = exp
            elif order and order == exp[:len(order)]:
                truncated.append((label, direction, point[order[-1]]))
            elif order == [e for e in exp if e in order] and all(
                    next(c for c in caps if c["file"] == e).get("startedLate") or
                    next(c for c in caps if c["file"] == e).get("filter") for e in exp if e not in order):
                # the points missing are captures that started late or were filtered: the packet
                # went through, the capture did not see it
                missed.setdefault((label, direction), [point[e] for e in exp if e not in order])
            else:
                problems.append(f"{label} {direction}: seen {[point[o] for o in order]}, "
                                f"topology says {[point[e] for e in exp]}")
        hops = [dict({"point": point[s[1]], "src": s[2]["inner"]["src"], "dst": s[2]["inner"]["dst"],
                      "encapsulated": s[2]["encap"]},
                     **({"icmpIdent": s[2]["icmp"]["ident"]} if s[2]["icmp"] else {}),
                     **({"srcPort": s[2]["tcp"]["sport"]} if s[2]["tcp"] else {}),
                     **({"dstPort": s[2]["tcp"]["dport"]} if s[2]["tcp"] and service else {}),
                     **({"srcPort": s[2]["udp"]["sport"]} if s[2]["udp"] else {}))
                for s in sorted(seen, key=lambda s: order.index(s[1]))]
        return order, hops

    paths, nat, traffic_out, rewritten = [], {}, [], {}
    missed = {}
    pair_idx = {}
    service = sc.get("service")
    for t in sc["traffic"]:
        src_host = t["from"].rsplit("-pod", 1)[0]
        # a Service: the packets leave for the ClusterIP, the backend pod's host receives them
        dst_host = host_of_addr(t["backend"]["dst"] if "backend" in t else t["dst"])
        # fault scenarios: a destination no host has (a departed node's subnet)
        unknown_dst = dst_host is None and "faults" in sc
        to_host_itself = t["dst"] not in [a.split("/")[0] for h in hosts for a in
                                          (hosts[h]["pod"]["address"], (hosts[h].get("ipv6") or {}).get("podAddress"))
                                          if a]
        pf = frames[pod_file(src_host)]
        cur["v6"] = ":" in t["dst"]
        entry = dict(t)
        if t["type"] == "icmp-echo":
            reqs = [f for f in pf if f["ip"] and f["icmp"] and f["icmp"]["type"] == 8
                    and f["inner"]["src"] == t["src"] and f["inner"]["dst"] == t["dst"]]
            idents = []
            for f in reqs:
                if f["icmp"]["ident"] not in idents:
                    idents.append(f["icmp"]["ident"])
            n = pair_idx.get((t["src"], t["dst"]), 0)
            pair_idx[(t["src"], t["dst"])] = n + 1
            ident = idents[n]
            reps = [f for f in pf if f["ip"] and f["icmp"] and f["icmp"]["type"] == 0
                    and f["icmp"]["ident"] == ident]
            entry["observed"] = {"icmpIdent": ident, "requestsOnSenderPod": len([f for f in reqs if f["icmp"]["ident"] == ident]),
                                 "repliesOnSenderPod": len(reps)}
            seqs = sorted({f["icmp"]["seq"] for f in reqs if f["icmp"]["ident"] == ident}, key=int)
            # the first request that got a reply (else the first one)
            rseqs = {f["icmp"]["seq"] for f in reps}
            s0 = next((s for s in seqs if s in rseqs), seqs[0])
            s0req = next(f for f in reqs if f["icmp"]["ident"] == ident and f["icmp"]["seq"] == s0)
            # MASQUERADE --random-fully rewrites the echo identifier: follow the packet by its
            # sequence number and the timestamp ping puts in the payload instead
            stamp = s0req["icmp"]["stamp"]
            for direction, typ in (("request", 8), ("reply", 0)):
                if direction == "reply" and s0 not in rseqs:
                    continue
                m = (lambda typ: lambda f: f["icmp"] is not None and f["icmp"]["type"] == typ
                     and f["icmp"]["seq"] == s0 and f["icmp"]["stamp"] == stamp)(typ)
                a, b = (src_host, dst_host) if direction == "request" else (dst_host, src_host)
                order, hops = trace(m, a, b, t["label"], direction,
                                    "unknown" if unknown_dst else (direction if to_host_itself else None))
                paths.append({"traffic": t["label"], "direction": direction, "packet": f"icmp echo {direction} seq={s0}",
                              "points": [point[o] for o in order], "hops": hops})
                if unknown_dst:
                    src_chain = {c["file"] for c in caps if c["host"] == src_host}
                    paths[-1]["destinationUnknown"] = True
                    paths[-1]["floodedTo"] = [point[o] for o in order if o not in src_chain]
                    paths[-1]["reason"] = (f"{t['dst']} belongs to no host: {src_host} still routes it over "
                                           f"{(hosts[src_host]['overlay'] or {}).get('device')} to a VTEP no host "
                                           "has (see unknownVteps); the switch floods it as unknown unicast")
        elif t["type"] == "tcp":
            syns = [f for f in pf if f["ip"] and f["tcp"] and f["tcp"]["syn"] and not f["tcp"]["ack"]
                    and f["inner"]["dst"] == t["dst"] and f["tcp"]["dport"] == str(t["dstPort"])]
            isn = syns[0]["tcp"]["seq"]
            entry["observed"] = {"connections": len({f["tcp"]["sport"] for f in syns}),
                                 "segmentsOnSenderPod": len([f for f in pf if f["ip"] and f["tcp"]])}
            order, hops = trace(lambda f: f["tcp"] is not None and f["tcp"]["syn"] and not f["tcp"]["ack"]
                                and f["tcp"]["seq"] == isn, src_host, dst_host, t["label"], "request",
                                "request" if to_host_itself and "backend" not in t else None)
            paths.append({"traffic": t["label"], "direction": "request", "packet": "first TCP SYN",
                          "points": [point[o] for o in order], "hops": hops})
            if "backend" in t:
                order, hops = trace(lambda f: f["tcp"] is not None and f["tcp"]["syn"] and f["tcp"]["ack"]
                                    and f["tcp"]["ackNo"] == str(int(isn) + 1), dst_host, src_host,
                                    t["label"], "reply")
                paths.append({"traffic": t["label"], "direction": "reply", "packet": "first TCP SYN-ACK",
                              "points": [point[o] for o in order], "hops": hops})
        elif t["type"] == "udp":
            dg = [f for f in pf if f["ip"] and f["udp"] and f["udp"]["dport"] == str(t["dstPort"])
                  and f["inner"]["dst"] == t["dst"]]
            entry["observed"] = {"datagramsOnSenderPod": len(dg)}
            order, hops = trace(lambda f: f["udp"] is not None and f["udp"]["dport"] == str(t["dstPort"])
                                and f["udp"]["sport"] == str(t["srcPort"]) or (
                                    f["udp"] is not None and f["udp"]["dport"] == str(t["dstPort"])),
                                src_host, dst_host, t["label"], "request")
            paths.append({"traffic": t["label"], "direction": "request", "packet": "first UDP datagram",
                          "points": [point[o] for o in order], "hops": hops})
        traffic_out.append(entry)
        # NAT along the request path
        for p in paths:
            if p["traffic"] != t["label"] or p["direction"] != "request":
                continue
            for a, b in zip(p["hops"], p["hops"][1:]):
                for kind, fld in (("SNAT", "src"), ("DNAT", "dst")):
                    if a[fld] != b[fld]:
                        # addresses without ports (as everywhere in expected.json); a rewritten
                        # port goes to alsoRewritten
                        key = (kind, a[fld], b[fld], a["point"], b["point"])
                        nat.setdefault(key, []).append(t["label"])
                        for f, what in (("icmpIdent", "icmp identifier"), ("srcPort", "source port"),
                                        ("dstPort", "destination port")):
                            if f in a and f in b and a[f] != b[f]:
                                rewritten.setdefault(key, []).append(
                                    {"traffic": t["label"], "field": what, "original": a[f], "translated": b[f]})

    nat_out = [{"kind": k[0], "original": k[1], "translated": k[2], "from": k[3], "to": k[4],
                "host": k[3].split("-")[0], "traffic": v,
                "alsoRewritten": rewritten.get(k, [])} for k, v in nat.items()]
    if service:
        service_facts(sc, service, nat_out, paths, frames, path_caps, point, problems)
    if opaque:
        # the packet crossed these too (the underlays of its hosts) but nothing there can be
        # matched to it: the inner headers were not captured
        host_of_file = {c["file"]: c["host"] for c in sc["captures"]}
        for p in paths:
            on = {h["point"].rsplit("-", 1)[0] for h in p["hops"]}
            p["notMatchableAt"] = [point[f] for f in sorted(opaque, key=lambda f: p["points"][0].split("-")[0] != host_of_file[f])
                                   if host_of_file[f] in on]

    # MTU events
    frag_needed = {}
    outer_frag, inner_frag, supers = {}, {}, {}
    mtus = {}
    for h in sc["hosts"]:
        for dev in ("underlay", "bridge", "veth", "pod", "overlay"):
            if h.get(dev):
                mtus[(h["name"], h[dev]["device"] if dev != "pod" else "pod")] = h[dev]["mtu"]
        if (h.get("ipv6") or {}).get("overlay"):
            mtus[(h["name"], h["ipv6"]["overlay"]["device"])] = h["ipv6"]["overlay"]["mtu"]
    for c in caps:
        p = point[c["file"]]
        dev_mtu = mtus.get((c["host"], c["device"] if c["role"] != "pod" else "pod"))
        for f in frames[c["file"]]:
            if not f["ip"]:
                continue
            ic = f["icmp"]
            if ic and ic["type"] == 3 and ic["code"] == 4:
                key = (f["inner"]["src"], f["inner"]["dst"], ic["mtu"])
                e = frag_needed.setdefault(key, {"points": [], "count": {}, "quoted": ic.get("quoted")})
                if p not in e["points"]:
                    e["points"].append(p)
                e["count"][p] = e["count"].get(p, 0) + 1
            o = f["outer"]
            if c["role"] == "underlay" and (o["mf"] or o["off"] > 0) and o["proto"] in ("17", "4") \
                    and host_of_addr(o["src"]) and o["src"] == hosts[host_of_addr(o["src"])]["underlay"]["address"].split("/")[0]:
                e = outer_frag.setdefault(p, {"fragments": 0, "firstFragments": 0, "maxFrameLen": 0})
                e["fragments"] += 1
                e["firstFragments"] += 1 if o["off"] == 0 else 0
                e["maxFrameLen"] = max(e["maxFrameLen"], f["len"])
            i = f["inner"]
            if (i["mf"] or i["off"] > 0) and (f["encap"] or c["role"] != "underlay" or sc["backend"] == "host-gw"):
                e = inner_frag.setdefault(p, {"fragments": 0, "src": set(), "dst": set()})
                e["fragments"] += 1
                e["src"].add(i["src"]); e["dst"].add(i["dst"])
            l2 = 0 if c["role"] == "overlay-tun" else 14
            if dev_mtu and f["len"] > dev_mtu + l2:
                e = supers.setdefault(p, {"frames": 0, "maxFrameLen": 0, "deviceMtu": dev_mtu})
                e["frames"] += 1
                e["maxFrameLen"] = max(e["maxFrameLen"], f["len"])
    for p in paths:
        if (p["traffic"], p["direction"]) in missed:
            p["missedAt"] = missed[(p["traffic"], p["direction"])]
    for label, direction, last in truncated:
        t = next(x for x in sc["traffic"] if x["label"] == label)
        why = [e for e in frag_needed_list(frag_needed) if e["quoted"] == {"src": t["src"], "dst": t["dst"]}]
        host = next((c["host"] for c in caps if point[c["file"]] == last), None)
        rules = [f for f in sc.get("faults", []) if f.get("kind") == "iptables" and f.get("host") == host
                 and f"--dport {t.get('dstPort')}" in f.get("rule", "")]
        if not why and rules:
            for p in paths:
                if p["traffic"] == label and p["direction"] == direction:
                    p["stopsAfter"] = last
                    p["reason"] = f"dropped in {host} by '{rules[0]['rule']}'"
            continue
        if not why:
            problems.append(f"{label} {direction}: stops after {last} without a frag-needed to explain it")
            continue
        for p in paths:
            if p["traffic"] == label and p["direction"] == direction:
                p["stopsAfter"] = last
                what = "ICMPv6 Packet Too Big (MTU" if ":" in why[0]["src"] else "ICMP frag-needed (next-hop MTU"
                p["reason"] = (f"{what} {why[0]['mtu']}) from {why[0]['src']} "
                               f"({host_of_addr(why[0]['src'])}): packet larger than the overlay MTU with DF set")
    fn_out = [{"icmpSrc": k[0], "fromHost": host_of_addr(k[0]), "icmpDst": k[1], "nextHopMtu": k[2],
               "quoted": v["quoted"], "seenAt": v["points"], "countPerPoint": v["count"]}
              for k, v in frag_needed.items()]
    inner_out = {p: {"fragments": v["fragments"], "src": sorted(v["src"]), "dst": sorted(v["dst"])}
                 for p, v in inner_frag.items()}
    mism = []
    m = sc["mtu"]
    # per overlay device family: VXLAN over an IPv6 underlay costs 70 bytes (IPv6 40 + UDP 8 +
    # VXLAN 8 + inner Ethernet 14), over IPv4 50
    overlays = []
    if m.get("overlay"):
        overlays.append((m["overlay"], "ipv6" if sc.get("family") == "ipv6" else "ipv4"))
    if m.get("overlayIpv6"):
        overlays.append((m["overlayIpv6"], "ipv6"))
    for ov_mtu, fam in overlays:
        extra = {"family": fam} if sc.get("family") else {}
        if m["pod"] > ov_mtu or m["bridge"] > ov_mtu:
            mism.append({"kind": "pod/bridge MTU above overlay MTU", "pod": m["pod"], "bridge": m["bridge"],
                         "overlay": ov_mtu, **extra})
        overhead = {"vxlan": 50, "udp": 28, "ipip": 20}[sc["backend"]]
        if fam == "ipv6":
            overhead = 70
        if ov_mtu + overhead > m["underlay"]:
            mism.append({"kind": "overlay MTU + encapsulation overhead above underlay MTU", "overlay": ov_mtu,
                         "encapsulationOverhead": overhead, "underlay": m["underlay"], **extra})
    mtu_events = {"fragNeeded": fn_out, "outerFragmentation": bool(outer_frag),
                  "outerFragmentsAt": outer_frag, "innerFragmentation": bool(inner_frag),
                  "innerFragmentsAt": inner_out, "mtuMismatch": mism}
    # offloads: partial (not yet computed) checksums, as seen before the NIC would fill them in
    partial = {}
    if sc["offloads"]:
        for c in caps:
            out = subprocess.run(["tshark", "-r", os.path.join(d, c["file"]), "-n", "-o", "ip.defragment:FALSE",
                                  "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
                                  "-d", "udp.port==8472,vxlan", "-d", "udp.port==8285,ip",
                                  "-Y", "tcp.checksum.status==0 || udp.checksum.status==0"],
                                 check=True, capture_output=True, text=True).stdout
            n = len(out.splitlines())
            if n:
                partial[point[c["file"]]] = n
    result = {"scenario": sc["scenario"], "derivedBy": "samples/lab/derive-expected.py (tshark), reviewed",
              "nat": nat_out, "mtuEvents": mtu_events,
              "offloads": {"enabled": sc["offloads"], "superFrames": bool(supers), "superFramesAt": supers,
                           "partialChecksums": bool(partial), "partialChecksumFramesAt": partial},
              "paths": [{k: v for k, v in p.items()} for p in paths], "traffic": traffic_out}
    if service:
        result["service"] = service
    if any("snaplen" in c for c in sc["captures"]):
        result["truncatedCaptures"] = truncated_caps
    if "faults" in sc:
        result["faults"] = sc["faults"]
        result.update(fault_facts(d, sc, caps, frames, point))
    text = json.dumps(result, indent=2)
    if write:
        with open(os.path.join(d, "expected.json"), "w") as fh:
            fh.write(text + "\n")
    else:
        print(text)
    for p in problems:
        print("PATH MISMATCH:", p, file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
