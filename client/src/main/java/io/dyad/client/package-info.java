/**
 * The Java client of a Dyad cluster: {@link io.dyad.client.DyadClient} finds DOSMs (from ZooKeeper or a
 * fixed list), streams objects in and out in bounded memory with an end-to-end CRC32C check, and retries
 * another DOSM when one fails.
 */
package io.dyad.client;
