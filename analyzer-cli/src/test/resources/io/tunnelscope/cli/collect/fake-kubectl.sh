#!/bin/sh
# A fake kubectl for KubectlTransportTest: records every call (its arguments NUL-separated, one
# file per call, in call order) under $FAKE_KUBECTL_DIR and plays back canned output:
#   debug node/NODE ...   "Creating debugging pod node-debugger-NODE-abcde ..." (fails for worker9)
#   wait ...              "condition met"
#   exec -i POD -- sh -c SCRIPT tunnelscope-state B ROOT [ITEMS]   the recorded state, boundary B
#   exec -i POD -- sh -c SCRIPT tunnelscope-capture DEV FILTER SNAP  tcpdump's messages and a pcap,
#                                                                    until stdin closes
#   delete pod POD ...    "pod deleted"
#   get pods,nodes,services -A -o json   the dump in $FAKE_K8S
set -u
dir=$FAKE_KUBECTL_DIR
# named by the time of the call (then the pid): concurrent calls never share a name
call=$(printf '%s/call-%s-%08d' "$dir" "$(date +%s%N)" "$$")
: > "$call.tmp"
for a in "$@"; do printf '%s\0' "$a" >> "$call.tmp"; done
mv "$call.tmp" "$call"
case $1 in
    debug)
        node=${2#node/}
        if [ "$node" = worker9 ]; then
            echo "Error from server (NotFound): nodes \"worker9\" not found" >&2
            exit 1
        fi
        echo "Creating debugging pod node-debugger-$node-abcde with container debugger on node $node."
        ;;
    wait)
        echo "$2 condition met"
        ;;
    exec)
        # exec -i POD -- sh -c SCRIPT NAME ARGS...
        shift 7
        name=$1
        shift
        if [ "$name" = tunnelscope-state ]; then
            boundary=$1
            shift 2
            if [ $# -eq 0 ]; then
                sed "s/TSBOUNDARY/$boundary/g" "$FAKE_STATE"
            else
                for item in "$@"; do printf '%s begin %s\n\n%s end %s 0\n' "$boundary" "$item" "$boundary" "$item"; done
            fi
        else
            echo "tcpdump: listening on $1, link-type EN10MB (Ethernet), snapshot length 262144 bytes" >&2
            cat "$FAKE_PCAP"
            cat > /dev/null
            echo "12 packets captured" >&2
            echo "12 packets received by filter" >&2
            echo "0 packets dropped by kernel" >&2
        fi
        ;;
    delete)
        echo "pod \"$3\" deleted"
        ;;
    get)
        cat "$FAKE_K8S"
        ;;
    *)
        echo "fake kubectl: unexpected $*" >&2
        exit 1
        ;;
esac
