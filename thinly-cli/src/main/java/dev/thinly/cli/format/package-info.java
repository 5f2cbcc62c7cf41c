/**
 * How the command line reads and writes values for people and scripts: sizes ({@code 10G}) and
 * JSON output. Depends on nothing else in the CLI, so every command package can use it.
 */
package dev.thinly.cli.format;
