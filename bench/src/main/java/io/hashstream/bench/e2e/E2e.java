package io.hashstream.bench.e2e;

import java.util.Arrays;

/** The one entry point of bench/e2e's tools: {@code E2e TOOL ARGS...}. */
public final class E2e {
  private E2e() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println(
          "usage: E2e tree|large|walk-hash|topics|end-offsets|await-group|watch|publish|index-heap"
              + "|latency|report|attach ARGS...");
      System.exit(2);
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "tree" -> Trees.smallFiles(rest);
      case "large" -> Trees.largeFiles(rest);
      case "walk-hash" -> WalkHash.run(rest);
      case "topics" -> KafkaTools.createTopics(rest);
      case "end-offsets" -> KafkaTools.endOffsets(rest);
      case "await-group" -> KafkaTools.awaitGroup(rest);
      case "watch" -> CommitWatch.run(rest);
      case "publish" -> PublishBench.run(rest);
      case "index-heap" -> IndexHeap.run(rest);
      case "latency" -> LatencyBench.run(rest);
      case "report" -> E2eReport.run(rest);
      case "attach" -> AgentAttach.run(rest);
      default -> {
        System.err.println("E2e: unknown tool " + args[0]);
        System.exit(2);
      }
    }
  }

  /** Prints one figure for the script to collect. */
  static void emit(String key, Object value) {
    System.out.println(key + "=" + value);
    System.out.flush();
  }

  /** Says what is going on, on stderr. */
  static void log(String message) {
    System.err.println("  " + message);
    System.err.flush();
  }

  static int intArg(String[] args, int index, String name) {
    return Integer.parseInt(arg(args, index, name));
  }

  static long longArg(String[] args, int index, String name) {
    return Long.parseLong(arg(args, index, name));
  }

  static String arg(String[] args, int index, String name) {
    if (index >= args.length) {
      throw new IllegalArgumentException("missing argument " + (index + 1) + ": " + name);
    }
    return args[index];
  }
}
