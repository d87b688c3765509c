/**
 * {@code dyad bench}: throughput figures for Dyad beside the raw limits of the same machine (fsynced disk
 * writes, a loopback TCP stream), measured in the same run so that ratios survive a noisy machine.
 */
package io.dyad.cli.bench;
