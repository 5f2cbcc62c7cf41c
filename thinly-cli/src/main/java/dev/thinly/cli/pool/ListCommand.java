package dev.thinly.cli.pool;

import dev.thinly.cli.format.SizeConverter;
import dev.thinly.cli.access.PoolAccess;
import dev.thinly.thin.pool.VolumeUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** {@code thinly list}. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "List the volumes of a pool with their space use.",
      "",
      "EXCLUSIVE is what deleting the volume would free; SHARED is shared",
      "with snapshots or clones (the same numbers as thin_ls)."
    },
    footer = {"", "Examples:", "  thinly list", "  thinly list --json | jq '.[] | select(.origin == \"base\") | .name'"})
public final class ListCommand extends PoolCommandBase {
  @Option(names = "--json", description = "Print JSON: an array with one object per volume.")
  boolean json;

  /** One volume in the JSON form. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Json(
      String name,
      long thinId,
      long sizeBytes,
      long mappedBytes,
      long exclusiveBytes,
      long sharedBytes,
      String origin,
      boolean readOnly,
      String created,
      Map<String, String> labels) {}

  @Override
  public Integer call() {
    List<VolumeUsage> volumes;
    try (PoolAccess p = openPool()) {
      volumes = p.list();
    }
    if (json) {
      printJson(
          volumes.stream()
              .map(v -> new Json(
                  v.name(), v.thinId(), v.sizeBytes(), v.mappedBytes(), v.exclusiveBytes(), v.sharedBytes(),
                  v.origin(), v.readOnly(), v.created().toString(), new TreeMap<>(v.labels())))
              .toList());
      return 0;
    }
    if (volumes.isEmpty()) {
      out().println("no volumes");
      return 0;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"NAME", "SIZE", "MAPPED", "EXCLUSIVE", "SHARED", "ORIGIN", "RO", "CREATED", "LABELS"});
    for (VolumeUsage v : volumes) {
      rows.add(
          new String[] {
            v.name(), SizeConverter.format(v.sizeBytes()), SizeConverter.format(v.mappedBytes()),
            SizeConverter.format(v.exclusiveBytes()), SizeConverter.format(v.sharedBytes()),
            v.origin() == null ? "-" : v.origin(), v.readOnly() ? "ro" : "rw",
            v.created().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(),
            new TreeMap<>(v.labels()).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","))
          });
    }
    TextTable.print(out(), rows, new boolean[] {false, true, true, true, true, false, false, false, false});
    return 0;
  }
}
