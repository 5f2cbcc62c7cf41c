package dev.thinly.nbd.server;

import java.nio.ByteBuffer;

/**
 * One complete reply, as the buffers to write in order, and what to do once they are written (or
 * dropped because the connection broke): release pooled buffers and the in-flight permit.
 */
record OutgoingReply(ByteBuffer[] parts, Runnable onWritten) {}
