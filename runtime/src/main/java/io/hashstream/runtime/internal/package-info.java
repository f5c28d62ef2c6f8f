/** How the local runtime starts, watches and stops its child processes. Not an API. */
@NullMarked
package io.hashstream.runtime.internal;

import org.jspecify.annotations.NullMarked;
