/**
 * The runtime's side of its execution engines, for the bytecode compiler only (exported to
 * {@code io.bpf4j.compiler} alone): the decoded program a compiler translates, the per-run state
 * compiled code works on, and the service through which the runtime finds a compiler without
 * depending on it. Not an API for applications.
 */
package io.bpf4j.runtime.spi;
