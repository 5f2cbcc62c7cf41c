package dev.thinly.thin.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.pdata.io.FileBlockDevice;
import dev.thinly.thin.metadata.MetadataStateException;
import dev.thinly.thin.metadata.PoolMetadata;
import dev.thinly.thin.metadata.ThinDeviceException;
import dev.thinly.thin.testkit.TestPools;
import dev.thinly.thin.testkit.ThinTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each message is one committed transaction that thin_check accepts and thin_dump shows. */
class MessageTest {
  @TempDir Path dir;
  Path meta;

  @BeforeEach
  void pool() {
    meta = dir.resolve("meta");
    try (PoolMetadata pm =
        PoolMetadata.format(FileBlockDevice.create(meta, 8L << 20), 128, 10_000, 1 << 20)) {
      pm.createThin(0);
      TestPools.fill(pm, 0, 0, 300, 1);
      pm.commit();
    }
  }

  private void send(String message) {
    Message.send(meta, PoolMessage.parse(Arrays.asList(message.split(" "))), 1 << 20);
    assertClean();
  }

  private void assertClean() {
    ThinTools.Result tool = ThinTools.thinCheck(meta);
    assertThat(tool.exitCode()).as(tool.all()).isZero();
    List<CheckReport.Problem> problems = new ArrayList<>();
    Check.run(meta, CheckOptions.full(), CheckReport.collecting(problems));
    assertThat(problems).isEmpty();
  }

  private String dump(String... options) {
    ThinTools.Result d = ThinTools.thinDump(meta, options);
    assertThat(d.exitCode()).as(d.all()).isZero();
    return d.stdout();
  }

  @Test
  void createThinCreateSnapDelete() {
    send("create_thin 7");
    assertThat(dump())
        .contains(
            "<device dev_id=\"7\" mapped_blocks=\"0\" transaction=\"0\" creation_time=\"0\""
                + " snap_time=\"0\">");
    send("create_snap 8 0");
    assertThat(dump())
        .contains(
            "<device dev_id=\"0\" mapped_blocks=\"300\" transaction=\"0\" creation_time=\"0\""
                + " snap_time=\"1\">")
        .contains(
            "<device dev_id=\"8\" mapped_blocks=\"300\" transaction=\"0\" creation_time=\"1\""
                + " snap_time=\"1\">")
        .contains("time=\"1\"");
    send("delete 0");
    String xml = dump();
    assertThat(xml)
        .doesNotContain("dev_id=\"0\"")
        .contains("dev_id=\"8\"")
        .contains("dev_id=\"7\"");
    assertThat(xml)
        .contains("<range_mapping origin_begin=\"0\" data_begin=\"0\" length=\"300\" time=\"0\"/>");
    send("delete 8");
    assertThat(dump()).doesNotContain("dev_id=\"8\"");
  }

  @Test
  void setTransactionIdIsACompareAndSwap() {
    send("set_transaction_id 0 41");
    assertThat(dump()).contains("transaction=\"41\"");
    assertThatThrownBy(() -> send("set_transaction_id 40 42"))
        .isInstanceOfSatisfying(
            MetadataStateException.class,
            e ->
                assertThat(e.kind())
                    .isEqualTo(MetadataStateException.Kind.TRANSACTION_ID_MISMATCH));
    assertThat(dump()).contains("transaction=\"41\"");
  }

  @Test
  void metadataSnapshotReserveAndRelease() {
    send("reserve_metadata_snap");
    ThinTools.Result m = ThinTools.thinCheck(meta, "-m");
    assertThat(m.exitCode()).as(m.all()).isZero();
    assertThat(dump("-m")).contains("dev_id=\"0\"");
    assertThatThrownBy(() -> send("reserve_metadata_snap"))
        .isInstanceOfSatisfying(
            MetadataStateException.class,
            e -> assertThat(e.kind()).isEqualTo(MetadataStateException.Kind.SNAPSHOT_HELD));
    send("create_thin 5");
    send("delete 0");
    assertThat(dump("-m")).contains("dev_id=\"0\"").doesNotContain("dev_id=\"5\"");
    assertThat(dump()).doesNotContain("dev_id=\"0\"").contains("dev_id=\"5\"");
    send("release_metadata_snap");
    assertThat(ThinTools.thinCheck(meta, "-m").exitCode()).isNotZero();
    assertThatThrownBy(() -> send("release_metadata_snap"))
        .isInstanceOfSatisfying(
            MetadataStateException.class,
            e -> assertThat(e.kind()).isEqualTo(MetadataStateException.Kind.SNAPSHOT_NOT_HELD));
  }

  @Test
  void errorsAreTheKernels() throws Exception {
    byte[] before = Files.readAllBytes(meta);
    assertThatThrownBy(() -> send("create_thin 0"))
        .isInstanceOfSatisfying(
            ThinDeviceException.class,
            e -> assertThat(e.problem()).isEqualTo(ThinDeviceException.Problem.EXISTS));
    assertThatThrownBy(() -> send("create_snap 1 2"))
        .isInstanceOfSatisfying(
            ThinDeviceException.class,
            e -> assertThat(e.problem()).isEqualTo(ThinDeviceException.Problem.UNKNOWN));
    assertThatThrownBy(() -> send("create_snap 0 0"))
        .isInstanceOfSatisfying(
            ThinDeviceException.class,
            e -> assertThat(e.problem()).isEqualTo(ThinDeviceException.Problem.EXISTS));
    assertThatThrownBy(() -> send("delete 3"))
        .isInstanceOfSatisfying(
            ThinDeviceException.class,
            e -> assertThat(e.problem()).isEqualTo(ThinDeviceException.Problem.UNKNOWN));
    assertThatThrownBy(() -> send("create_thin 16777216"))
        .isInstanceOfSatisfying(
            ThinDeviceException.class,
            e -> assertThat(e.problem()).isEqualTo(ThinDeviceException.Problem.OUT_OF_RANGE));
    assertThatThrownBy(() -> send("delete 99999999999")).isInstanceOf(ThinDeviceException.class);
    assertThatThrownBy(() -> send("create_thin -1")).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> send("create_thin 0x10")).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> send("create_thin")).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> send("create_thin 1 2")).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> send("reserve_metadata_snap now"))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> send("trim 0"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("unrecognised");
    assertThat(Files.readAllBytes(meta)).as("failed messages write nothing").isEqualTo(before);
  }

  @Test
  void messagesAreRefusedWhileNeedsCheckIsSet() {
    try (PoolMetadata pm = PoolMetadata.open(FileBlockDevice.open(meta, false), 1 << 20, false)) {
      pm.writeNeedsCheck(true);
    }
    assertThatThrownBy(() -> send("create_thin 1"))
        .isInstanceOfSatisfying(
            MetadataStateException.class,
            e -> assertThat(e.kind()).isEqualTo(MetadataStateException.Kind.NEEDS_CHECK));
  }
}
