/**
 * The machinery of {@code tunnelscope collect}: how a command reaches a node ({@link
 * io.tunnelscope.cli.collect.Transport}: the system's {@code ssh}, {@code kubectl debug node/NODE},
 * any exec prefix such as {@code ip netns exec host1}, or the local machine), the scripts run there
 * (the node's state, one {@code tcpdump -U -w -} per device, stopped gracefully when its standard
 * input closes), and the sessions that stream each capture into {@code DIR/NODE/DEVICE.pcapng}.
 */
package io.tunnelscope.cli.collect;
