/**
 * One zero-allocation flyweight per protocol, in a package per protocol: {@code wrap(buffer,
 * offset, available)} returns the flyweight, getters read fields by absolute index. Field offsets
 * are named constants next to the header diagram of the RFC each class implements.
 */
package io.tunnelscope.proto;
