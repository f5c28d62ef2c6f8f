@NullMarked
package io.hashstream.faults;

import org.jspecify.annotations.NullMarked;
