package dev.thinly.nbd.server;

import dev.thinly.nbd.protocol.Command;
import dev.thinly.nbd.protocol.CommandFlag;
import dev.thinly.nbd.protocol.RequestHeader;
import dev.thinly.nbd.protocol.TransmissionFlag;
import dev.thinly.pdata.error.InvalidRequestException;
import dev.thinly.pdata.error.NoSpaceException;
import dev.thinly.pdata.error.ReadOnlyException;

/**
 * Checks a request against what negotiation promised, before any export sees it (nbdkit's {@code
 * validate_request}). Failures are thrown as the exceptions whose NBD errors the spec asks for,
 * mapped by {@link NbdErrors}; checks run in this order:
 *
 * <ol>
 *   <li>unknown command (including RESIZE): EINVAL;
 *   <li>WRITE, TRIM or WRITE_ZEROES on a read-only export: EPERM;
 *   <li>a command whose feature was not advertised (FLUSH, TRIM, WRITE_ZEROES; BLOCK_STATUS without
 *       a selected {@code base:allocation}): EINVAL. CACHE is accepted unadvertised, since the spec
 *       notes clients that send it anyway; it then does nothing;
 *   <li>a flag the command does not take, or one whose feature was not advertised (FUA without
 *       SEND_FUA, DF without structured replies, FAST_ZERO without SEND_FAST_ZERO): EINVAL;
 *   <li>FLUSH with a nonzero offset or length: EINVAL;
 *   <li>a zero length, or a range reaching past the end of the export (computed without overflow;
 *       offsets are unsigned): ENOSPC for WRITE and WRITE_ZEROES, EINVAL otherwise;
 *   <li>offset or length not aligned to the minimum block size (a range ending exactly at the end
 *       of the export may have any length): EINVAL;
 *   <li>a READ or WRITE longer than the maximum block size: EINVAL. The limit only applies to
 *       commands that carry the data; TRIM, WRITE_ZEROES, CACHE and BLOCK_STATUS of any length are
 *       accepted, as copy tools zero and query large ranges in one request.
 * </ol>
 *
 * WRITEs over the 32 MiB payload limit never get here: the reader drops the connection before
 * reading their payload.
 */
final class RequestValidator {
  private static final int FUA = CommandFlag.FUA.mask();

  private RequestValidator() {}

  /** Returns the request's command if it may be executed; throws otherwise. */
  static Command validate(RequestHeader request, Session session) {
    Command command =
        Command.of(request.type())
            .filter(c -> c != Command.RESIZE && c != Command.DISC)
            .orElseThrow(() -> invalid("unknown command " + request.type()));
    ExportTerms terms = session.terms();
    boolean writes =
        command == Command.WRITE || command == Command.TRIM || command == Command.WRITE_ZEROES;
    if (writes && terms.has(TransmissionFlag.READ_ONLY)) {
      throw new ReadOnlyException("export " + session.exportName(), "");
    }
    switch (command) {
      case FLUSH -> require(terms, TransmissionFlag.SEND_FLUSH, command);
      case TRIM -> require(terms, TransmissionFlag.SEND_TRIM, command);
      case WRITE_ZEROES -> require(terms, TransmissionFlag.SEND_WRITE_ZEROES, command);
      case BLOCK_STATUS -> {
        if (session.metaContextId() == 0) {
          throw invalid("BLOCK_STATUS without a selected metadata context");
        }
      }
      default -> {}
    }
    checkFlags(request.flags(), command, session);
    if (command == Command.FLUSH) {
      if (request.offsetBytes() != 0 || request.lengthBytes() != 0) {
        throw invalid("FLUSH with a nonzero offset or length");
      }
      return command;
    }
    checkRange(request, command, terms);
    return command;
  }

  private static void checkFlags(int flags, Command command, Session session) {
    ExportTerms terms = session.terms();
    int allowed = terms.has(TransmissionFlag.SEND_FUA) ? FUA : 0;
    switch (command) {
      case READ -> {
        if (terms.has(TransmissionFlag.SEND_DF)) {
          allowed |= CommandFlag.DF.mask();
        }
      }
      case WRITE_ZEROES -> {
        allowed |= CommandFlag.NO_HOLE.mask();
        if (terms.has(TransmissionFlag.SEND_FAST_ZERO)) {
          allowed |= CommandFlag.FAST_ZERO.mask();
        }
      }
      case BLOCK_STATUS -> allowed |= CommandFlag.REQ_ONE.mask();
      default -> {}
    }
    if ((flags & ~allowed) != 0) {
      throw invalid(
          "flags 0x" + Integer.toHexString(flags & ~allowed) + " not valid for " + command);
    }
  }

  private static void checkRange(RequestHeader request, Command command, ExportTerms terms) {
    long offset = request.offsetBytes();
    long length = request.lengthBytes();
    long size = terms.sizeBytes();
    if (length == 0) {
      throw invalid(command + " of zero bytes");
    }
    // offset is unsigned: a negative long is at least 2^63, beyond any export
    if (offset < 0 || offset > size || length > size - offset) {
      String what =
          command
              + " of "
              + length
              + " bytes at "
              + Long.toUnsignedString(offset)
              + " beyond the end of the export ("
              + size
              + " bytes)";
      if (command == Command.WRITE || command == Command.WRITE_ZEROES) {
        throw new NoSpaceException(NoSpaceException.Space.DATA, what);
      }
      throw invalid(what);
    }
    int minimum = terms.minimumBlockBytes();
    if (minimum > 1
        && ((offset & (minimum - 1)) != 0
            || ((length & (minimum - 1)) != 0 && offset + length != size))) {
      throw invalid(
          command + " of " + length + " bytes at " + offset + " not aligned to " + minimum);
    }
    if ((command == Command.READ || command == Command.WRITE)
        && length > terms.maximumPayloadBytes()) {
      throw invalid(
          command
              + " of "
              + length
              + " bytes exceeds the maximum of "
              + terms.maximumPayloadBytes());
    }
  }

  private static void require(ExportTerms terms, TransmissionFlag flag, Command command) {
    if (!terms.has(flag)) {
      throw invalid(command + " was not advertised for this export");
    }
  }

  private static InvalidRequestException invalid(String message) {
    return new InvalidRequestException(message);
  }
}
