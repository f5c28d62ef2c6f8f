@NullMarked
package io.hashstream.consumer.internal.nativeio;

import org.jspecify.annotations.NullMarked;
