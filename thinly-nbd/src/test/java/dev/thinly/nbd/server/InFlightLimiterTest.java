package dev.thinly.nbd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InFlightLimiterTest {

  @Test
  void blocksAtTheRequestBoundUntilOneCompletes() throws Exception {
    InFlightLimiter limiter = new InFlightLimiter(2, 1000);
    limiter.acquire(0);
    limiter.acquire(0);
    CountDownLatch admitted = new CountDownLatch(1);
    Thread third =
        Thread.ofVirtual()
            .start(
                () -> {
                  limiter.acquire(0);
                  admitted.countDown();
                });
    assertThat(admitted.await(100, TimeUnit.MILLISECONDS)).isFalse();
    limiter.release(0);
    assertThat(admitted.await(10, TimeUnit.SECONDS)).isTrue();
    third.join();
    assertThat(limiter.inFlight()).isEqualTo(2);
  }

  @Test
  void blocksAtTheByteBoundButAlwaysAdmitsOneRequest() throws Exception {
    InFlightLimiter limiter = new InFlightLimiter(10, 1000);
    limiter.acquire(900);
    CountDownLatch admitted = new CountDownLatch(1);
    Thread.ofVirtual()
        .start(
            () -> {
              limiter.acquire(200);
              admitted.countDown();
            });
    assertThat(admitted.await(100, TimeUnit.MILLISECONDS)).isFalse();
    limiter.release(900);
    assertThat(admitted.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void awaitIdleWaitsForTheLastRelease() {
    InFlightLimiter limiter = new InFlightLimiter(10, 1000);
    limiter.acquire(10);
    assertThat(limiter.awaitIdle(InFlightLimiter.deadline(Duration.ofMillis(20)))).isFalse();
    Thread.ofVirtual().start(() -> limiter.release(10));
    assertThat(limiter.awaitIdle(InFlightLimiter.deadline(Duration.ofSeconds(10)))).isTrue();
    limiter.awaitIdle();
    assertThat(limiter.inFlight()).isZero();
  }

  @Test
  void hugeTimeoutsDoNotOverflow() {
    InFlightLimiter limiter = new InFlightLimiter(1, 1);
    assertThat(limiter.awaitIdle(InFlightLimiter.deadline(Duration.ofSeconds(Long.MAX_VALUE))))
        .isTrue();
  }
}
