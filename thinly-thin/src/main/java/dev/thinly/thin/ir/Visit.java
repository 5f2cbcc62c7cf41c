package dev.thinly.thin.ir;

/** What a {@link MetadataVisitor} wants next: more events, or none. */
public enum Visit {
  CONTINUE,
  STOP
}
