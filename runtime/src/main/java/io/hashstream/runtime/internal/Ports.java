package io.hashstream.runtime.internal;

import io.hashstream.runtime.LocalRuntimeException;
import io.hashstream.runtime.PortRole;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;

/** Checks, before any child starts, that the runtime's ports are free on loopback. */
public final class Ports {
  private static final InetAddress LOOPBACK = loopback();

  private Ports() {}

  /**
   * Throws {@link LocalRuntimeException.PortInUse} if {@code port} cannot be bound on 127.0.0.1.
   * A port a child held until a moment ago (TIME_WAIT) counts as free, as it does for the child.
   */
  public static void requireFree(int port, PortRole role) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(LOOPBACK, port));
    } catch (IOException e) {
      throw new LocalRuntimeException.PortInUse(port, role);
    }
  }

  /** Whether something accepts connections on {@code port} of 127.0.0.1 now. */
  public static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(LOOPBACK, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a literal address needs no lookup", e);
    }
  }
}
