@NullMarked
package io.hashstream.producer.internal.source;

import org.jspecify.annotations.NullMarked;
