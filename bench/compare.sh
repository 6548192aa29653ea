#!/usr/bin/env bash
# Whole-process comparison on one capture: tunnelscope report and decode vs tshark vs tcpdump.
#
#   bench/compare.sh FILE|DIR                     compare on an existing capture (DIR: every file in it)
#   bench/compare.sh --generate 2000000 [--sizes mix|small|large] [--points N] [--keep]
#                                                 generate the capture first (under ${TMPDIR:-/tmp})
#
# Every tool runs --runs times (default 3, best time kept), page cache warm (one untimed read
# first). Needs java, tshark and tcpdump (Debian: apt-get install tshark tcpdump); times with
# bash's TIMEFORMAT, peak memory with /usr/bin/time (Debian package `time`) when present.
# Tunnelscope runs through the ./tunnelscope launcher (its JVM options; more in TUNNELSCOPE_JAVA_OPTS,
# e.g. -Xmx512m; the JDK and its AOT cache as the launcher chooses them, TUNNELSCOPE_JAVA and
# TUNNELSCOPE_AOT=off to compare). The launcher's one-time AOT training is done before timing.
# The real benchmark capture (about 300,000 packets of iperf3 over flannel VXLAN) is recorded by
# bench/lab-capture.sh.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(dirname "$here")"
generate=""
sizes=mix
points=1
runs=3
keep=0
input=""
while [ $# -gt 0 ]; do
  case "$1" in
    --generate) generate="$2"; shift 2 ;;
    --sizes) sizes="$2"; shift 2 ;;
    --points) points="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) input="$1"; shift ;;
  esac
done
bench_jar="$root/bench/target/benchmarks.jar"
cli_jar="$root/analyzer-cli/target/tunnelscope.jar"
if [ ! -f "$bench_jar" ] || [ ! -f "$cli_jar" ]; then
  echo "compare: building the CLI and the benchmarks (mvn package)..." >&2
  (cd "$root" && mvn -q -B -DskipTests -pl analyzer-cli,bench -am package) >&2
fi
if [ -n "$generate" ]; then
  if [ "$points" = 1 ]; then
    input="${TMPDIR:-/tmp}/tunnelscope-compare-$sizes-$generate.pcap"
  else
    input="${TMPDIR:-/tmp}/tunnelscope-compare-$sizes-$generate-p$points"
  fi
  java -cp "$bench_jar" io.tunnelscope.bench.CaptureGenerator --packets "$generate" --sizes "$sizes" \
      --points "$points" "$input"
  if [ "$keep" = 0 ]; then
    trap 'rm -rf "$input"' EXIT
  fi
fi
[ -n "$input" ] || { echo "usage: bench/compare.sh FILE|DIR | --generate N [--sizes S] [--points N]" >&2; exit 2; }
files=()
if [ -d "$input" ]; then
  while IFS= read -r f; do files+=("$f"); done < <(find "$input" -maxdepth 1 -type f \( -name '*.pcap' -o -name '*.pcapng' \) | sort)
else
  files=("$input")
fi
bytes=$(cat "${files[@]}" | wc -c)
packets=0
for f in "${files[@]}"; do
  n=$(java -cp "$bench_jar" io.tunnelscope.bench.CountPackets "$f")
  packets=$((packets + n))
done
cat "${files[@]}" > /dev/null   # page cache warm
"$root/tunnelscope" version > /dev/null   # builds and trains the AOT cache now if it has to

have_time=0; [ -x /usr/bin/time ] && have_time=1
# run NAME CMD...: best wall time of $runs runs into best_NAME, peak RSS (KiB) into rss_NAME
run() {
  local name="$1"; shift
  local best="" rss=0 t out
  for _ in $(seq "$runs"); do
    out=$(mktemp)
    if [ "$have_time" = 1 ]; then
      /usr/bin/time -f '%e %M' -o "$out" "$@" > /dev/null 2>/dev/null || true
      read -r t r < "$out"
      [ "$r" -gt "$rss" ] && rss=$r
    else
      local TIMEFORMAT='%R'
      { time "$@" > /dev/null 2>/dev/null || true; } 2> "$out"
      t=$(cat "$out")
    fi
    rm -f "$out"
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$t; fi
  done
  printf -v "best_$name" '%s' "$best"
  printf -v "rss_$name" '%s' "$rss"
}
tshark_all() { for f in "${files[@]}"; do tshark -n -r "$f" -d udp.port==8472,vxlan -d udp.port==8285,ip; done; }
tcpdump_all() { for f in "${files[@]}"; do tcpdump -n -r "$f"; done; }
export -f tshark_all tcpdump_all 2>/dev/null || true

run report "$root/tunnelscope" report "${files[@]}"
run decode "$root/tunnelscope" decode "${files[@]}"
run tcpdump bash -c "$(declare -p files); $(declare -f tcpdump_all); tcpdump_all"
run tshark bash -c "$(declare -p files); $(declare -f tshark_all); tshark_all"

load=$(cut -d' ' -f1-3 /proc/loadavg)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
echo
echo "machine: $(nproc) cores ($cpu), $(free -g | awk '/Mem:/{print $2}') GB; load average $load"
echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "input:   $input (${#files[@]} file(s), $packets packets, $bytes bytes); best of $runs runs"
echo
printf '%-12s %10s %12s %10s %14s\n' tool seconds packets/s 'peak MiB' 'vs report'
for name in report decode tcpdump tshark; do
  b="best_$name"; r="rss_$name"
  awk -v n="$name" -v t="${!b}" -v p="$packets" -v m="${!r}" -v ts="$best_report" 'BEGIN{
    rate = t > 0 ? p / t : 0; ratio = ts > 0 ? t / ts : 0;
    printf "%-12s %10.2f %12.0f %10.0f %13.1fx\n", n, t, rate, m / 1024, ratio }'
done
