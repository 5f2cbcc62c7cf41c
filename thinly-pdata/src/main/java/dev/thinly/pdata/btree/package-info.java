/**
 * The copy-on-write B+tree of the persistent-data format: node layout and validator, value types
 * that own reference counting, lookup/insert/remove with the format's fill rules, walkers, and a
 * bottom-up builder. Depends on {@code pdata.tx}, {@code pdata.block}, {@code pdata.codec}.
 */
package dev.thinly.pdata.btree;
