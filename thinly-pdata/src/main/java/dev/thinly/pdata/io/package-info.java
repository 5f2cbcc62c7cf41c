/**
 * Block I/O: byte-addressed devices (files, block devices, memory) with positional reads and
 * writes, a flush barrier, and discard. No caching, no knowledge of any format. The bottom layer:
 * depends only on {@code pdata.error}.
 */
package dev.thinly.pdata.io;
