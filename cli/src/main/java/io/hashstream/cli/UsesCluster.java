package io.hashstream.cli;

/** A command whose failures may be a secured cluster's refusal, said with its principal. */
interface UsesCluster {
  ClusterOptions cluster();

  /** The ACL operation the command uses on the resources a refusal names: {@code Read}, {@code Alter}. */
  String operation();
}
