/** Field access and checksums shared by every on-disk structure. Depends on nothing. */
package dev.thinly.pdata.codec;
