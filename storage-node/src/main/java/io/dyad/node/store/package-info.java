/**
 * The storage node's object store: immutable objects and tombstones in a fan-out directory tree, written
 * through fsynced temporary files and atomic renames, each carrying a whole-object CRC32C and per-block
 * CRC32Cs that every read verifies. See {@link io.dyad.node.store.ObjectFileFormat} for the on-disk format.
 */
package io.dyad.node.store;
