@NullMarked
package io.hashstream.producer.internal.store;

import org.jspecify.annotations.NullMarked;
