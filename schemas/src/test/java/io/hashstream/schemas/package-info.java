/** Tests of io.hashstream.schemas. */
@NullMarked
package io.hashstream.schemas;

import org.jspecify.annotations.NullMarked;
