/**
 * The metadata tools on the command line (dump, restore, ls, rmap): each command parses its
 * arguments into a {@code thin.tools} options record, runs the library and lets failures reach
 * the one exit-code table, {@link dev.thinly.cli.ExitCodes}.
 */
package dev.thinly.cli.tools;
