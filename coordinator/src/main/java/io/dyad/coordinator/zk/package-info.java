/** Connecting to ZooKeeper through Curator, the znode paths of Dyad's layout, and their JSON codecs. */
package io.dyad.coordinator.zk;
