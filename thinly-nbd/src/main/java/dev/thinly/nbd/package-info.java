/** Package root. */
package dev.thinly.nbd;
