package io.hashstream.consumer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A TCP forwarder on loopback that a test can cut: while it is down, connections are refused and
 * the open ones are closed, as if the server behind it had stopped. The server itself keeps running.
 */
final class TcpProxy implements AutoCloseable {
  private final InetSocketAddress target;
  private final int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private @Nullable ServerSocket server;

  TcpProxy(String host, int targetPort) throws IOException {
    this.target = new InetSocketAddress(host, targetPort);
    ServerSocket first = bind(0);
    this.port = first.getLocalPort();
    serve(first);
  }

  int port() {
    return port;
  }

  /** A proxy in front of the service at {@code url}. */
  static TcpProxy before(String url) throws IOException {
    java.net.URI uri = java.net.URI.create(url);
    return new TcpProxy(uri.getHost(), uri.getPort());
  }

  /** {@code url}, of the service this proxy is in front of, through the proxy. */
  String through(String url) {
    int target = java.net.URI.create(url).getPort();
    return url.replace(":" + target + "/", ":" + port() + "/");
  }

  /** Refuses new connections and closes the open ones. */
  synchronized void down() throws IOException {
    ServerSocket current = server;
    server = null;
    if (current != null) {
      current.close();
    }
    for (Socket socket : open) {
      socket.close();
    }
    open.clear();
  }

  /** Forwards again, on the same port. */
  synchronized void up() throws IOException {
    if (server == null) {
      serve(bind(port));
    }
  }

  private static ServerSocket bind(int port) throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port));
    return socket;
  }

  private void serve(ServerSocket socket) {
    server = socket;
    Thread.ofVirtual()
        .name("proxy-accept")
        .start(
            () -> {
              while (!socket.isClosed()) {
                try {
                  Socket client = socket.accept();
                  Socket upstream = new Socket(target.getAddress(), target.getPort());
                  open.add(client);
                  open.add(upstream);
                  pump(client, upstream);
                  pump(upstream, client);
                } catch (IOException e) {
                  // Closed by down(), or the target refused: the client sees its connection end.
                }
              }
            });
  }

  private void pump(Socket from, Socket to) {
    Thread.ofVirtual()
        .start(
            () -> {
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
              } catch (IOException e) {
                // One side closed: close both below.
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            });
  }

  private void closeQuietly(Socket socket) {
    open.remove(socket);
    try {
      socket.close();
    } catch (IOException e) {
      // Already closed: nothing more to release.
    }
  }

  @Override
  public void close() throws IOException {
    down();
  }
}
