@NullMarked
package io.hashstream.runtime.internal;

import org.jspecify.annotations.NullMarked;
