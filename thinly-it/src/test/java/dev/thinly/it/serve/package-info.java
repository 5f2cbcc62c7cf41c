/**
 * Issue #4 end to end: {@code thinly serve} as a child process ({@link
 * dev.thinly.it.serve.ServeProcess}) on a temporary pool, a unix socket and a kernel-chosen
 * 127.0.0.1 port, driven by the real clients (nbdinfo, qemu-img, nbdcopy, fio, nbdfuse with ext4,
 * libnbd's Python binding) and by the {@code thinly} CLI as separate processes ({@link
 * dev.thinly.it.serve.ThinlyCli}). Python clients live in this package's test resources; each
 * prints one line per event the test waits on, so no test sleeps to synchronize. Every process a
 * test starts is killed by PID when the test ends.
 */
package dev.thinly.it.serve;
