@NullMarked
package io.hashstream.testsupport;

import org.jspecify.annotations.NullMarked;
