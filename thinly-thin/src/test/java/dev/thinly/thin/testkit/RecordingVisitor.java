package dev.thinly.thin.testkit;

import dev.thinly.thin.ir.DeviceAttrs;
import dev.thinly.thin.ir.MappingRun;
import dev.thinly.thin.ir.MetadataVisitor;
import dev.thinly.thin.ir.SuperblockAttrs;
import dev.thinly.thin.ir.Visit;
import java.util.ArrayList;
import java.util.List;

/** Records every event it receives, as records (strings for names), for comparisons. */
public final class RecordingVisitor implements MetadataVisitor {
  /** Marker events without data. */
  public enum Mark { SUPERBLOCK_END, DEF_END, DEVICE_END, EOF }

  /** A def or ref name. */
  public record Def(String name) {}

  public record Ref(String name) {}

  public final List<Object> events = new ArrayList<>();

  @Override
  public Visit superblockBegin(SuperblockAttrs sb) {
    events.add(sb);
    return Visit.CONTINUE;
  }

  @Override
  public Visit superblockEnd() {
    events.add(Mark.SUPERBLOCK_END);
    return Visit.CONTINUE;
  }

  @Override
  public Visit defBegin(String name) {
    events.add(new Def(name));
    return Visit.CONTINUE;
  }

  @Override
  public Visit defEnd() {
    events.add(Mark.DEF_END);
    return Visit.CONTINUE;
  }

  @Override
  public Visit deviceBegin(DeviceAttrs d) {
    events.add(d);
    return Visit.CONTINUE;
  }

  @Override
  public Visit deviceEnd() {
    events.add(Mark.DEVICE_END);
    return Visit.CONTINUE;
  }

  @Override
  public Visit mapping(MappingRun run) {
    events.add(run);
    return Visit.CONTINUE;
  }

  @Override
  public Visit ref(String name) {
    events.add(new Ref(name));
    return Visit.CONTINUE;
  }

  @Override
  public Visit eof() {
    events.add(Mark.EOF);
    return Visit.CONTINUE;
  }

  /** Replays recorded events into another visitor. */
  public static void replay(List<Object> events, MetadataVisitor v) {
    for (Object e : events) {
      switch (e) {
        case SuperblockAttrs sb -> v.superblockBegin(sb);
        case DeviceAttrs d -> v.deviceBegin(d);
        case MappingRun r -> v.mapping(r);
        case Def d -> v.defBegin(d.name());
        case Ref r -> v.ref(r.name());
        case Mark m -> {
          switch (m) {
            case SUPERBLOCK_END -> v.superblockEnd();
            case DEF_END -> v.defEnd();
            case DEVICE_END -> v.deviceEnd();
            case EOF -> v.eof();
          }
        }
        default -> throw new IllegalArgumentException("not an event: " + e);
      }
    }
  }
}
