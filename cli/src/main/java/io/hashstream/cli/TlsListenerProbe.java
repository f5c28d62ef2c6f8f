package io.hashstream.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Whether a broker's listener speaks TLS, asked before a plaintext client connects to it: a Kafka
 * client without TLS reads the TLS alert a TLS listener answers with as the size of a message
 * (0x15030300, 350 MB) and allocates it (KAFKA-4090), then waits until its timeout. The probe sends
 * what a client sends first, an ApiVersions request, and looks at the first bytes of the answer.
 */
final class TlsListenerProbe {
  private static final int TIMEOUT_MILLIS = 2_000;
  private static final short API_VERSIONS = 18;
  /** A TLS record of type alert (21), protocol major version 3. */
  private static final int ALERT = 0x15;
  private static final int TLS_MAJOR = 0x03;

  private TlsListenerProbe() {}

  /** True if {@code host:port} answers a plaintext request with a TLS alert; false if not, or if it does not answer. */
  static boolean speaksTls(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      byte[] clientId = "hashstream-probe".getBytes(StandardCharsets.US_ASCII);
      ByteBuffer request = ByteBuffer.allocate(4 + 2 + 2 + 4 + 2 + clientId.length);
      request.putInt(request.capacity() - 4).putShort(API_VERSIONS).putShort((short) 0).putInt(1);
      request.putShort((short) clientId.length).put(clientId);
      socket.getOutputStream().write(request.array());
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      int first = in.read();
      int second = in.read();
      return first == ALERT && second == TLS_MAJOR;
    } catch (IOException | RuntimeException e) {
      // Unreachable, or not a Kafka listener at all: the client's own connection says so.
      return false;
    }
  }
}
