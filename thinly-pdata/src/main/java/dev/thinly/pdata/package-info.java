/** Package root. */
package dev.thinly.pdata;
