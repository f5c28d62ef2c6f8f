@NullMarked
package io.hashstream.consumer;

import org.jspecify.annotations.NullMarked;
