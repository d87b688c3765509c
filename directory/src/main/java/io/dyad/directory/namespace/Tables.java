package io.dyad.directory.namespace;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;

/** The RocksDB database of a directory server and its column families (the layout is in {@link Keys}). */
record Tables(RocksDB db, ColumnFamilyHandle inodes, ColumnFamilyHandle entries, ColumnFamilyHandle log,
    ColumnFamilyHandle garbage, ColumnFamilyHandle uploads, ColumnFamilyHandle volumes, ColumnFamilyHandle requests) {

  /** The names of the column families, in the order of the record's handles. */
  static final String[] NAMES = {"inodes", "entries", "log", "garbage", "uploads", "volumes", "requests"};
}
