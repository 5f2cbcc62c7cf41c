/**
 * The block manager: 4 KiB metadata blocks, a bounded cache, validators with salted checksums and
 * self-location checks. Depends on {@code pdata.io}, {@code pdata.codec}, {@code pdata.error}.
 */
package dev.thinly.pdata.block;
