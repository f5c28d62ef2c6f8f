@NullMarked
package io.hashstream.runtime;

import org.jspecify.annotations.NullMarked;
