package io.hashstream.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A TCP forwarder on loopback that a test can cut in two ways, while the server behind it keeps
 * running: {@link #down} refuses new connections and closes the open ones (a reset, as if the
 * server had stopped); {@link #stall} keeps every connection open and accepts new ones but forwards
 * no byte either way until {@link #resume} (a partition: the peers only see silence and time out).
 */
public final class TcpProxy implements AutoCloseable {
  private static final int BUFFER = 64 * 1024;

  private final InetSocketAddress target;
  private final int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Object gate = new Object();
  private boolean stalled; // guarded by gate
  private @Nullable ServerSocket server; // guarded by this

  public TcpProxy(String host, int targetPort) throws IOException {
    this(host, targetPort, 0);
  }

  /** A proxy on {@code port} (0: any free one) in front of {@code host:targetPort}. */
  public TcpProxy(String host, int targetPort, int port) throws IOException {
    this.target = new InetSocketAddress(host, targetPort);
    ServerSocket first = bind(port);
    this.port = first.getLocalPort();
    serve(first);
  }

  public int port() {
    return port;
  }

  /** A proxy in front of the service at {@code url}. */
  public static TcpProxy before(String url) throws IOException {
    URI uri = URI.create(url);
    return new TcpProxy(uri.getHost(), uri.getPort());
  }

  /** {@code url}, of the service this proxy is in front of, through the proxy. */
  public String through(String url) {
    int target = URI.create(url).getPort();
    return url.replace(":" + target + "/", ":" + port() + "/");
  }

  /** Refuses new connections and closes the open ones. */
  public synchronized void down() throws IOException {
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
  public synchronized void up() throws IOException {
    if (server == null) {
      serve(bind(port));
    }
  }

  /** Forwards nothing, in either direction, on open and new connections, until {@link #resume}. */
  public void stall() {
    synchronized (gate) {
      stalled = true;
    }
  }

  /** Forwards again what was held and what comes. */
  public void resume() {
    synchronized (gate) {
      stalled = false;
      gate.notifyAll();
    }
  }

  private void awaitOpen() throws InterruptedIOException {
    synchronized (gate) {
      while (stalled) {
        try {
          gate.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while stalled");
        }
      }
    }
  }

  private static ServerSocket bind(int port) throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port));
    return socket;
  }

  private synchronized void serve(ServerSocket socket) {
    server = socket;
    Thread.ofVirtual()
        .name("proxy-accept-" + port)
        .start(
            () -> {
              while (!socket.isClosed()) {
                try {
                  Socket client = socket.accept();
                  open.add(client);
                  Thread.ofVirtual().start(() -> connect(client));
                } catch (IOException e) {
                  // Closed by down(): the loop ends.
                }
              }
            });
  }

  /** A stalled proxy accepts but does not connect on: the client's connection just hangs. */
  private void connect(Socket client) {
    try {
      awaitOpen();
      Socket upstream = new Socket(target.getAddress(), target.getPort());
      open.add(upstream);
      pump(client, upstream);
      pump(upstream, client);
    } catch (IOException e) {
      // The target refused or the proxy went down: the client sees its connection end.
      closeQuietly(client);
    }
  }

  private void pump(Socket from, Socket to) {
    Thread.ofVirtual()
        .start(
            () -> {
              byte[] buffer = new byte[BUFFER];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                  awaitOpen();
                  out.write(buffer, 0, read);
                }
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
    resume();
    down();
  }
}
