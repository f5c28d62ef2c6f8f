@NullMarked
package io.hashstream.producer.internal;

import org.jspecify.annotations.NullMarked;
