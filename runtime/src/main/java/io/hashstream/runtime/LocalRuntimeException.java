package io.hashstream.runtime;

/**
 * The local runtime could not start. The message is one line meant for the user: it says what went
 * wrong and, where it can, what to do.
 */
public sealed class LocalRuntimeException extends RuntimeException
    permits LocalRuntimeException.PortInUse, LocalRuntimeException.DataDirectoryInUse {
  private static final long serialVersionUID = 1L;

  public LocalRuntimeException(String message) {
    super(message);
  }

  public LocalRuntimeException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A port the runtime needs is taken by another process. */
  public static final class PortInUse extends LocalRuntimeException {
    private static final long serialVersionUID = 1L;
    private final int port;
    private final PortRole role;

    public PortInUse(int port, PortRole role) {
      super("port " + port + " for " + role.description() + " is already in use on 127.0.0.1");
      this.port = port;
      this.role = role;
    }

    public int port() {
      return port;
    }

    public PortRole role() {
      return role;
    }
  }

  /** Another runtime, live or left over from a crash, holds the data directory. */
  public static final class DataDirectoryInUse extends LocalRuntimeException {
    private static final long serialVersionUID = 1L;

    public DataDirectoryInUse(String message) {
      super(message);
    }
  }
}
