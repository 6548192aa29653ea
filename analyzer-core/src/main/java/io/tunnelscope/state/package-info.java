/**
 * The network state of the nodes a capture was taken on, as {@code tunnelscope collect} records it
 * next to the captures ({@code DIR/NODE/state/}): devices, addresses, routes, neighbours and
 * VXLAN forwarding entries ({@code ip -j}, {@code bridge -j fdb}), NAT and filter rules
 * ({@code iptables-save}, {@code nft -j list ruleset}), connection tracking, offloads
 * ({@code ethtool -k}), sysctls, flannel's {@code subnet.env} and Kubernetes objects. Parsers read
 * each file into an immutable {@link io.tunnelscope.state.NodeState}; {@link io.tunnelscope.state.StateChecks}
 * answers the questions the findings ask of it (which rule masquerades this packet, which MTU
 * does this device have, does the FDB know this VTEP); {@link io.tunnelscope.state.AddressNames}
 * puts pod, service and node names on addresses.
 */
package io.tunnelscope.state;
