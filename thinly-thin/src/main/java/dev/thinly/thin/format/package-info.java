/**
 * The dm-thin structures on top of persistent data: the superblock and its validator, device
 * details, block_time mapping values. One record + codec per structure, byte layout in the
 * Javadoc. Depends on {@code pdata.block}, {@code pdata.codec}, {@code pdata.spacemap.disk}.
 */
package dev.thinly.thin.format;
