package io.hashstream.producer.internal.source;

import io.hashstream.producer.internal.RootGuard;
import io.hashstream.producer.internal.RootSpec;
import java.util.List;

/** The JDK watch service made recursive. */
class WatchServiceSourceTest extends ChangeSourceContract {
  @Override
  ChangeSource create(List<RootSpec> roots, ChangeSink sink, RootGuard guard) {
    return ChangeSource.watchService(roots, sink, slow(), guard, metrics, failures);
  }

  /** The JDK keeps 512 events per key. */
  @Override
  int overflowingBurst() {
    return 2000;
  }
}
