/**
 * The on-disk space maps of the dm-thin format: 2-bit bitmaps, index entries, ref-count trees; the
 * data space map (index btree) and the self-hosting metadata space map (one index block).
 * Depends on {@code pdata.btree}, {@code pdata.tx}, {@code pdata.block}, {@code pdata.spacemap}.
 */
package dev.thinly.pdata.spacemap.disk;
