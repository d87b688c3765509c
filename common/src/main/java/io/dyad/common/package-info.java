/**
 * Types every Dyad role shares: object ids, error codes and the one exception type that carries them.
 * Nothing here touches the network, ZooKeeper or the disk.
 */
package io.dyad.common;
