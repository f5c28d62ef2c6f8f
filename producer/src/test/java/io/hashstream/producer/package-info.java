@NullMarked
package io.hashstream.producer;

import org.jspecify.annotations.NullMarked;
