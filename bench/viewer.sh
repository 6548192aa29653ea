#!/usr/bin/env bash
# The viewer on a large capture against `tunnelscope report` on the same file, in one run:
# when the rows show, when the analysis is done, and the peak resident memory of each.
#
#   bench/viewer.sh FILE|DIR [--runs N]                  measure on an existing capture
#   bench/viewer.sh --generate 2000000 [--sizes mix|small|large] [--points N] [--keep] [--runs N]
#                                                        generate the capture first (under ${TMPDIR:-/tmp})
#
# The viewer runs headless (`tunnelscope gui --snapshot OUT.png --timings`, software rendering):
# it opens the capture, loads it, analyses it, renders the window and exits; --timings makes it
# print how many milliseconds after the open the first rows showed (one file in time order shows
# its packets while it loads), all of them, and the analysis ended. `report` and the viewer run
# alternately, --runs times each (default 3), page cache warm; each row of the output is one pair
# of runs, with the load average when it started (two cores shared with other work make the
# times move; compare the pairs). Peak RSS with /usr/bin/time (Debian package `time`). Both run
# through the ./tunnelscope launcher, with its JVM options.
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
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) input="$1"; shift ;;
  esac
done
[ -x /usr/bin/time ] || { echo "viewer.sh: needs /usr/bin/time (Debian: apt-get install time)" >&2; exit 2; }
bench_jar="$root/bench/target/benchmarks.jar"
if [ ! -f "$bench_jar" ]; then
  (cd "$root" && mvn -q -B -DskipTests -pl bench -am package) >&2
fi
if [ -n "$generate" ]; then
  if [ "$points" = 1 ]; then
    input="${TMPDIR:-/tmp}/tunnelscope-viewer-$sizes-$generate.pcap"
  else
    input="${TMPDIR:-/tmp}/tunnelscope-viewer-$sizes-$generate-p$points"
  fi
  if [ ! -e "$input" ]; then
    java -cp "$bench_jar" io.tunnelscope.bench.CaptureGenerator --packets "$generate" --sizes "$sizes" \
        --points "$points" "$input"
  fi
  if [ "$keep" = 0 ]; then
    trap 'rm -rf "$input"' EXIT
  fi
fi
[ -n "$input" ] || { echo "usage: bench/viewer.sh FILE|DIR | --generate N [--sizes S] [--points N]" >&2; exit 2; }
if [ -d "$input" ]; then cat "$input"/* > /dev/null; else cat "$input" > /dev/null; fi   # page cache warm
"$root/tunnelscope" report --help > /dev/null 2>&1 || true                              # build the CLI
"$root/tunnelscope" gui --help > /dev/null 2>&1 || true                                 # and the viewer
png="$(mktemp --suffix=.png)"
out="$(mktemp)"
trap 'rm -f "$png" "$out"; [ "$keep" = 1 ] || [ -z "$generate" ] || rm -rf "$input"' EXIT
printf '%-4s %-8s %-12s %-12s %-12s %-12s %-12s %-9s %-11s %-11s\n' run load report_s rows_s all_rows_s analysed_s viewer_s ratio \
    report_rss viewer_rss
for r in $(seq "$runs"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f '%e %M' -o "$out" "$root/tunnelscope" report --no-progress "$input" > /dev/null 2>&1 || true
  read -r report_s report_rss < "$out" || true
  timings=$(/usr/bin/time -f '%e %M' -o "$out" "$root/tunnelscope" gui --snapshot "$png" --timings "$input" 2>&1 \
      | grep 'rows shown after' || true)
  read -r viewer_s viewer_rss < "$out" || true
  if [ -z "$timings" ]; then
    echo "run $r: the viewer printed no timings (see: $root/tunnelscope gui --snapshot OUT.png --timings $input)" >&2
    continue
  fi
  rows_ms=$(sed -E 's/.*rows shown after ([0-9]+) ms.*/\1/' <<< "$timings")
  all_ms=$(sed -E 's/.*all rows after ([0-9]+) ms.*/\1/' <<< "$timings")
  analysed_ms=$(sed -E 's/.*analysis done after ([0-9]+) ms.*/\1/' <<< "$timings")
  rows_s=$(awk -v m="$rows_ms" 'BEGIN { printf "%.2f", m / 1000 }')
  all_s=$(awk -v m="$all_ms" 'BEGIN { printf "%.2f", m / 1000 }')
  analysed_s=$(awk -v m="$analysed_ms" 'BEGIN { printf "%.2f", m / 1000 }')
  ratio=$(awk -v a="$analysed_s" -v b="$report_s" 'BEGIN { printf "%.2f", a / b }')
  printf '%-4s %-8s %-12s %-12s %-12s %-12s %-12s %-9s %-11s %-11s\n' "$r" "$load" "$report_s" "$rows_s" "$all_s" "$analysed_s" \
      "$viewer_s" "$ratio" "$((report_rss / 1024)) MB" "$((viewer_rss / 1024)) MB"
done
echo "report_s: whole 'tunnelscope report' process; rows_s / all_rows_s / analysed_s: from the viewer's open to the"
echo "first rows shown (one file in time order shows its packets while it loads) / to every packet in the list / to"
echo "the analysis done (the JVM and JavaFX start before); ratio = analysed_s / report_s; RSS: peak resident."
