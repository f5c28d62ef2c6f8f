package io.hashstream.faults;

/** One scenario's topics, fresh for each, so that no scenario reads another's results. */
record Topics(String events, String hashes) {
  static Topics of(String scenario) {
    String suffix = scenario + "-" + Long.toHexString(System.nanoTime());
    return new Topics("faults." + suffix + ".events", "faults." + suffix + ".hashes");
  }

  String deadLetters() {
    return events + ".dlq";
  }
}
