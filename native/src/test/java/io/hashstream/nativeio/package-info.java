@NullMarked
package io.hashstream.nativeio;

import org.jspecify.annotations.NullMarked;
