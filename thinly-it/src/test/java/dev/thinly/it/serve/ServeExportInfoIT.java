package dev.thinly.it.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinly.nbd.testkit.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * nbdinfo against {@code thinly serve}: the export list shows every volume with its description,
 * and {@code --json} reports size, read-only state, capabilities and {@code base:allocation}.
 */
class ServeExportInfoIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path tmp;

  private Path pool() {
    return tmp.resolve("pool");
  }

  @Test
  void everyVolumeIsListedWithItsDescriptionAndCapabilities() {
    ThinlyCli.ok("pool", "create", "--pool", pool().toString(), "--data-size", "1G");
    ThinlyCli.ok("create", "vm1", "--size", "64M", "--pool", pool().toString());
    ThinlyCli.ok("create", "vm2", "--size", "32M", "--pool", pool().toString());
    try (ServeProcess serve = ServeProcess.start(pool(), tmp.resolve("nbd.sock"))) {
      assertThat(serve.stdout())
          .contains(
              serve.tcpUri("vm1") + "    thin volume, 64MiB",
              serve.unixUri("vm1") + "    thin volume, 64MiB",
              serve.tcpUri("vm2") + "    thin volume, 32MiB");
      // a snapshot taken while serving is an export at once
      ThinlyCli.ok("snapshot", "vm1", "vm1-ro", "--read-only", "--pool", pool().toString());

      for (String uri : List.of(serve.unixUri(""), serve.tcpUri(""))) {
        String list = nbdinfo("--list", uri);
        assertThat(list)
            .contains("export=\"vm1\":\n\tdescription: thin volume, 64MiB\n")
            .contains("export=\"vm2\":\n\tdescription: thin volume, 32MiB\n")
            .contains(
                "export=\"vm1-ro\":\n\tdescription: thin volume, 64MiB, snapshot of vm1, read-only\n");
      }

      JsonNode vm1 = export(nbdinfo("--json", serve.unixUri("vm1")));
      assertThat(vm1.get("export-size").asLong()).isEqualTo(64L << 20);
      assertThat(vm1.get("is_read_only").asBoolean()).isFalse();
      for (String can :
          List.of("can_trim", "can_zero", "can_fast_zero", "can_fua", "can_flush", "can_multi_conn", "can_cache")) {
        assertThat(vm1.get(can).asBoolean()).as(can).isTrue();
      }
      assertThat(contexts(vm1)).contains("base:allocation");
      assertThat(vm1.get("block_size_preferred").asInt()).isEqualTo(64 * 1024);

      JsonNode ro = export(nbdinfo("--json", serve.tcpUri("vm1-ro")));
      assertThat(ro.get("export-size").asLong()).isEqualTo(64L << 20);
      assertThat(ro.get("is_read_only").asBoolean()).isTrue();
      assertThat(ro.get("can_trim").asBoolean()).isFalse();
      assertThat(ro.get("can_zero").asBoolean()).isFalse();
      assertThat(ro.get("can_fast_zero").asBoolean()).isFalse();
      assertThat(ro.get("can_fua").asBoolean()).isFalse();
      assertThat(ro.get("can_multi_conn").asBoolean()).isTrue();
      assertThat(ro.get("can_cache").asBoolean()).isTrue();
      assertThat(contexts(ro)).contains("base:allocation");

      assertThat(serve.stop()).as(serve.describe()).isZero();
    }
  }

  @Test
  void aServerStartedReadOnlyServesEveryVolumeReadOnly() {
    ThinlyCli.ok("pool", "create", "--pool", pool().toString(), "--data-size", "1G");
    ThinlyCli.ok("create", "vm1", "--size", "16M", "--pool", pool().toString());
    try (ServeProcess serve = ServeProcess.start(pool(), tmp.resolve("nbd.sock"), "--read-only")) {
      JsonNode vm1 = export(nbdinfo("--json", serve.tcpUri("vm1")));
      assertThat(vm1.get("is_read_only").asBoolean()).isTrue();
      assertThat(vm1.get("can_trim").asBoolean()).isFalse();
      var write =
          ProcessRunner.run(
              TIMEOUT,
              "/usr/bin/python3",
              "-c",
              "import nbd, sys\n"
                  + "h = nbd.NBD(); h.set_strict_mode(0); h.connect_uri(sys.argv[1])\n"
                  + "try:\n    h.pwrite(b'x' * 512, 0)\nexcept nbd.Error as e:\n    print('refused', e.errno)\n",
              serve.unixUri("vm1"));
      assertThat(write.assertSuccess().stdout()).contains("refused EPERM");
      assertThat(serve.stop()).as(serve.describe()).isZero();
    }
  }

  private static String nbdinfo(String option, String uri) {
    return ProcessRunner.run(TIMEOUT, "nbdinfo", option, uri).assertSuccess().stdout();
  }

  private static JsonNode export(String json) {
    JsonNode exports = JsonMapper.shared().readTree(json).get("exports");
    assertThat(exports.size()).as(json).isEqualTo(1);
    return exports.get(0);
  }

  private static List<String> contexts(JsonNode export) {
    return export.get("contexts").valueStream().map(JsonNode::asString).toList();
  }
}
