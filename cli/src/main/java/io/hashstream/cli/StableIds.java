package io.hashstream.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.jspecify.annotations.Nullable;

/** Stable names of producers and consumer instances: the one given, else the host name. */
final class StableIds {
  private StableIds() {}

  /**
   * @param chosen the option's value, if any
   * @param option the option that sets it, named in the error when the host name is unknown
   */
  static String orHostName(@Nullable String chosen, String option) {
    if (chosen != null && !chosen.isBlank()) {
      return chosen;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      throw new UserErrors.UsageException("the host name is unknown; give a name with " + option);
    }
  }
}
