@NullMarked
package io.hashstream.consumer.verify;

import org.jspecify.annotations.NullMarked;
