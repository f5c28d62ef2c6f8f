package io.hashstream.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Loopback ports that were free a moment ago, for runtimes started by tests. */
public final class FreePorts {
  private FreePorts() {}

  /** {@code count} distinct ports, each free when this returns. */
  public static int[] allocate(int count) {
    int[] ports = new int[count];
    // Every socket stays open until all are bound, so the ports are distinct.
    try (Closer held = new Closer()) {
      for (int i = 0; i < count; i++) {
        ServerSocket socket = held.add(new ServerSocket());
        socket.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0));
        ports[i] = socket.getLocalPort();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ports;
  }

  private static final class Closer implements AutoCloseable {
    private final List<ServerSocket> sockets = new ArrayList<>();

    ServerSocket add(ServerSocket socket) {
      sockets.add(socket);
      return socket;
    }

    @Override
    public void close() throws IOException {
      IOException failure = null;
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
    }
  }
}
