/**
 * The space-map contract shared by the metadata and the data space maps (the on-disk
 * implementations live in {@code spacemap.disk}). Depends on nothing.
 */
package dev.thinly.pdata.spacemap;
