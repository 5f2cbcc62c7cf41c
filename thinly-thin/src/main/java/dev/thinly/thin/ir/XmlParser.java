package dev.thinly.thin.ir;

import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads the thin_dump XML format with StAX, one element at a time, so memory does not grow with
 * the input. Accepts the 0.9.0 form and the 1.x form with {@code <def>}/{@code <ref>}; rejects
 * malformed XML, DTDs, unknown elements and attributes, missing attributes, numbers that are not
 * unsigned decimals, text between elements, and whatever {@link IrValidator} refuses. Every
 * rejection is a {@link MetadataInputException} that names the source and the line.
 *
 * <p>Element nesting: {@code superblock > (def > mapping*)*, (device > (mapping | ref)*)*}, where
 * a mapping is {@code single_mapping} or {@code range_mapping} and has no children.
 */
public final class XmlParser {
  private final XMLStreamReader reader;
  private final String source;
  private final MetadataVisitor visitor;
  private final Deque<String> open = new ArrayDeque<>();

  private XmlParser(XMLStreamReader reader, String source, MetadataVisitor downstream) {
    this.reader = reader;
    this.source = source;
    this.visitor = new IrValidator(downstream, source, this::line);
  }

  private static XMLInputFactory newFactory() {
    // the JDK's own implementation; no DTDs, so no entity expansion or external fetches
    XMLInputFactory f = XMLInputFactory.newDefaultFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_COALESCING, false);
    return f;
  }

  /**
   * Parses {@code in} (named {@code source} in messages) into {@code visitor}, validating on the
   * way. Stops early if the visitor says {@link Visit#STOP}. Does not close {@code in}.
   */
  public static void parse(InputStream in, String source, MetadataVisitor visitor) {
    XMLStreamReader r;
    try {
      // a factory per parse: XMLInputFactory promises no thread safety
      r = newFactory().createXMLStreamReader(in);
    } catch (XMLStreamException e) {
      throw malformed(source, e);
    }
    try {
      new XmlParser(r, source, visitor).run();
    } catch (XMLStreamException e) {
      throw malformed(source, e);
    } finally {
      try {
        r.close();
      } catch (XMLStreamException ignored) {
        // closing a reader over a stream we do not own releases nothing that matters
      }
    }
  }

  private static MetadataInputException malformed(String source, XMLStreamException e) {
    long line = e.getLocation() == null ? 0 : e.getLocation().getLineNumber();
    String m = e.getMessage() == null ? "unreadable input" : e.getMessage();
    int at = m.indexOf("Message: ");
    if (at >= 0) {
      m = m.substring(at + "Message: ".length());
    }
    return new MetadataInputException(source, line, "malformed XML: " + m.strip().replace('\n', ' '));
  }

  private long line() {
    return reader.getLocation().getLineNumber();
  }

  private MetadataInputException problem(String what) {
    return new MetadataInputException(source, line(), what);
  }

  private void run() throws XMLStreamException {
    while (reader.hasNext()) {
      int event = reader.next();
      Visit v =
          switch (event) {
            case XMLStreamConstants.START_ELEMENT -> start(reader.getLocalName());
            case XMLStreamConstants.END_ELEMENT -> end(reader.getLocalName());
            case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
              if (!reader.isWhiteSpace() && !reader.getText().isBlank()) {
                throw problem("unexpected text \"" + abbreviate(reader.getText().strip()) + "\"");
              }
              yield Visit.CONTINUE;
            }
            case XMLStreamConstants.DTD -> throw problem("a DTD is not accepted");
            case XMLStreamConstants.ENTITY_REFERENCE -> throw problem("entity references are not accepted");
            default -> Visit.CONTINUE; // comments, processing instructions, document start/end
          };
      if (v == Visit.STOP) {
        return;
      }
    }
    visitor.eof();
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  private Visit start(String name) {
    String prefix = reader.getPrefix();
    if (prefix != null && !prefix.isEmpty()) {
      throw problem("unknown element <" + prefix + ":" + name + ">");
    }
    String parent = open.peek();
    String allowed =
        switch (name) {
          case "superblock" -> null;
          case "def", "device" -> "superblock";
          case "single_mapping", "range_mapping" -> "device|def";
          case "ref" -> "device";
          default -> throw problem("unknown element <" + name + ">");
        };
    boolean placed =
        allowed == null ? parent == null : parent != null && ("|" + allowed + "|").contains("|" + parent + "|");
    if (!placed) {
      throw problem(
          "<" + name + "> is not allowed " + (parent == null ? "at the top level" : "inside <" + parent + ">"));
    }
    open.push(name);
    Attributes a = Attributes.read(reader, name, this::problem);
    return switch (name) {
      case "superblock" ->
          visitor.superblockBegin(
              new SuperblockAttrs(
                  a.string("uuid"), a.number("time"), a.number("transaction"), a.optional("flags"),
                  a.optional("version"), a.number("data_block_size"), a.number("nr_data_blocks"),
                  a.optional("metadata_snap")));
      case "def" -> visitor.defBegin(a.string("name"));
      case "device" ->
          visitor.deviceBegin(
              new DeviceAttrs(
                  a.number("dev_id"), a.number("mapped_blocks"), a.number("transaction"),
                  a.number("creation_time"), a.number("snap_time")));
      case "single_mapping" ->
          visitor.mapping(MappingRun.single(a.number("origin_block"), a.number("data_block"), a.number("time")));
      case "range_mapping" -> {
        long len = a.number("length");
        if (len == 0) {
          throw problem("<range_mapping> has length 0");
        }
        yield visitor.mapping(
            new MappingRun(a.number("origin_begin"), a.number("data_begin"), len, a.number("time")));
      }
      default -> visitor.ref(a.string("name"));
    };
  }

  private Visit end(String name) {
    open.pop();
    return switch (name) {
      case "superblock" -> visitor.superblockEnd();
      case "def" -> visitor.defEnd();
      case "device" -> visitor.deviceEnd();
      default -> Visit.CONTINUE;
    };
  }
}
