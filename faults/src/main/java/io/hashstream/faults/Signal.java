package io.hashstream.faults;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The signals the suite sends, by the operating system's {@code kill}, to one exact pid. */
enum Signal {
  KILL,
  TERM,
  STOP,
  CONT;

  /** Sends this signal to {@code pid}; a process already gone is not an error. */
  void send(long pid) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name(), Long.toString(pid)).redirectErrorStream(true).start();
      kill.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
      kill.waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException("kill -" + name() + " " + pid + " could not run", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending " + name() + " to " + pid, e);
    }
  }
}
