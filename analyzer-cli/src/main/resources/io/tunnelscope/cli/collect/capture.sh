# tunnelscope collect: one device's capture, run by the node's shell (POSIX sh). Writes the capture
# to stdout (tcpdump -U -w -: pcap, flushed per packet; dumpcap: pcapng) and tcpdump's messages to
# stderr, until the capture ends by itself or this script's stdin closes: then the capture gets
# SIGTERM, so that it flushes and prints its statistics (packets captured, dropped by kernel).
#   $1 device   $2 BPF filter ("" for none)   $3 snapshot length (0: whole packets)
#   $4 the transport's own traffic to leave out, or nothing: "ssh" (the ssh sessions streaming the
#      captures back, from $SSH_CONNECTION), "kubelet" (kubectl exec streams: TCP port 10250);
#      captured, each streamed packet would be sent back again, and again
dev=$1
filter=$2
snap=${3:-0}
own=""
case ${4:-} in
    ssh)
        # SSH_CONNECTION: client address, client port, server address, server port
        set -- $SSH_CONNECTION
        [ $# -eq 4 ] && own="host $1 and host $3 and tcp port $4"
        ;;
    kubelet) own="tcp port 10250" ;;
esac
if [ -n "$own" ]; then
    if [ -n "$filter" ]; then filter="($filter) and not ($own)"; else filter="not ($own)"; fi
fi
if command -v tcpdump >/dev/null 2>&1; then
    set -- tcpdump -n -i "$dev" -s "$snap" -B 8192 -U --immediate-mode -w -
    if tcpdump --help 2>&1 | grep -q -- --time-stamp-precision; then
        set -- "$@" --time-stamp-precision=nano
    fi
    [ -n "$filter" ] && set -- "$@" "$filter"
elif command -v dumpcap >/dev/null 2>&1; then
    set -- dumpcap -q -i "$dev" -s "$snap" -w -
    [ -n "$filter" ] && set -- "$@" -f "$filter"
else
    echo "tunnelscope: neither tcpdump nor dumpcap is installed on this node" >&2
    exit 127
fi
# A background job's stdin is /dev/null: keep ours on fd 4 for the watcher.
exec 4<&0
"$@" <&- &
capture=$!
( cat <&4 >/dev/null 2>&1; kill -TERM "$capture" 2>/dev/null ) >/dev/null 2>&1 &
watcher=$!
exec 4<&-
wait "$capture"
status=$?
kill "$watcher" 2>/dev/null
exit "$status"
