@NullMarked
package io.hashstream.consumer.internal;

import org.jspecify.annotations.NullMarked;
