package dev.thinly.thin.pool;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * What all open handles of one volume share: its identity and size, and the quiesce lock. Writes
 * hold the lock shared; snapshots of the volume, large discards, resizes and deletion hold it
 * exclusively, so they see no write half-done ("a snapshot contains every write acknowledged
 * before it and none after").
 */
final class VolumeState {
  final String name;
  final long thinId;
  final ReentrantReadWriteLock quiesce = new ReentrantReadWriteLock();
  final AtomicInteger openHandles = new AtomicInteger();
  volatile long sizeBytes;
  volatile boolean readOnly;
  volatile boolean deleted;

  VolumeState(String name, long thinId, long sizeBytes, boolean readOnly) {
    this.name = name;
    this.thinId = thinId;
    this.sizeBytes = sizeBytes;
    this.readOnly = readOnly;
  }
}
