@NullMarked
package io.hashstream.cli;

import org.jspecify.annotations.NullMarked;
