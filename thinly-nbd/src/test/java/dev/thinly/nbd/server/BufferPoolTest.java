package dev.thinly.nbd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class BufferPoolTest {

  @Test
  void roundsUpToPowersOfTwoAndReuses() {
    BufferPool pool = new BufferPool(1 << 20);
    ByteBuffer a = pool.acquire(5000);
    assertThat(a.isDirect()).isTrue();
    assertThat(a.capacity()).isEqualTo(8192);
    assertThat(a.limit()).isEqualTo(5000);
    assertThat(a.position()).isZero();
    pool.release(a);
    assertThat(pool.retainedBytes()).isEqualTo(8192);
    ByteBuffer b = pool.acquire(8000);
    assertThat(b).isSameAs(a);
    assertThat(b.limit()).isEqualTo(8000);
    assertThat(pool.retainedBytes()).isZero();
    assertThat(pool.acquire(1).capacity()).isEqualTo(4096);
  }

  @Test
  void keepsNoMoreThanItsBudget() {
    BufferPool pool = new BufferPool(16 * 1024);
    ByteBuffer a = pool.acquire(8192);
    ByteBuffer b = pool.acquire(8192);
    ByteBuffer c = pool.acquire(8192);
    pool.release(a);
    pool.release(b);
    pool.release(c);
    assertThat(pool.retainedBytes()).isEqualTo(16 * 1024);
  }

  @Test
  void oversizedAndForeignBuffersAreNotKept() {
    BufferPool pool = new BufferPool(1L << 30);
    ByteBuffer huge = pool.acquire(NbdServer.MAX_PAYLOAD_BYTES + 1);
    assertThat(huge.capacity()).isEqualTo(NbdServer.MAX_PAYLOAD_BYTES + 1);
    pool.release(huge);
    pool.release(ByteBuffer.allocateDirect(3000));
    assertThat(pool.retainedBytes()).isZero();
  }
}
