#!/usr/bin/env python3
"""Makes the seed inputs of the fuzz tests (CaptureFuzzTest, DecodeFuzzTest) from small real
captures: the shared tcpdump corpus and the recorded samples. Run from the repository root:
    python3 analyzer-core/src/test/fuzz/make-seeds.py ../shared/corpus
Seeds are named seed-*; inputs the fuzzer found (crash-*, regression-*) are kept as they are."""
import gzip, hashlib, os, struct, sys

corpus = sys.argv[1] if len(sys.argv) > 1 else '../shared/corpus'
res = 'analyzer-core/src/test/resources/io/tunnelscope'
cap_dir = res + '/capture/CaptureFuzzTestInputs'
dec_dir = res + '/decode/DecodeFuzzTestInputs'


def packets(path):
    """(linktype, data) of every packet of a pcap or pcapng file (either byte order)."""
    b = open(path, 'rb').read()
    if b[:4] in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1', b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        e = '<' if b[0] in (0xd4, 0x4d) else '>'
        lt = struct.unpack(e + 'I', b[20:24])[0] & 0xffff
        o = 24
        while o + 16 <= len(b):
            incl = struct.unpack(e + 'I', b[o + 8:o + 12])[0]
            yield lt, b[o + 16:o + 16 + incl]
            o += 16 + incl
        return
    o, e, ifs = 0, '<', []
    while o + 12 <= len(b):
        t = struct.unpack(e + 'I', b[o:o + 4])[0]
        if b[o:o + 4] == b'\x0a\x0d\x0d\x0a':
            e = '<' if b[o + 8:o + 12] == b'\x4d\x3c\x2b\x1a' else '>'
            ifs = []
        n = struct.unpack(e + 'I', b[o + 4:o + 8])[0]
        if t == 1:
            ifs.append(struct.unpack(e + 'H', b[o + 8:o + 10])[0])
        elif t == 6:
            i, _, _, cap = struct.unpack(e + 'IIII', b[o + 8:o + 24])
            yield ifs[i], b[o + 28:o + 28 + cap]
        o += n


def write(directory, name, data):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), 'wb') as f:
        f.write(data)


def pcap(lt, pkts, big=False, nano=False):
    e = '>' if big else '<'
    out = struct.pack(e + 'IHHiIII', 0xa1b23c4d if nano else 0xa1b2c3d4, 2, 4, 0, 0, 65535, lt)
    for k, p in enumerate(pkts):
        out += struct.pack(e + 'IIII', 1700000000 + k, 123456 + k, len(p), len(p)) + p
    return out


def block(e, t, body):
    body += b'\0' * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack(e + 'II', t, n) + body + struct.pack(e + 'I', n)


def opt(e, code, value):
    return struct.pack(e + 'HH', code, len(value)) + value + b'\0' * (-len(value) % 4)


def pcapng(ifaces, pkts, big=False):
    """ifaces: [(linktype, name)]; pkts: [(iface, data)]."""
    e = '>' if big else '<'
    out = block(e, 0x0a0d0d0a, struct.pack(e + 'IHHq', 0x1a2b3c4d, 1, 0, -1)
                + opt(e, 1, b'seed section') + opt(e, 0, b''))
    for lt, name in ifaces:
        out += block(e, 1, struct.pack(e + 'HHI', lt, 0, 0) + opt(e, 2, name.encode())
                     + opt(e, 9, b'\x09') + opt(e, 0, b''))
    for k, (i, p) in enumerate(pkts):
        out += block(e, 6, struct.pack(e + 'IIIII', i, 0x60000, k * 1000, len(p), len(p)) + p
                     + b'\0' * (-len(p) % 4) + opt(e, 1, b'c') + opt(e, 0, b''))
    out += block(e, 5, struct.pack(e + 'IIII', 0, 0, 0, 0))  # interface statistics
    out += block(e, 0x40000BAD, b'custom')  # unknown block
    return out


by_lt = {}
files = sorted(os.path.join(corpus, 'tcpdump', f) for f in os.listdir(os.path.join(corpus, 'tcpdump'))
               if f.endswith('.pcap') or f.endswith('.pcapng'))
files += sorted(os.path.join(dp, f) for dp, _, fs in os.walk('samples/captures') for f in fs
                if f.endswith('.pcap') or f.endswith('.pcapng'))
for path in files:
    for lt, p in packets(path):
        if len(p) <= 2048:
            by_lt.setdefault({12: 101, 14: 101}.get(lt, lt), []).append(p)


def distinct(pkts, n):
    """Up to n packets differing in their first 48 bytes' shape (length class and protocol bytes)."""
    seen, out = set(), []
    for p in pkts:
        key = hashlib.sha1(p[:48] if len(p) < 80 else p[12:48]).hexdigest()[:8]
        if key not in seen:
            seen.add(key)
            out.append(p)
    step = max(1, len(out) // n)
    return out[::step][:n]


eth = distinct(by_lt.get(1, []), 24)
raw = distinct(by_lt.get(101, []) + by_lt.get(228, []) + by_lt.get(229, []), 12)
sll2 = distinct(by_lt.get(276, []), 12)
# Linux cooked v1 from v2: pkttype, hatype, halen, address, protocol.
sll = [struct.pack('>HHH', p[10], struct.unpack('>H', p[8:10])[0], p[11]) + p[12:20] + p[0:2] + p[20:]
       for p in sll2 if len(p) >= 20]
ips = [p for p in raw if p and p[0] >> 4 in (4, 6)]
loop = [struct.pack('<I', 2 if p[0] >> 4 == 4 else 30) + p for p in ips[:6]]
loop += [struct.pack('>I', 2 if p[0] >> 4 == 4 else 24) + p for p in ips[6:]]

for name, pkts in [('ethernet', eth), ('rawIp', raw), ('linuxSll', sll), ('linuxSll2', sll2), ('loopback', loop)]:
    for k, p in enumerate(pkts):
        write(os.path.join(dec_dir, name), 'seed-%02d' % k, p)

small = lambda lt: distinct(by_lt.get(lt, []), 3)
caps = {
    'seed-eth-le-usec.pcap': pcap(1, small(1)),
    'seed-eth-be-nsec.pcap': pcap(1, small(1), big=True, nano=True),
    'seed-raw.pcap': pcap(101, small(101)),
    'seed-sll2.pcap': pcap(276, small(276)[:2]),
    'seed-sll.pcap': pcap(113, sll[:2]),
    'seed-null.pcap': pcap(0, loop[:2]),
}
ngs = {
    'seed-le.pcapng': pcapng([(1, 'eth0'), (101, 'flannel0')], [(0, small(1)[0]), (1, small(101)[0]), (0, small(1)[1])]),
    'seed-be.pcapng': pcapng([(276, 'any')], [(0, p) for p in small(276)[:2]], big=True),
    'seed-two-sections.pcapng': pcapng([(1, 'a')], [(0, small(1)[2])]) + pcapng([(113, 'b')], [(0, sll[0])], big=True),
}
for name, data in caps.items():
    write(os.path.join(cap_dir, 'pcap'), name, data)
for name, data in ngs.items():
    write(os.path.join(cap_dir, 'pcapng'), name, data)
write(os.path.join(cap_dir, 'gzip'), 'seed-plain.pcap', caps['seed-raw.pcap'])
write(os.path.join(cap_dir, 'gzip'), 'seed-plain.pcapng', ngs['seed-le.pcapng'])
write(os.path.join(cap_dir, 'gzip'), 'seed-stream.pcap.gz', gzip.compress(caps['seed-eth-le-usec.pcap'], mtime=0))
