/**
 * The payloads of Dyad's znodes, one immutable record per znode kind, written as UTF-8 JSON by
 * {@link io.dyad.coordinator.zk.ZnodeCodec}. See docs/zookeeper.md for the layout.
 */
package io.dyad.coordinator.model;
