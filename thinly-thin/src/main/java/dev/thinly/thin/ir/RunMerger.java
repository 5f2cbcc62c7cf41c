package dev.thinly.thin.ir;

/**
 * Turns single mappings, given in ascending thin-block order, into runs as thin_dump does: a
 * mapping extends the current run if its thin block and its data block both follow the run's last
 * ones and its time is the run's time; anything else starts a new run.
 *
 * <p>Not thread-safe; one merger per device.
 */
public final class RunMerger {
  private final MetadataVisitor out;
  private boolean inRun;
  private long thinBegin;
  private long dataBegin;
  private long lenBlocks;
  private long time;

  public RunMerger(MetadataVisitor out) {
    this.out = out;
  }

  /** Adds one mapping; returns what the receiver said about any run this completed. */
  public Visit add(long thinBlock, long dataBlock, long mappingTime) {
    if (inRun
        && thinBlock == thinBegin + lenBlocks
        && dataBlock == dataBegin + lenBlocks
        && mappingTime == time) {
      lenBlocks++;
      return Visit.CONTINUE;
    }
    Visit v = flush();
    inRun = true;
    thinBegin = thinBlock;
    dataBegin = dataBlock;
    lenBlocks = 1;
    time = mappingTime;
    return v;
  }

  /** Emits the current run, if any (call at the end of a device). */
  public Visit flush() {
    if (!inRun) {
      return Visit.CONTINUE;
    }
    inRun = false;
    return out.mapping(new MappingRun(thinBegin, dataBegin, lenBlocks, time));
  }
}
