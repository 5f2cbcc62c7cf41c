/**
 * Test helpers for pdata and for the modules above it (through the test-jar):
 *
 * <ul>
 *   <li>{@link dev.thinly.pdata.testkit.PdataFixture}: a minimal pool (metadata space map, optional
 *       data space map, tree roots in a one-sector superblock) with commit, abort and restart;
 *   <li>{@link dev.thinly.pdata.testkit.RefCounts}: the reference-count oracle (spec 5.7);
 *       {@link dev.thinly.pdata.testkit.TreeShape}: btree structural invariants (spec 4.3);
 *   <li>{@link dev.thinly.pdata.testkit.FaultInjectingBlockDevice}: a volatile write cache with
 *       power cuts, torn writes and injected I/O errors; {@link
 *       dev.thinly.pdata.testkit.CommitGuardDevice}: fails on writes to committed blocks and on a
 *       wrong commit order;
 *   <li>{@link dev.thinly.pdata.testkit.DataBlockValues}: btree values that hold data-block
 *       references; {@link dev.thinly.pdata.block.ArrayBlock}: a block over an array;
 *       {@link dev.thinly.pdata.testkit.DmThinFixtures}: the dm-thin images in the test resources.
 * </ul>
 *
 * Space-map internals for tests are in {@code dev.thinly.pdata.spacemap.disk.SpaceMapInspector}.
 */
package dev.thinly.pdata.testkit;
