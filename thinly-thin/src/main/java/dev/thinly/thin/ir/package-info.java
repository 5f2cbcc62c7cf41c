/**
 * The intermediate representation shared by dump, restore, ls and rmap: a stream of events
 * ({@link dev.thinly.thin.ir.MetadataVisitor}) describing a pool, with records at the
 * boundaries ({@link dev.thinly.thin.ir.SuperblockAttrs}, {@link dev.thinly.thin.ir.DeviceAttrs},
 * {@link dev.thinly.thin.ir.MappingRun}).
 *
 * <p>Producers: the metadata walker (dump) and {@link dev.thinly.thin.ir.XmlParser} (restore).
 * Consumers: the emitters (XML and human-readable byte-identical to thin_dump 0.9.0, and JSON in
 * {@code ir.json}) and the bulk pool builder. An event stream is:
 *
 * <pre>
 *   superblockBegin
 *     (defBegin mapping* defEnd)*               shared mapping sets (the 1.x form); before devices
 *     (deviceBegin (mapping | ref)* deviceEnd)*
 *   superblockEnd
 *   eof
 * </pre>
 *
 * Mappings within a device or def ascend by thin block without overlapping; every number is an
 * unsigned decimal in the XML. Depends on the JDK only ({@code json} uses Jackson's streaming API).
 */
package dev.thinly.thin.ir;
