package io.hashstream.consumer;

/** What an instance does with an event for a root it has no directory for. */
public enum UnknownRootPolicy {
  /**
   * A configuration error: log it, count it, report it in health, and hold the partition at that
   * event (nothing past it is committed) until an instance that knows the root takes it.
   */
  HOLD,
  /**
   * Copy the event to the dead-letter topic and go on: for deployments that split roots across
   * consumer groups on purpose.
   */
  DEAD_LETTER
}
