/**
 * The metadata tools as a library: dump, restore, ls, rmap (thin-provisioning-tools compatible).
 * Each takes an immutable {@code *Options} record and reports problems as exceptions; none parses
 * arguments or exits the process. Tools that only read metadata open it read-only.
 */
package dev.thinly.thin.tools;
