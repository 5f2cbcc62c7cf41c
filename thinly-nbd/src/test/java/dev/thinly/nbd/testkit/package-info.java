/**
 * Test fixtures shared through the module's test-jar: a server on a temporary unix socket and a
 * free loopback port ({@link dev.thinly.nbd.testkit.NbdTestServer}), a raw protocol client
 * ({@link dev.thinly.nbd.testkit.NbdTestClient}), external tools with timeouts ({@link
 * dev.thinly.nbd.testkit.ProcessRunner}), certificates and sparse images.
 */
package dev.thinly.nbd.testkit;
