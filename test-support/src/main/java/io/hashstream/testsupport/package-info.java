/** Fixtures for hashstream's tests: the shared local runtime, free ports, and waiting helpers. */
@NullMarked
package io.hashstream.testsupport;

import org.jspecify.annotations.NullMarked;
