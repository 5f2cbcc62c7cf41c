/** Package root. */
package dev.thinly.thin;
