/**
 * The local runtime: a real Kafka broker (KRaft, one combined node) and a real schema registry
 * (Apicurio, Confluent-compatible API), started as child processes on loopback, for users without a
 * cluster and for the tests. {@link io.hashstream.runtime.LocalRuntime} is the whole public API.
 */
@NullMarked
package io.hashstream.runtime;

import org.jspecify.annotations.NullMarked;
