/**
 * The {@code dyad} command: one picocli command per daemon and operator task. This is the only place where
 * Dyad's parts are wired together (configuration from flags, services into a {@link io.dyad.cli.DaemonRunner}).
 */
package io.dyad.cli;
