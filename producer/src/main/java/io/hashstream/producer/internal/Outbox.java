package io.hashstream.producer.internal;

/** Where the tracker hands events to be sent; implementations queue them and return at once. */
public interface Outbox {
  void send(Outgoing outgoing);
}
