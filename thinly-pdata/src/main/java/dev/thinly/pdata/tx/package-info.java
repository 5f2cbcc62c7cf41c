/**
 * The transaction manager: shadowing (copy-on-write), the only source of writable metadata
 * blocks, and the commit ordering. Depends on {@code pdata.block} and {@code pdata.spacemap}.
 */
package dev.thinly.pdata.tx;
